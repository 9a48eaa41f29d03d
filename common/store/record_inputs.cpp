#include "common/store/record_inputs.hpp"

#include "common/core/parallel_map.hpp"

namespace bodycam::common::store {

namespace {

// Records read at once: each read is a round trip or two to an S3 store, and a device's records number in the
// tens of thousands.
constexpr std::size_t reading_threads = 8;

}  // namespace

core::expected<std::vector<chain::record_input>> read_record_inputs(const store& s, const record::device_id& device) {
  auto seqs = s.list_record_seqs(device);
  if (!seqs) return std::unexpected(seqs.error());
  return read_record_inputs(s, device, *seqs);
}

core::expected<std::vector<chain::record_input>> read_record_inputs(const store& s, const record::device_id& device,
                                                                     std::span<const std::uint64_t> seqs) {
  auto read = core::parallel_map(seqs.size(), reading_threads, true,
                                 [&](std::size_t i) { return s.get_record(device, seqs[i]); });
  std::vector<chain::record_input> inputs;
  inputs.reserve(seqs.size());
  for (std::size_t i = 0; i < read.size(); ++i) {  // the first record that cannot be read is the error
    if (!read[i]) return std::unexpected(read[i].error());
    inputs.push_back({store_key::record(device, seqs[i]).str(), seqs[i], std::move(*read[i])});
  }
  return inputs;
}

}  // namespace bodycam::common::store

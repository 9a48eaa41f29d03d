#include "common/store/record_inputs.hpp"

namespace bodycam::common::store {

core::expected<std::vector<chain::record_input>> read_record_inputs(const store& s, const record::device_id& device) {
  auto seqs = s.list_record_seqs(device);
  if (!seqs) return std::unexpected(seqs.error());
  return read_record_inputs(s, device, *seqs);
}

core::expected<std::vector<chain::record_input>> read_record_inputs(const store& s, const record::device_id& device,
                                                                     std::span<const std::uint64_t> seqs) {
  std::vector<chain::record_input> inputs;
  inputs.reserve(seqs.size());
  for (const std::uint64_t seq : seqs) {
    auto bytes = s.get_record(device, seq);
    if (!bytes) return std::unexpected(bytes.error());
    inputs.push_back({store_key::record(device, seq).str(), seq, std::move(*bytes)});
  }
  return inputs;
}

}  // namespace bodycam::common::store

#include "common/store/record_inputs.hpp"

#include <algorithm>
#include <atomic>
#include <optional>
#include <thread>

namespace bodycam::common::store {

namespace {

// Records are read by this many threads at once when there are at least min_records_to_share of them: each
// read is a round trip or two to an S3 store, and a device's records number in the tens of thousands.
constexpr std::size_t reading_threads = 8;
constexpr std::size_t min_records_to_share = 32;

}  // namespace

core::expected<std::vector<chain::record_input>> read_record_inputs(const store& s, const record::device_id& device) {
  auto seqs = s.list_record_seqs(device);
  if (!seqs) return std::unexpected(seqs.error());
  return read_record_inputs(s, device, *seqs);
}

core::expected<std::vector<chain::record_input>> read_record_inputs(const store& s, const record::device_id& device,
                                                                     std::span<const std::uint64_t> seqs) {
  std::vector<std::optional<core::expected<core::byte_buffer>>> read(seqs.size());
  std::atomic<std::size_t> next = 0;
  std::atomic<bool> failed = false;
  // Every seq taken is read; after a failure none is taken, so those not read all come after every one read.
  const auto work = [&] {
    while (!failed) {
      const std::size_t i = next++;
      if (i >= seqs.size()) return;
      read[i] = s.get_record(device, seqs[i]);
      if (!*read[i]) failed = true;
    }
  };
  if (seqs.size() < min_records_to_share) {
    work();
  } else {
    std::vector<std::jthread> threads;
    for (std::size_t t = 0; t < reading_threads; ++t) threads.emplace_back(work);
  }
  // In seq order: the first record that could not be read is the error, as if read one by one.
  std::vector<chain::record_input> inputs;
  inputs.reserve(seqs.size());
  for (std::size_t i = 0; i < seqs.size(); ++i) {
    if (!read[i]) break;  // not read: a read before it failed
    if (!*read[i]) return std::unexpected(read[i]->error());
    inputs.push_back({store_key::record(device, seqs[i]).str(), seqs[i], std::move(**read[i])});
  }
  if (inputs.size() != seqs.size())
    return core::fail(core::errc::internal, "read the records of " + device.str() + ": some were not read");
  return inputs;
}

}  // namespace bodycam::common::store

#include "common/tlog/entry_bundle.hpp"

#include <string>

namespace bodycam::common::tlog {

core::expected<core::byte_buffer> encode_entry_bundle(std::span<const core::byte_buffer> entries) {
  core::byte_writer w;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].size() > max_entry_size) {
      return core::fail(core::errc::invalid_argument, "encode entry bundle: entry " + std::to_string(i) + " has " +
                                                          std::to_string(entries[i].size()) + " bytes, over 65535");
    }
    w.put_u16(static_cast<std::uint16_t>(entries[i].size()));
    w.put_raw(entries[i]);
  }
  return w.take();
}

core::expected<std::vector<core::byte_buffer>> decode_entry_bundle(core::byte_view bundle, std::size_t expected_count) {
  core::byte_reader r(bundle);
  std::vector<core::byte_buffer> out;
  while (!r.at_end()) {
    const std::string what = "decode entry bundle: entry " + std::to_string(out.size());
    if (out.size() == expected_count) {
      return core::fail(core::errc::malformed, what + ": more than the " + std::to_string(expected_count) + " expected");
    }
    auto length = r.get_u16(what + " length");
    if (!length) return std::unexpected(length.error());
    auto bytes = r.get_raw(*length, what + " bytes");
    if (!bytes) return std::unexpected(bytes.error());
    out.emplace_back(bytes->begin(), bytes->end());
  }
  if (out.size() != expected_count) {
    return core::fail(core::errc::malformed, "decode entry bundle: " + std::to_string(out.size()) + " entries, expected " +
                                                 std::to_string(expected_count));
  }
  return out;
}

}  // namespace bodycam::common::tlog

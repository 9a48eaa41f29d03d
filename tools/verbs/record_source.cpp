#include "tools/verbs/record_source.hpp"

#include "common/core/durable_file.hpp"
#include "common/ledger/ledger.hpp"
#include "common/record/record.hpp"
#include "common/store/directory_backend.hpp"
#include "common/store/record_inputs.hpp"

#include <charconv>
#include <fstream>

namespace bodycam::tools::verbs {

namespace fs = std::filesystem;
using namespace bodycam::common;

bool looks_like_sqlite(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  char header[16] = {};
  in.read(header, sizeof header);
  return in.gcount() == 16 && std::string_view(header, 16) == std::string_view("SQLite format 3\0", 16);
}

core::expected<record_set> read_ledger_records(const fs::path& ledger_path) {
  ledger::open_options options;
  options.read_only = true;
  auto ledger = ledger::open(ledger_path, options);
  if (!ledger) return std::unexpected(ledger.error());
  record_set out;
  auto device = ledger->device_id();
  if (!device) return std::unexpected(device.error());
  out.device = *device;
  auto walked = ledger->for_each_record(0, [&](const ledger::stored_record& r) -> core::status {
    out.records.push_back({"ledger " + ledger_path.string() + " seq " + std::to_string(r.seq), r.seq, r.bytes});
    return {};
  });
  if (!walked) return std::unexpected(walked.error());
  return out;
}

core::expected<record_set> read_record_directory(const fs::path& dir) {
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) return core::fail(core::errc::not_found, "read record directory " + dir.string() + ": " + ec.message());
  record_set out;
  for (const auto& entry : it) {
    const std::string name = entry.path().filename().string();
    std::uint64_t seq = 0;
    const auto [end, err] = std::from_chars(name.data(), name.data() + name.size(), seq);
    if (err != std::errc{} || end != name.data() + name.size())
      return core::fail(core::errc::malformed, "record directory " + dir.string() + ": unexpected entry '" + name +
                                                   "' (record files are named by their seq)");
    if (!entry.is_regular_file())
      return core::fail(core::errc::malformed, "record directory " + dir.string() + ": " + name + " is not a file");
    auto bytes = core::read_file(entry.path(), common::record::max_record_bytes + 64);
    if (!bytes) return std::unexpected(bytes.error());
    out.records.push_back({(dir.filename() / name).string(), seq, std::move(*bytes)});
  }
  std::sort(out.records.begin(), out.records.end(),
            [](const auto& a, const auto& b) { return *a.claimed_seq < *b.claimed_seq; });
  out.device = dir.filename().string();
  return out;
}

std::optional<fs::path> store_root_of_records(const fs::path& dir) {
  const fs::path absolute = fs::absolute(dir).lexically_normal();
  const fs::path device = absolute.has_filename() ? absolute : absolute.parent_path();
  const fs::path records = device.parent_path();
  std::error_code ec;
  if (records.filename() != "records" || !fs::exists(records.parent_path() / store::store_marker_name, ec))
    return std::nullopt;
  return records.parent_path();
}

core::expected<record_set> read_store_records(const fs::path& store_root, const std::string& device_text) {
  auto device = record::device_id::parse(device_text);
  if (!device) return std::unexpected(device.error());
  auto s = store::open_directory_store(store_root, false);
  if (!s) return std::unexpected(s.error());
  auto inputs = store::read_record_inputs(*s, *device);
  if (!inputs) return std::unexpected(inputs.error());
  return record_set{std::move(*inputs), device_text};
}

}  // namespace bodycam::tools::verbs

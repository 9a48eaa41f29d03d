// Resumable fetch into the spool, the check against the record, and quarantine (file_fetcher.hpp).
#include "ingest/dock/file_fetcher.hpp"

#include "common/core/durable_file.hpp"
#include "common/core/unique_fd.hpp"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>

namespace bodycam::ingest::dock {

namespace core = common::core;
namespace crypto = common::crypto;
namespace msg = common::offload;

namespace {

core::expected<std::pair<std::uint64_t, crypto::sha256_digest>> hash_file(const std::filesystem::path& path) {
  core::unique_fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.is_open()) return core::fail_errno("open spool file", path.string(), errno);
  crypto::sha256_hasher hasher;
  std::array<std::uint8_t, 1 << 16> buffer{};
  std::uint64_t total = 0;
  for (;;) {
    const auto n = ::read(fd.get(), buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return core::fail_errno("read spool file", path.string(), errno);
    }
    if (n == 0) break;
    hasher.update(core::byte_view(buffer.data(), static_cast<std::size_t>(n)));
    total += static_cast<std::uint64_t>(n);
  }
  return std::pair{total, hasher.finish()};
}

}  // namespace

core::expected<fetch_result> fetch_file(camera_port& camera, const file_expectation& want,
                                        const std::filesystem::path& spool_dir, std::uint32_t chunk,
                                        const std::optional<fragment_expectation>& fragments) {
  const auto dir = spool_dir / want.device.str();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return core::fail(core::errc::io, "create spool directory " + dir.string() + ": " + ec.message());
  fetch_result out;
  out.spool_file = dir / (want.sha256.to_hex() + ".part");
  const std::string what = "fetch " + want.device.str() + " file " + want.file_name;

  // A spool file left by an adoption that stopped after making it read-only is ours to write again; one with a
  // second name is never written into (it could be a stored object's), it is started afresh.
  struct stat old {};
  if (::lstat(out.spool_file.c_str(), &old) == 0 && (old.st_nlink > 1 || !S_ISREG(old.st_mode)) &&
      ::unlink(out.spool_file.c_str()) != 0)
    return core::fail_errno("remove spool file", out.spool_file.string(), errno);
  if (::chmod(out.spool_file.c_str(), 0640) != 0 && errno != ENOENT)
    return core::fail_errno("chmod spool file", out.spool_file.string(), errno);
  core::unique_fd fd(::open(out.spool_file.c_str(), O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0640));
  if (!fd.is_open()) return core::fail_errno("open spool file", out.spool_file.string(), errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return core::fail_errno("stat spool file", out.spool_file.string(), errno);
  std::uint64_t offset = static_cast<std::uint64_t>(st.st_size);
  if (offset > want.byte_length) {  // more than the record says: start again
    if (::ftruncate(fd.get(), 0) != 0) return core::fail_errno("truncate spool file", out.spool_file.string(), errno);
    offset = 0;
  }
  out.resumed = offset > 0;
  // A fresh file is hashed as it arrives; a resumed one is hashed whole afterwards (its prefix was not seen).
  crypto::sha256_hasher streaming;
  std::optional<fragment_stream> walk;
  if (fragments && !out.resumed) walk.emplace(*fragments);
  std::uint64_t declared = want.byte_length;  // invariant 2: what the camera says the file's length is
  for (;;) {
    if (offset >= declared && offset >= want.byte_length) break;
    auto response = camera.exchange(msg::file_request{want.file_name, offset, chunk});
    if (!response) return core::wrap(what, response.error());
    if (const auto* e = std::get_if<msg::error_response>(&*response)) {
      out.camera_error = e->detail;
      break;
    }
    const auto* part = std::get_if<msg::file_response>(&*response);
    if (part == nullptr || part->file_name != want.file_name || part->offset != offset)
      return core::fail(core::errc::malformed, what + ": the camera's answer is not the range asked for");
    declared = std::min<std::uint64_t>(part->file_length, want.byte_length + chunk);
    if (part->data.empty()) break;  // the camera's file ends here
    if (::lseek(fd.get(), static_cast<off_t>(offset), SEEK_SET) < 0)
      return core::fail_errno("seek spool file", out.spool_file.string(), errno);
    if (auto ok = core::write_all(fd.get(), part->data, out.spool_file); !ok) return std::unexpected(ok.error());
    if (!out.resumed) streaming.update(part->data);
    if (walk) walk->update(part->data);
    offset += part->data.size();
    out.bytes_received += part->data.size();
  }
  // No fsync here: the store's adoption syncs the file once, when it takes it in. Until then the spool is a
  // cache, not evidence: a spool file whose unsynced tail was lost in a crash fails the check and is fetched
  // again whole (dock_session invariant 2).
  fd.reset();
  if (!out.resumed) {
    out.actual_length = offset;
    out.actual_sha256 = streaming.finish();
  } else {
    auto hashed = hash_file(out.spool_file);
    if (!hashed) return std::unexpected(hashed.error());
    out.actual_length = hashed->first;
    out.actual_sha256 = hashed->second;
  }
  out.matches = out.camera_error.empty() && out.actual_length == want.byte_length && out.actual_sha256 == want.sha256;
  if (walk && out.matches) {  // the fragments of bytes that are not the record's file are not its fragments
    out.fragments_checked = true;
    if (auto problem = walk->finish()) out.fragment_problem = std::move(*problem);
  }
  return out;
}

core::expected<std::filesystem::path> quarantine_file(const file_expectation& want, const fetch_result& got,
                                                      const std::filesystem::path& quarantine_dir,
                                                      common::record::utc_time now) {
  const auto dir = quarantine_dir / want.device.str();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return core::fail(core::errc::io, "create quarantine directory " + dir.string() + ": " + ec.message());
  const std::string base = std::to_string(want.record_seq) + "-" + want.file_name;
  auto target = dir / base;
  for (int n = 1; std::filesystem::exists(target, ec) || std::filesystem::exists(target.string() + ".report.json", ec); ++n)
    target = dir / (base + "." + std::to_string(n));
  const bool have_bytes = std::filesystem::exists(got.spool_file, ec);
  if (have_bytes && ::rename(got.spool_file.c_str(), target.c_str()) != 0)
    return core::fail_errno("move to quarantine", target.string(), errno);
  nlohmann::json report = {
      {"device", want.device.str()},
      {"record_seq", want.record_seq},
      {"file_name", want.file_name},
      {"expected_length", want.byte_length},
      {"expected_sha256", want.sha256.to_hex()},
      {"received_length", got.actual_length},
      {"received_sha256", got.actual_sha256.to_hex()},
      {"camera_error", got.camera_error},
      {"quarantined_file", have_bytes ? target.string() : std::string()},
      {"dock_utc_ns", now.time_since_epoch().count()},
      {"fragment_problem", got.fragment_problem},
      {"reason", !got.fragment_problem.empty() ? "fragment structure differs from the signed record: " + got.fragment_problem
                 : !got.camera_error.empty() ? "camera could not serve the file"
                 : got.actual_length != want.byte_length ? "length differs from the signed record"
                                                         : "SHA-256 differs from the signed record"},
  };
  const auto text = report.dump(2) + "\n";
  if (auto ok = core::write_file_durably(target.string() + ".report.json",
                                         core::byte_view(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
      !ok)
    return std::unexpected(ok.error());
  if (auto ok = core::fsync_directory(dir); !ok) return std::unexpected(ok.error());
  return target;
}

}  // namespace bodycam::ingest::dock

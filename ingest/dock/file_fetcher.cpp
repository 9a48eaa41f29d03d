// Resumable fetch into the spool, the check against the record, and quarantine (file_fetcher.hpp).
#include "ingest/dock/file_fetcher.hpp"

#include "common/core/durable_file.hpp"
#include "common/core/unique_fd.hpp"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <deque>
#include <optional>

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

// What is wrong with `part` as the answer to a request for `length` bytes of `file_name` at `offset`, if
// anything: the right file and offset, and exactly min(length, file_length - offset) bytes.
std::optional<std::string> answer_problem(const msg::file_response* part, const std::string& file_name,
                                          std::uint64_t offset, std::uint32_t length) {
  const std::string at = " (offset " + std::to_string(offset) + ")";
  if (part == nullptr || part->file_name != file_name || part->offset != offset)
    return "the camera's answer is not the range asked for" + at;
  if (part->offset > part->file_length)
    return "the camera answered offset " + std::to_string(part->offset) + " beyond its file's " +
           std::to_string(part->file_length) + " bytes";
  const auto due = std::min<std::uint64_t>(length, part->file_length - part->offset);
  const auto sent = std::to_string(part->data.size());
  if (part->data.size() > length)
    return "the camera sent " + sent + " bytes, more than the " + std::to_string(length) + " asked for" + at;
  if (part->data.size() != due)
    return "the camera sent " + sent + " bytes where its file has " + std::to_string(due) + at;
  return std::nullopt;
}

}  // namespace

core::expected<fetch_result> fetch_file(camera_port& camera, const file_expectation& want,
                                        const std::filesystem::path& spool_dir, std::uint32_t chunk, std::size_t window,
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
  // Invariant 2: requests go up to `end`, the record's length until the camera declared its file's length,
  // then that length capped at the record's plus one chunk (enough to see that the file is longer).
  std::uint64_t end = want.byte_length;
  std::uint64_t next = offset;  // the next offset to ask for
  struct request_in_flight {
    std::uint64_t offset = 0;
    std::uint32_t length = 0;
  };
  std::deque<request_in_flight> asked;  // oldest first
  const std::size_t depth = std::max<std::size_t>(window, 1);
  bool finished = false;
  while (!finished) {
    while (asked.size() < depth && next < end) {  // invariant 3: keep the window full
      const auto length = static_cast<std::uint32_t>(std::min<std::uint64_t>(chunk, end - next));
      if (auto sent = camera.send(msg::file_request{want.file_name, next, length}); !sent)
        return core::wrap(what, sent.error());
      asked.push_back({next, length});
      next += length;
    }
    if (asked.empty()) break;
    auto response = camera.receive();
    if (!response) return core::wrap(what, response.error());
    const auto length = asked.front().length;
    asked.pop_front();
    if (const auto* e = std::get_if<msg::error_response>(&*response)) {
      out.camera_error = e->detail;
      break;
    }
    const auto* part = std::get_if<msg::file_response>(&*response);
    if (auto problem = answer_problem(part, want.file_name, offset, length))
      return core::fail(core::errc::malformed, what + ": " + *problem);
    end = std::min<std::uint64_t>(part->file_length, want.byte_length + chunk);
    if (part->data.empty()) break;  // the camera's file ends here
    if (::lseek(fd.get(), static_cast<off_t>(offset), SEEK_SET) < 0)
      return core::fail_errno("seek spool file", out.spool_file.string(), errno);
    if (auto ok = core::write_all(fd.get(), part->data, out.spool_file); !ok) return std::unexpected(ok.error());
    if (!out.resumed) streaming.update(part->data);
    if (walk) walk->update(part->data);
    offset += part->data.size();
    out.bytes_received += part->data.size();
    finished = offset >= end;
  }
  // Invariant 3: the answers to requests past the end are read and dropped, so the port is ready for the next
  // request; each must still be an answer to its own request.
  for (; !asked.empty(); asked.pop_front()) {
    auto response = camera.receive();
    if (!response) return core::wrap(what, response.error());
    if (std::holds_alternative<msg::error_response>(*response)) continue;
    const auto* part = std::get_if<msg::file_response>(&*response);
    if (part == nullptr || part->file_name != want.file_name || part->offset != asked.front().offset)
      return core::fail(core::errc::malformed, what + ": the camera's answer is not the range asked for (offset " +
                                                   std::to_string(asked.front().offset) + ", past the end)");
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

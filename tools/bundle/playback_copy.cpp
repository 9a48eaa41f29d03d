#include "tools/bundle/playback_copy.hpp"

#include "common/core/durable_file.hpp"
#include "common/core/unique_fd.hpp"
#include "tools/decryption/stored_footage.hpp"
#include "tools/registers/access_outcome.hpp"
#include "tools/registers/register_book.hpp"

#include <fcntl.h>
#include <unistd.h>

namespace bodycam::tools::bundle {

namespace core = common::core;
namespace crypto = common::crypto;
namespace record = common::record;
namespace store = common::store;

namespace {

// Invariant 3: the retrieval's outcome, concluding `access` (same scopes and objects).
core::status append_outcome(store::store& s, const playback_request& request, const registers::signed_entry& access,
                            crypto::signer& clerk, const std::optional<core::error>& failure) {
  registers::register_entry e = access.body;
  e.utc = std::chrono::time_point_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now());
  e.action = registers::outcome_action(
      {registers::entry_name(access.body), !failure.has_value(), failure ? failure->context : std::string()});
  auto stored = registers::append_entry(s, store::entry_namespace::access, request.clerk_id, std::move(e), clerk);
  if (!stored) return std::unexpected(stored.error());
  return {};
}

// Copies the object to request.out (invariant 2), decrypted when `plaintext` (invariant 4).
core::status copy_object(const store::store& s, const playback_request& request, const crypto::sha256_digest& digest,
                         std::uint64_t length, const record::footage_plaintext* plaintext, const std::string& what) {
  auto reader = s.open_object(digest);
  if (!reader) return core::wrap(what, reader.error());
  const auto dir = request.out.has_parent_path() ? request.out.parent_path() : std::filesystem::path(".");
  const auto temp = dir / ("." + request.out.filename().string() + ".partial-" + std::to_string(::getpid()));
  core::unique_fd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444));
  if (!fd.is_open()) return core::fail_errno("create", temp.string(), errno);
  auto fail_clean = [&](const core::error& err) {
    ::unlink(temp.c_str());
    return std::unexpected(err);
  };
  if (plaintext != nullptr) {
    if (request.footage_keys == nullptr)
      return fail_clean(core::error{core::errc::permission, what + ": encrypted footage and no footage key"});
    crypto::fd_sink sink(fd.get(), temp);
    auto done = decryption::decrypt_stored_file(s, {what, digest, length, *plaintext}, *request.footage_keys, sink);
    if (!done) return fail_clean(done.error());
  } else {
    crypto::sha256_hasher hasher;
    core::byte_buffer buffer(std::size_t{256} * 1024);
    std::uint64_t size = 0;
    for (;;) {
      auto n = (*reader)->read(buffer);
      if (!n) return fail_clean(n.error());
      if (*n == 0) break;
      hasher.update(core::byte_view(buffer).first(*n));
      size += *n;
      if (auto ok = core::write_all(fd.get(), core::byte_view(buffer).first(*n), temp); !ok)
        return fail_clean(ok.error());
    }
    if (hasher.finish() != digest || size != length)
      return fail_clean(
          core::error{core::errc::corrupt, what + ": the stored copy does not match the record; no copy made"});
  }
  if (::fsync(fd.get()) != 0) return fail_clean(core::fail_errno("fsync", temp.string(), errno).error());
  fd.reset();
  if (::link(temp.c_str(), request.out.c_str()) != 0)
    return fail_clean(core::fail_errno("create", request.out.string(), errno).error());
  ::unlink(temp.c_str());
  return core::fsync_directory(dir);
}

}  // namespace

core::expected<std::string> copy_for_playback(store::store& s, const playback_request& request, crypto::signer& clerk) {
  const std::string what = "playback copy of record " + std::to_string(request.seq) + " of " + request.device.str();
  std::error_code ec;
  if (std::filesystem::exists(std::filesystem::symlink_status(request.out, ec)))
    return core::fail(core::errc::already_exists, what + ": " + request.out.string() + " exists; nothing overwritten");
  auto bytes = s.get_record(request.device, request.seq);
  if (!bytes) return core::wrap(what, bytes.error());
  auto r = record::parse_signed_record(*bytes);
  if (!r) return core::wrap(what, r.error());
  crypto::sha256_digest digest;
  std::uint64_t length = 0;
  const record::footage_plaintext* plaintext = decryption::plaintext_of(r->body);
  if (const auto* sg = std::get_if<record::segment_payload>(&r->body.body)) {
    digest = sg->file_sha256;
    length = sg->byte_length;
  } else if (const auto* a = std::get_if<record::annotation_payload>(&r->body.body);
             a && a->status != record::annotation_status::missing) {
    digest = a->file_sha256;
    length = a->byte_length;
  } else if (const auto* p = std::get_if<record::photo_payload>(&r->body.body)) {
    digest = p->file_sha256;
    length = p->byte_length;
  } else {
    return core::fail(core::errc::invalid_argument, what + ": the record describes no file");
  }
  if (plaintext != nullptr && request.footage_keys == nullptr)  // invariant 4
    return core::fail(core::errc::permission,
                      what + " refused: it is encrypted footage; a footage key is needed (--footage-key SEALED "
                             "--passphrase-file F); nothing read, no access entry written");
  // Invariant 1.
  registers::register_entry e;
  e.kind = registers::entry_kind::access;
  e.utc = request.now;
  e.department = request.department;
  e.reference = request.reference;
  e.action = "playback_copy";
  registers::scope sc;
  sc.device = request.device;
  sc.first_seq = request.seq;
  sc.end_seq = request.seq + 1;
  e.scopes.push_back(sc);
  e.objects.push_back({digest, length});
  auto entry = registers::append_entry(s, store::entry_namespace::access, request.clerk_id, std::move(e), clerk);
  if (!entry) return core::wrap(what + " refused: the access register could not be written", entry.error());

  // Invariants 2 and 3.
  auto copied = copy_object(s, request, digest, length, plaintext, what);
  auto outcome = append_outcome(s, request, *entry, clerk,
                                copied ? std::nullopt : std::optional<core::error>(copied.error()));
  if (!copied) return std::unexpected(copied.error());
  if (!outcome)
    return core::wrap(what + ": the copy was made but its outcome could not be registered (access/" +
                          registers::entry_name(entry->body) + " stands without one)",
                      outcome.error());
  return "access/" + registers::entry_name(entry->body);
}

}  // namespace bodycam::tools::bundle

// The files of a bundle being built (bundle_writer.hpp W1-W3).
#include "tools/bundle/bundle_writer.hpp"

#include "common/core/durable_file.hpp"
#include "common/core/unique_fd.hpp"
#include "tools/decryption/stored_footage.hpp"

#include <fcntl.h>
#include <unistd.h>

namespace bodycam::tools::bundle {

namespace fs = std::filesystem;
namespace store = common::store;

using core::text_bytes;

core::status bundle_writer::write(const std::string& path, core::byte_view bytes) {
  const fs::path target = root_ / path;
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  if (ec) return core::fail_errno("create folder", target.parent_path().string(), ec.value());
  folders_.insert(target.parent_path());
  if (auto ok = core::write_file_durably(target, bytes, {.mode = 0444, .create_only = true}); !ok) return ok;
  sums_.push_back({crypto::sha256(bytes), path});
  return {};
}

core::status bundle_writer::copy_object(const store::store& s, const file_to_copy& f,
                                        decryption::footage_key_chest* keys) {
  if (f.encrypted) {
    if (keys == nullptr)
      return core::fail(core::errc::invalid_argument, "export " + f.name + ": encrypted footage and no footage key");
    return decrypt_object(s, f, *keys);
  }
  const fs::path target = root_ / f.name;
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  if (ec) return core::fail_errno("create folder", target.parent_path().string(), ec.value());
  folders_.insert(target.parent_path());
  auto reader = s.open_object(f.sha256);
  if (!reader) return core::wrap("export " + f.name, reader.error());
  core::unique_fd fd(::open(target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444));
  if (!fd.is_open()) return core::fail_errno("create", target.string(), errno);
  crypto::sha256_hasher hasher;
  core::byte_buffer buffer(std::size_t{256} * 1024);
  std::uint64_t size = 0;
  for (;;) {
    auto n = (*reader)->read(buffer);
    if (!n) return core::wrap("export " + f.name, n.error());
    if (*n == 0) break;
    hasher.update(core::byte_view(buffer).first(*n));
    size += *n;
    if (auto ok = core::write_all(fd.get(), core::byte_view(buffer).first(*n), target); !ok) return ok;
  }
  if (::fsync(fd.get()) != 0) return core::fail_errno("fsync", target.string(), errno);
  const auto digest = hasher.finish();
  if (digest != f.sha256 || size != f.byte_length)  // W2
    return core::fail(core::errc::corrupt, "export " + f.name + ": the stored copy (" + std::to_string(size) +
                                               " bytes, SHA-256 " + digest.to_hex() + ") does not match record " +
                                               std::to_string(f.seq) + " of " + f.device + "; no bundle written");
  sums_.push_back({digest, f.name});
  return {};
}

// W3.
core::status bundle_writer::decrypt_object(const store::store& s, const file_to_copy& f,
                                           decryption::footage_key_chest& keys) {
  const fs::path target = root_ / f.name;
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  if (ec) return core::fail_errno("create folder", target.parent_path().string(), ec.value());
  folders_.insert(target.parent_path());
  core::unique_fd fd(::open(target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444));
  if (!fd.is_open()) return core::fail_errno("create", target.string(), errno);
  const std::string record = "records/" + f.device + "/" + std::to_string(f.seq);
  crypto::fd_sink sink(fd.get(), target);
  auto done = decryption::decrypt_stored_file(
      s, {"export " + f.name + " (" + record + ")", f.sha256, f.byte_length, *f.encrypted}, keys, sink);
  if (!done) return std::unexpected(done.error());
  if (::fsync(fd.get()) != 0) return core::fail_errno("fsync", target.string(), errno);
  sums_.push_back({done->plaintext_sha256, f.name});
  decrypted_.push_back({f.name, record, f.sha256, f.byte_length, done->plaintext_sha256, done->plaintext_bytes,
                        done->key_id, done->plaintext_stated, done->salvaged});
  return {};
}

core::status bundle_writer::finish() {
  for (const auto& folder : folders_)
    if (auto ok = core::fsync_directory(folder); !ok) return ok;
  return {};
}

std::map<std::string, crypto::sha256_digest> bundle_writer::log_hashes() const {
  std::map<std::string, crypto::sha256_digest> out;
  for (const auto& line : sums_) out.emplace(line.path, line.sha256);
  for (const auto& d : decrypted_) out[d.file] = d.ciphertext_sha256;
  return out;
}

}  // namespace bodycam::tools::bundle

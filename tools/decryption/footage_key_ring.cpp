// The footage key ring (footage_key_ring.hpp R1-R3): load sealed keys by file and folder, read a footage
// file's envelope key ids, choose the key.
#include "tools/decryption/footage_key_ring.hpp"

#include "common/core/unique_fd.hpp"
#include "common/crypto/footage_key_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace bodycam::tools::decryption {

namespace {

using namespace bodycam::common;
namespace fs = std::filesystem;

core::status add_key(std::vector<sealed_footage_key>& ring, const fs::path& path) {
  auto sealed = crypto::load_sealed_footage_key(path);  // R1
  if (!sealed) return std::unexpected(sealed.error());
  auto pub = crypto::sealed_footage_public_key(*sealed);
  if (!pub) return core::wrap("footage key " + path.string(), pub.error());
  const auto id = pub->key_id();
  if (std::any_of(ring.begin(), ring.end(), [&](const sealed_footage_key& k) { return k.id == id; })) return {};  // R2
  ring.push_back({path, id, std::move(*sealed)});
  return {};
}

core::status read_exactly(int fd, core::byte_buffer& out, std::size_t size, const std::string& what) {
  out.resize(size);
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::read(fd, out.data() + done, size - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return core::fail_errno("read footage header of", what, errno);
    }
    if (n == 0) return core::fail(core::errc::malformed, "read footage header of " + what + ": the file ends in it");
    done += static_cast<std::size_t>(n);
  }
  return {};
}

std::string list_ids(const std::vector<crypto::footage_key_id>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ", ") + id.to_hex();
  return out;
}

}  // namespace

core::expected<std::vector<sealed_footage_key>> load_footage_key_ring(const std::vector<std::string>& files,
                                                                      const std::vector<std::string>& folders) {
  std::vector<sealed_footage_key> ring;
  for (const auto& file : files)
    if (auto ok = add_key(ring, file); !ok) return std::unexpected(ok.error());
  for (const auto& folder : folders) {
    std::vector<fs::path> names;
    std::error_code ec;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec))
      if (it->path().extension() == ".sealed") names.push_back(it->path());
    if (ec) return core::fail(core::errc::io, "list footage key folder " + folder + ": " + ec.message());
    std::sort(names.begin(), names.end());
    for (const auto& name : names)
      if (auto ok = add_key(ring, name); !ok) return std::unexpected(ok.error());
  }
  if (ring.empty())
    return core::fail(core::errc::not_found, "no footage key: give --footage-key SEALED or --footage-key-dir DIR "
                                             "(a folder holding footage-<key id>.sealed files)");
  return ring;
}

core::expected<std::vector<crypto::footage_key_id>> footage_file_key_ids(const fs::path& file) {
  core::unique_fd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.is_open()) return core::fail_errno("open", file.string(), errno);
  core::byte_buffer prefix;
  if (auto ok = read_exactly(fd.get(), prefix, crypto::footage_header_prefix_size, file.string()); !ok)
    return std::unexpected(ok.error());
  auto count = crypto::parse_header_prefix(prefix);
  if (!count) return core::wrap("footage file " + file.string(), count.error());
  core::byte_buffer rest;
  if (auto ok = read_exactly(fd.get(), rest, crypto::footage_header_rest_size(*count), file.string()); !ok)
    return std::unexpected(ok.error());
  auto header = crypto::parse_header_rest(*count, rest);
  if (!header) return core::wrap("footage file " + file.string(), header.error());
  std::vector<crypto::footage_key_id> ids;
  for (const auto& envelope : header->envelopes) ids.push_back(envelope.key_id);
  return ids;
}

core::expected<const sealed_footage_key*> choose_footage_key(const std::vector<sealed_footage_key>& ring,
                                                             const std::vector<crypto::footage_key_id>& wanted,
                                                             std::string_view file) {
  for (const auto& key : ring)  // R3
    if (std::find(wanted.begin(), wanted.end(), key.id) != wanted.end()) return &key;
  std::vector<crypto::footage_key_id> held;
  for (const auto& key : ring) held.push_back(key.id);
  return core::fail(core::errc::not_found, std::string(file) + " is sealed to footage key id(s) " + list_ids(wanted) +
                                               "; the keys given are " + list_ids(held) +
                                               ": give the sealed secret footage-<id>.sealed of the key it names");
}

}  // namespace bodycam::tools::decryption

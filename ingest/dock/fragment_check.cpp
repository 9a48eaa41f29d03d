// Walks the top-level boxes of a spool file and checks init hash and fragment root (fragment_check.hpp).
#include "ingest/dock/fragment_check.hpp"

#include "common/core/unique_fd.hpp"
#include "common/crypto/merkle.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <vector>

namespace bodycam::ingest::dock {

namespace core = common::core;
namespace crypto = common::crypto;

namespace {

struct box {
  std::string type;
  std::uint64_t offset = 0;
  std::uint64_t size = 0;
};

core::status read_exact(int fd, std::uint8_t* out, std::size_t n, std::uint64_t at, const std::filesystem::path& file) {
  std::size_t done = 0;
  while (done < n) {
    const auto got = ::pread(fd, out + done, n - done, static_cast<off_t>(at + done));
    if (got < 0) {
      if (errno == EINTR) continue;
      return core::fail_errno("read", file.string(), errno);
    }
    if (got == 0) return core::fail(core::errc::malformed, file.string() + ": ends inside a box");
    done += static_cast<std::size_t>(got);
  }
  return {};
}

core::expected<crypto::sha256_digest> hash_range(int fd, std::uint64_t at, std::uint64_t length,
                                                 const std::filesystem::path& file) {
  crypto::sha256_hasher hasher;
  std::array<std::uint8_t, 1 << 16> buffer{};
  while (length > 0) {
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(length, buffer.size()));
    if (auto ok = read_exact(fd, buffer.data(), n, at, file); !ok) return std::unexpected(ok.error());
    hasher.update(core::byte_view(buffer.data(), n));
    at += n;
    length -= n;
  }
  return hasher.finish();
}

std::uint64_t be(const std::uint8_t* p, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | p[i];
  return v;
}

}  // namespace

core::expected<std::optional<std::string>> check_fragments(const std::filesystem::path& file,
                                                           const fragment_expectation& want) {
  core::unique_fd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.is_open()) return core::fail_errno("open", file.string(), errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return core::fail_errno("stat", file.string(), errno);
  const auto size = static_cast<std::uint64_t>(st.st_size);

  // Invariant 1: the top-level boxes, each inside the file.
  std::vector<box> boxes;
  for (std::uint64_t at = 0; at < size;) {
    if (size - at < 8) break;  // a cut-short header: unsigned tail
    std::array<std::uint8_t, 16> header{};
    if (auto ok = read_exact(fd.get(), header.data(), 8, at, file); !ok) return std::unexpected(ok.error());
    std::uint64_t box_size = be(header.data(), 4);
    std::uint64_t header_size = 8;
    if (box_size == 1) {
      if (size - at < 16) break;
      if (auto ok = read_exact(fd.get(), header.data() + 8, 8, at + 8, file); !ok) return std::unexpected(ok.error());
      box_size = be(header.data() + 8, 8);
      header_size = 16;
    } else if (box_size == 0) {
      box_size = size - at;
    }
    if (box_size < header_size)
      return std::optional<std::string>("box at offset " + std::to_string(at) + " declares " +
                                        std::to_string(box_size) + " bytes, less than its header");
    if (box_size > size - at) break;  // runs past the end: unsigned tail
    boxes.push_back({std::string(reinterpret_cast<const char*>(header.data() + 4), 4), at, box_size});
    at += box_size;
  }
  if (boxes.size() < 2 || boxes[0].type != "ftyp" || boxes[1].type != "moov")
    return std::optional<std::string>("does not start with ftyp, moov");
  auto init = hash_range(fd.get(), 0, boxes[1].offset + boxes[1].size, file);
  if (!init) return std::unexpected(init.error());
  if (*init != want.init_sha256) return std::optional<std::string>("init part (ftyp + moov) SHA-256 differs from the record");
  crypto::merkle_builder root;
  std::size_t i = 2;
  while (root.leaf_count() < want.fragment_count) {
    if (i + 1 >= boxes.size() || boxes[i].type != "moof" || boxes[i + 1].type != "mdat")
      return std::optional<std::string>("has " + std::to_string(root.leaf_count()) + " complete fragments, the record " +
                                        std::to_string(want.fragment_count));
    auto leaf = hash_range(fd.get(), boxes[i].offset, boxes[i].size + boxes[i + 1].size, file);
    if (!leaf) return std::unexpected(leaf.error());
    root.add_leaf(*leaf);
    i += 2;
  }
  if (root.root() != want.fragment_root) return std::optional<std::string>("fragment root differs from the record");
  return std::optional<std::string>();
}

}  // namespace bodycam::ingest::dock

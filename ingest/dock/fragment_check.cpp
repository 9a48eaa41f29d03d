// Walks the top-level boxes of a segment as its bytes arrive and checks init hash and fragment root
// (fragment_check.hpp).
#include "ingest/dock/fragment_check.hpp"

#include "common/core/unique_fd.hpp"
#include "common/crypto/footage_format.hpp"
#include "common/crypto/merkle.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>

namespace bodycam::ingest::dock {

namespace core = common::core;
namespace crypto = common::crypto;

namespace {

std::uint64_t be(const std::uint8_t* p, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | p[i];
  return v;
}

}  // namespace

void fragment_stream::feed(core::byte_view bytes) {
  const std::size_t index = complete_.size();
  if (index < 2) {
    init_.update(bytes);
  } else if ((index - 2) / 2 < want_.fragment_count) {
    pair_.update(bytes);
  }
}

void fragment_stream::start_box(std::uint64_t size, std::uint64_t header_size) {
  type_.assign(reinterpret_cast<const char*>(header_.data() + 4), 4);
  const std::size_t index = complete_.size();
  if (index >= 2 && (index - 2) % 2 == 0) pair_ = crypto::sha256_hasher();  // a new fragment starts
  feed(header_);
  header_.clear();
  to_end_ = size == 0;
  remaining_ = to_end_ ? 0 : size - header_size;
  if (!to_end_ && *remaining_ == 0) end_box();
}

void fragment_stream::end_box() {
  box b{type_, {}};
  const std::size_t index = complete_.size();
  if (index >= 2 && (index - 2) % 2 == 1 && (index - 2) / 2 < want_.fragment_count) b.digest = pair_.finish();
  complete_.push_back(std::move(b));
  type_.clear();
  remaining_.reset();
  to_end_ = false;
}

void fragment_stream::update_encrypted(core::byte_view bytes) {
  while (!bytes.empty() && !problem_) {
    if (!header_length_) {  // the header: its fixed prefix says how many envelopes, hence its length
      const std::size_t n = std::min(crypto::footage_header_prefix_size - header_.size(), bytes.size());
      header_.insert(header_.end(), bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
      init_.update(bytes.first(n));
      offset_ += n;
      bytes = bytes.subspan(n);
      if (header_.size() < crypto::footage_header_prefix_size) continue;
      const std::uint8_t envelopes = header_.back();
      if (std::string_view(reinterpret_cast<const char*>(header_.data()), crypto::footage_magic.size()) !=
              crypto::footage_magic ||
          envelopes == 0 || envelopes > crypto::footage_max_envelopes) {
        problem_ = "is no encrypted footage file (magic or envelope count)";
        return;
      }
      header_length_ = crypto::footage_header_prefix_size + crypto::footage_header_rest_size(envelopes);
      remaining_ = *header_length_ - crypto::footage_header_prefix_size;
      header_.clear();
      continue;
    }
    if (remaining_) {  // inside the header's rest or a message
      const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(*remaining_, bytes.size()));
      const bool in_header = offset_ < *header_length_;
      if (in_header || messages_complete_ == 0) init_.update(bytes.first(n));
      else if (messages_complete_ <= want_.fragment_count) pair_.update(bytes.first(n));
      offset_ += n;
      bytes = bytes.subspan(n);
      *remaining_ -= n;
      if (*remaining_ > 0) continue;
      remaining_.reset();
      if (in_header) continue;
      if (messages_complete_ >= 1 && messages_complete_ <= want_.fragment_count)
        message_digests_.push_back(pair_.finish());
      ++messages_complete_;
      continue;
    }
    // A length prefix: 4 bytes, part of its message's hash.
    const std::size_t n = std::min(crypto::footage_length_prefix_size - header_.size(), bytes.size());
    header_.insert(header_.end(), bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
    offset_ += n;
    bytes = bytes.subspan(n);
    if (header_.size() < crypto::footage_length_prefix_size) continue;
    const std::uint64_t length = be(header_.data(), 4);
    if (length < crypto::footage_message_overhead ||
        length > crypto::footage_message_overhead + crypto::footage_max_fragment_bytes) {
      problem_ = "message at offset " + std::to_string(offset_ - 4) + " declares " + std::to_string(length) +
                 " bytes, outside 17 .. 17 + 64 MiB";
      return;
    }
    if (messages_complete_ == 0) init_.update(header_);
    else if (messages_complete_ <= want_.fragment_count) {
      pair_ = crypto::sha256_hasher();
      pair_.update(header_);
    }
    header_.clear();
    remaining_ = length;
  }
}

std::optional<std::string> fragment_stream::finish_encrypted() {
  if (problem_) return problem_;
  if (!header_length_ || messages_complete_ == 0) return "does not start with an encrypted footage header and message 0";
  if (init_.finish() != want_.init_sha256) return "init part (header + message 0) SHA-256 differs from the record";
  if (message_digests_.size() < want_.fragment_count)
    return "has " + std::to_string(message_digests_.size()) + " complete fragment messages, the record " +
           std::to_string(want_.fragment_count);
  crypto::merkle_builder root;
  for (const auto& d : message_digests_) root.add_leaf(d);
  if (root.root() != want_.fragment_root) return "fragment root differs from the record";
  return std::nullopt;
}

void fragment_stream::update(core::byte_view bytes) {
  if (want_.encrypted) return update_encrypted(bytes);
  while (!bytes.empty() && !problem_) {
    if (remaining_) {  // inside a box
      const std::size_t n =
          to_end_ ? bytes.size() : static_cast<std::size_t>(std::min<std::uint64_t>(*remaining_, bytes.size()));
      feed(bytes.first(n));
      offset_ += n;
      bytes = bytes.subspan(n);
      if (!to_end_) {
        *remaining_ -= n;
        if (*remaining_ == 0) end_box();
      }
      continue;
    }
    // Gathering a header: 8 bytes, 16 when the size field says 1 (a 64-bit size follows the type).
    const std::size_t need = header_.size() < 8 ? 8 : 16;
    const std::size_t n = std::min(need - header_.size(), bytes.size());
    header_.insert(header_.end(), bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
    offset_ += n;
    bytes = bytes.subspan(n);
    if (header_.size() < need) continue;
    const std::uint64_t size32 = be(header_.data(), 4);
    if (size32 == 1 && header_.size() < 16) continue;
    const std::uint64_t size = size32 == 1 ? be(header_.data() + 8, 8) : size32;
    const std::uint64_t header_size = header_.size();
    if (size != 0 && size < header_size) {
      problem_ = "box at offset " + std::to_string(offset_ - header_size) + " declares " + std::to_string(size) +
                 " bytes, less than its header";
      return;
    }
    start_box(size, header_size);
  }
}

std::optional<std::string> fragment_stream::finish() {
  if (want_.encrypted) return finish_encrypted();
  if (problem_) return problem_;
  if (remaining_ && to_end_) end_box();  // a size-0 box ends with the bytes; any other open box is a tail
  if (complete_.size() < 2 || complete_[0].type != "ftyp" || complete_[1].type != "moov")
    return "does not start with ftyp, moov";
  if (init_.finish() != want_.init_sha256) return "init part (ftyp + moov) SHA-256 differs from the record";
  crypto::merkle_builder root;
  for (std::size_t i = 2; root.leaf_count() < want_.fragment_count; i += 2) {
    if (i + 1 >= complete_.size() || complete_[i].type != "moof" || complete_[i + 1].type != "mdat")
      return "has " + std::to_string(root.leaf_count()) + " complete fragments, the record " +
             std::to_string(want_.fragment_count);
    root.add_leaf(complete_[i + 1].digest);
  }
  if (root.root() != want_.fragment_root) return "fragment root differs from the record";
  return std::nullopt;
}

core::expected<std::optional<std::string>> check_fragments(const std::filesystem::path& file,
                                                           const fragment_expectation& want) {
  core::unique_fd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.is_open()) return core::fail_errno("open", file.string(), errno);
  fragment_stream stream(want);
  std::array<std::uint8_t, 1 << 16> buffer{};
  for (;;) {
    const auto n = ::read(fd.get(), buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return core::fail_errno("read", file.string(), errno);
    }
    if (n == 0) break;
    stream.update(core::byte_view(buffer.data(), static_cast<std::size_t>(n)));
  }
  return stream.finish();
}

}  // namespace bodycam::ingest::dock

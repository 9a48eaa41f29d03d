#include "common/store/memory_backend.hpp"

#include <algorithm>

namespace bodycam::common::store {

namespace {

constexpr std::size_t chunk_bytes = std::size_t{64} * 1024;

// A reader over a shared, immutable copy: the bytes stay alive while the reader lives.
class buffer_reader final : public object_reader {
 public:
  buffer_reader(std::shared_ptr<const core::byte_buffer> bytes, std::string description) noexcept
      : bytes_(std::move(bytes)), description_(std::move(description)) {}
  [[nodiscard]] core::expected<std::size_t> read(std::span<std::uint8_t> buffer) override {
    const std::size_t n = std::min(buffer.size(), bytes_->size() - position_);
    std::copy_n(bytes_->begin() + static_cast<std::ptrdiff_t>(position_), n, buffer.begin());
    position_ += n;
    return n;
  }
  [[nodiscard]] std::uint64_t size() const override { return bytes_->size(); }
  [[nodiscard]] std::string describe() const override { return description_; }

 private:
  std::shared_ptr<const core::byte_buffer> bytes_;
  std::size_t position_ = 0;
  std::string description_;
};

std::string name_of(const store_key& key) { return std::string(key.kind()) + " " + key.str() + " in memory store"; }

}  // namespace

core::expected<create_outcome> memory_backend::create(const store_key& key, byte_source& source,
                                                      const crypto::sha256_digest& expected_sha256) {
  {
    const std::lock_guard lock(mutex_);
    if (items_.contains(key.str())) return create_outcome::already_exists;
  }
  core::byte_buffer content;
  crypto::sha256_hasher hasher;
  core::byte_buffer chunk(chunk_bytes);
  for (;;) {
    auto n = source.read(chunk);
    if (!n) return core::wrap("put " + name_of(key), n.error());
    if (*n == 0) break;
    hasher.update(core::byte_view(chunk).first(*n));
    content.insert(content.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(*n));
  }
  const auto actual = hasher.finish();
  if (actual != expected_sha256)
    return core::fail(core::errc::corrupt, "put " + name_of(key) + ": the content hashes to " + actual.to_hex() +
                                               ", not " + expected_sha256.to_hex() + "; nothing stored");
  const std::lock_guard lock(mutex_);
  // Checked again under the lock: of racing creates exactly one inserts (invariant 4).
  if (items_.contains(key.str())) return create_outcome::already_exists;
  if (capacity_ && used_ + content.size() > *capacity_)
    return core::fail(core::errc::no_space, "write " + name_of(key) + ": store full (" + std::to_string(used_) +
                                                " of " + std::to_string(*capacity_) + " bytes used, " +
                                                std::to_string(content.size()) + " more needed)");
  used_ += content.size();
  items_.emplace(key.str(), std::make_shared<const core::byte_buffer>(std::move(content)));
  return create_outcome::created;
}

core::expected<std::unique_ptr<object_reader>> memory_backend::open(const store_key& key) const {
  const std::lock_guard lock(mutex_);
  const auto it = items_.find(key.str());
  if (it == items_.end()) return core::fail(core::errc::not_found, "open " + name_of(key) + ": not stored");
  return std::make_unique<buffer_reader>(it->second, name_of(key));
}

core::expected<core::byte_buffer> memory_backend::read_range(const store_key& key, std::uint64_t offset,
                                                             std::size_t length) const {
  const std::lock_guard lock(mutex_);
  const auto it = items_.find(key.str());
  if (it == items_.end()) return core::fail(core::errc::not_found, "read " + name_of(key) + ": not stored");
  const core::byte_buffer& bytes = *it->second;
  if (offset > bytes.size())
    return core::fail(core::errc::invalid_argument, "read " + name_of(key) + ": offset " + std::to_string(offset) +
                                                        " is past its end (" + std::to_string(bytes.size()) +
                                                        " bytes)");
  const auto start = static_cast<std::size_t>(offset);
  const std::size_t n = std::min(length, bytes.size() - start);
  return core::byte_buffer(bytes.begin() + static_cast<std::ptrdiff_t>(start),
                           bytes.begin() + static_cast<std::ptrdiff_t>(start + n));
}

core::expected<std::optional<std::uint64_t>> memory_backend::stat(const store_key& key) const {
  const std::lock_guard lock(mutex_);
  const auto it = items_.find(key.str());
  if (it == items_.end()) return std::optional<std::uint64_t>{};
  return std::optional<std::uint64_t>{it->second->size()};
}

core::status memory_backend::list(const store_key& folder, const list_visitor& visit) const {
  // Collected first so the visitor may call back into the backend without holding the lock.
  std::vector<list_entry> children;
  {
    const std::lock_guard lock(mutex_);
    const std::string prefix = folder.str() + "/";
    for (auto it = items_.lower_bound(prefix); it != items_.end() && it->first.starts_with(prefix); ++it) {
      const std::string_view rest = std::string_view(it->first).substr(prefix.size());
      const auto slash = rest.find('/');
      list_entry entry{std::string(rest.substr(0, slash)), slash != std::string_view::npos};
      // Keys are sorted, so the children of one sub-folder are adjacent: report each folder once.
      if (!children.empty() && children.back().is_folder && entry.is_folder && children.back().name == entry.name)
        continue;
      children.push_back(std::move(entry));
    }
  }
  for (const auto& child : children)
    if (!visit(child)) break;
  return {};
}

core::expected<space_info> memory_backend::space() const {
  const std::lock_guard lock(mutex_);
  if (!capacity_) return space_info{};
  return space_info{*capacity_, *capacity_ - std::min(used_, *capacity_)};
}

core::status memory_backend::remove(const store_key& key) {
  const std::lock_guard lock(mutex_);
  const auto it = items_.find(key.str());
  if (it == items_.end()) return core::fail(core::errc::not_found, "remove " + name_of(key) + ": not stored");
  used_ -= it->second->size();
  items_.erase(it);
  return {};
}

void memory_backend::tamper(const store_key& key, core::byte_buffer bytes) {
  const std::lock_guard lock(mutex_);
  auto& slot = items_[key.str()];
  const std::uint64_t old_size = slot ? slot->size() : 0;
  used_ = used_ - old_size + bytes.size();
  slot = std::make_shared<const core::byte_buffer>(std::move(bytes));
}

}  // namespace bodycam::common::store

// The power-cut simulator: pass-through with a record of what is unsynced, and the rewrite at a cut.
#include "tests/support/crash_file_system.hpp"

#include <fstream>
#include <set>
#include <stdexcept>
#include <system_error>

namespace bodycam::tests {

namespace core = bodycam::common::core;
namespace fs = std::filesystem;

namespace {

core::byte_buffer read_whole(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return core::byte_buffer(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::unexpected<core::error> powered_off(std::string_view operation, const fs::path& path) {
  return core::fail(core::errc::io, std::string(operation) + " " + path.string() + ": power is off (simulated cut)");
}

std::string parent_key(const std::string& path) { return fs::path(path).parent_path().string(); }

}  // namespace

class crash_file_system::tracked_file final : public core::file {
 public:
  tracked_file(crash_file_system& owner, std::unique_ptr<core::file> real, std::shared_ptr<inode> node)
      : owner_(owner), real_(std::move(real)), node_(std::move(node)) {
    ++node_->open_count;
  }
  ~tracked_file() override { --node_->open_count; }

  core::status write(core::byte_view bytes) override {
    if (auto ok = write_at(position_, bytes); !ok) return ok;
    position_ += bytes.size();
    return {};
  }
  core::status write_at(std::uint64_t offset, core::byte_view bytes) override {
    if (!owner_.step(false)) return powered_off("write", path());
    if (auto ok = real_->write_at(offset, bytes); !ok) return ok;
    node_->pending.push_back({false, offset, core::byte_buffer(bytes.begin(), bytes.end())});
    return {};
  }
  core::expected<std::size_t> read_at(std::uint64_t offset, std::span<std::uint8_t> out) override {
    if (owner_.powered_off_) return powered_off("read", path());
    return real_->read_at(offset, out);
  }
  core::status truncate(std::uint64_t length) override {
    if (!owner_.step(false)) return powered_off("truncate", path());
    if (auto ok = real_->truncate(length); !ok) return ok;
    node_->pending.push_back({true, length, {}});
    position_ = length;
    return {};
  }
  core::expected<std::uint64_t> size() override {
    if (owner_.powered_off_) return powered_off("stat", path());
    return real_->size();
  }
  core::status datasync() override { return sync(); }
  core::status sync() override {
    if (!owner_.step(true)) return powered_off("fsync", path());
    for (const auto& c : node_->pending) apply(node_->durable, c);
    node_->pending.clear();
    return {};
  }
  const fs::path& path() const noexcept override { return real_->path(); }

 private:
  crash_file_system& owner_;
  std::unique_ptr<core::file> real_;
  std::shared_ptr<inode> node_;
  std::uint64_t position_ = 0;
};

crash_file_system::crash_file_system(fs::path root) : root_(fs::absolute(std::move(root)).lexically_normal()) {
  std::error_code ec;
  for (fs::recursive_directory_iterator it(root_, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_regular_file()) {
      const auto node = std::make_shared<inode>();
      node->durable = read_whole(it->path());
      current_[key(it->path())] = node;
      durable_[key(it->path())] = node;
    }
  if (ec) throw std::runtime_error("crash_file_system: cannot list " + root_.string() + ": " + ec.message());
}

crash_file_system::~crash_file_system() = default;

void crash_file_system::cut_before(std::uint64_t n) noexcept { cut_at_ = n == 0 ? 0 : operations_ + n; }

std::string crash_file_system::key(const fs::path& path) { return fs::absolute(path).lexically_normal().string(); }

bool crash_file_system::is_tracked(const fs::path& path) const {
  const std::string k = key(path);
  const std::string prefix = root_.string() + "/";
  return k.compare(0, prefix.size(), prefix) == 0;
}

bool crash_file_system::step(bool is_sync) noexcept {
  if (powered_off_) return false;
  ++operations_;
  if (cut_at_ != 0 && operations_ >= cut_at_) {
    powered_off_ = true;
    return false;
  }
  if (is_sync) ++sync_points_;
  return true;
}

std::shared_ptr<crash_file_system::inode> crash_file_system::adopt(const std::string& path) {
  if (auto it = current_.find(path); it != current_.end()) return it->second;
  // Made outside the simulator (a test's setup): durable as it is.
  auto node = std::make_shared<inode>();
  node->durable = read_whole(path);
  current_[path] = node;
  durable_[path] = node;
  return node;
}

core::expected<std::unique_ptr<core::file>> crash_file_system::open(const fs::path& path, core::open_mode how,
                                                                    mode_t mode, bool exact_mode) {
  if (!is_tracked(path)) return real_.open(path, how, mode, exact_mode);
  if (powered_off_) return powered_off("open", path);
  const std::string k = key(path);
  std::error_code ec;
  const bool creates = how == core::open_mode::create_new ||
                       (how == core::open_mode::read_write && !fs::exists(path, ec));
  if (creates && !step(false)) return powered_off("create", path);
  auto opened = real_.open(path, how, mode, exact_mode);
  if (!opened) return opened;
  std::shared_ptr<inode> node;
  if (creates) {
    node = std::make_shared<inode>();
    current_[k] = node;
    pending_names_[parent_key(k)].push_back({name_change::kind::link, {}, k, node});
  } else {
    node = adopt(k);
  }
  return std::make_unique<tracked_file>(*this, std::move(*opened), std::move(node));
}

core::status crash_file_system::move(const fs::path& from, const fs::path& to, bool replace) {
  if (!is_tracked(from) || !is_tracked(to))
    return replace ? real_.rename(from, to) : real_.rename_no_replace(from, to);
  if (!step(false)) return powered_off("rename", from);
  if (auto ok = replace ? real_.rename(from, to) : real_.rename_no_replace(from, to); !ok) return ok;
  const std::string f = key(from), t = key(to);
  auto node = adopt(f);
  current_.erase(f);
  current_[t] = node;
  // A rename within one directory is one atomic change; across directories it is recorded in the target's.
  pending_names_[parent_key(t)].push_back({name_change::kind::rename, f, t, node});
  return {};
}

core::status crash_file_system::rename(const fs::path& from, const fs::path& to) { return move(from, to, true); }

core::status crash_file_system::rename_no_replace(const fs::path& from, const fs::path& to) {
  return move(from, to, false);
}

core::status crash_file_system::unlink(const fs::path& path) {
  if (!is_tracked(path)) return real_.unlink(path);
  if (!step(false)) return powered_off("unlink", path);
  if (auto ok = real_.unlink(path); !ok) return ok;
  const std::string k = key(path);
  auto node = adopt(k);
  current_.erase(k);
  pending_names_[parent_key(k)].push_back({name_change::kind::unlink, k, {}, node});
  return {};
}

core::status crash_file_system::sync_directory(const fs::path& directory) {
  if (!is_tracked(directory / "x")) return real_.sync_directory(directory);
  if (!step(true)) return powered_off("fsync directory", directory);
  auto it = pending_names_.find(key(directory));
  if (it == pending_names_.end()) return {};
  for (const auto& c : it->second) {
    if (c.what != name_change::kind::link) durable_.erase(c.from);
    if (c.what != name_change::kind::unlink) durable_[c.to] = c.node;
  }
  pending_names_.erase(it);
  return {};
}

core::expected<bool> crash_file_system::exists(const fs::path& path) {
  if (is_tracked(path) && powered_off_) return powered_off("stat", path);
  return real_.exists(path);
}

void crash_file_system::apply(core::byte_buffer& content, const change& c) {
  if (c.truncate) {
    content.resize(static_cast<std::size_t>(c.offset));
    return;
  }
  const auto end = static_cast<std::size_t>(c.offset) + c.bytes.size();
  if (content.size() < end) content.resize(end);
  std::copy(c.bytes.begin(), c.bytes.end(), content.begin() + static_cast<std::ptrdiff_t>(c.offset));
}

cut_report crash_file_system::cut(std::mt19937_64& rng) {
  powered_off_ = true;
  cut_report report;
  for (const auto& [node_key, node] : current_)
    if (node->open_count != 0)
      throw std::logic_error("crash_file_system::cut: " + node_key + " is still open through the simulator");

  // Names: each directory's unsynced changes reach the disk in order, up to a random point.
  const std::map<std::string, std::shared_ptr<inode>> before = durable_;
  for (const auto& [dir, changes] : pending_names_) {
    const auto kept = std::uniform_int_distribution<std::size_t>(0, changes.size())(rng);
    for (std::size_t i = 0; i < changes.size(); ++i) {
      if (i >= kept) {
        ++report.lost_name_changes;
        continue;
      }
      ++report.kept_name_changes;
      const auto& c = changes[i];
      if (c.what != name_change::kind::link) durable_.erase(c.from);
      if (c.what != name_change::kind::unlink) durable_[c.to] = c.node;
    }
  }
  pending_names_.clear();

  // Data: every unsynced change of a surviving file is kept, lost, torn or zeroed, each on its own.
  std::set<inode*> done;
  std::uniform_int_distribution<int> fate(0, 99);
  for (const auto& [name, node] : durable_) {
    if (!done.insert(node.get()).second) continue;
    for (auto c : node->pending) {
      const int roll = fate(rng);
      if (c.truncate) {
        if (roll < 50) {
          apply(node->durable, c);
          ++report.kept_writes;
        } else {
          ++report.lost_writes;
        }
        continue;
      }
      if (roll < 40) {
        ++report.kept_writes;
      } else if (roll < 70) {
        ++report.lost_writes;
        continue;
      } else if (roll < 85 && !c.bytes.empty()) {
        c.bytes.resize(std::uniform_int_distribution<std::size_t>(0, c.bytes.size() - 1)(rng));
        ++report.torn_writes;
      } else {
        std::fill(c.bytes.begin(), c.bytes.end(), std::uint8_t{0});
        ++report.zeroed_writes;
      }
      apply(node->durable, c);
    }
    node->pending.clear();
  }

  // The disk: remove every name the simulator knew, write back what survived.
  for (const auto& names : {before, current_})
    for (const auto& [name, node] : names) {
      std::error_code ec;
      fs::remove(name, ec);
    }
  for (const auto& [name, node] : durable_) {
    std::ofstream out(name, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(node->durable.data()), static_cast<std::streamsize>(node->durable.size()));
    if (!out) throw std::runtime_error("crash_file_system::cut: cannot write back " + name);
  }
  current_ = durable_;
  cut_at_ = 0;
  powered_off_ = false;
  return report;
}

}  // namespace bodycam::tests

#include "tests/firmware/media/fault_injecting_storage.hpp"

#include <algorithm>
#include <cerrno>

namespace bodycam::firmware::media::test {

namespace core = common::core;
namespace fs = std::filesystem;

namespace {
class faulty_file final : public segment_file {
 public:
  faulty_file(fault_injecting_storage& owner, std::unique_ptr<segment_file> inner)
      : owner_(owner), inner_(std::move(inner)) {}

  core::status write(core::byte_view bytes) override {
    const auto plan = owner_.plan_write(bytes.size());
    if (plan.error_number == 0) return inner_->write(bytes);
    if (plan.allowed > 0)
      if (auto ok = inner_->write(bytes.first(static_cast<std::size_t>(plan.allowed))); !ok) return ok;
    return core::fail_errno("write segment", name(), plan.error_number);
  }
  core::status datasync() override {
    if (const int e = owner_.plan(storage_op::datasync)) return core::fail_errno("fdatasync segment", name(), e);
    return inner_->datasync();
  }
  core::status sync() override {
    if (const int e = owner_.plan(storage_op::sync)) return core::fail_errno("fsync segment", name(), e);
    return inner_->sync();
  }
  core::status truncate(std::uint64_t length) override {
    if (const int e = owner_.plan(storage_op::truncate)) return core::fail_errno("truncate segment", name(), e);
    return inner_->truncate(length);
  }
  const fs::path& path() const noexcept override { return inner_->path(); }

 private:
  std::string name() const { return inner_->path().filename().string(); }
  fault_injecting_storage& owner_;
  std::unique_ptr<segment_file> inner_;
};
}  // namespace

void fault_injecting_storage::set_fault(std::optional<storage_fault> fault) {
  std::lock_guard lock(mutex_);
  fault_ = fault;
  fired_ = false;
}

void fault_injecting_storage::set_capacity(std::optional<std::uint64_t> bytes) {
  std::lock_guard lock(mutex_);
  capacity_ = bytes;
}

std::uint64_t fault_injecting_storage::count(storage_op op) const {
  std::lock_guard lock(mutex_);
  return counts_[static_cast<std::size_t>(op)];
}

bool fault_injecting_storage::has_fired() const {
  std::lock_guard lock(mutex_);
  return fired_;
}

int fault_injecting_storage::plan(storage_op op) {
  std::lock_guard lock(mutex_);
  const auto n = ++counts_[static_cast<std::size_t>(op)];
  if (fault_ && fault_->op == op && fault_->nth == n) {
    fired_ = true;
    return fault_->error_number;
  }
  return 0;
}

fault_injecting_storage::write_plan fault_injecting_storage::plan_write(std::uint64_t requested) {
  std::lock_guard lock(mutex_);
  const auto n = ++counts_[static_cast<std::size_t>(storage_op::write)];
  if (fault_ && fault_->op == storage_op::write && fault_->nth == n) {
    fired_ = true;
    const auto allowed = std::min(fault_->torn_bytes, requested);
    written_ += allowed;
    return write_plan{fault_->error_number, allowed};
  }
  if (capacity_ && written_ + requested > *capacity_) {
    const auto allowed = *capacity_ > written_ ? *capacity_ - written_ : 0;
    written_ += allowed;
    fired_ = true;
    return write_plan{ENOSPC, allowed};
  }
  written_ += requested;
  return write_plan{0, requested};
}

core::expected<std::unique_ptr<segment_file>> fault_injecting_storage::create(const fs::path& path) {
  if (const int e = plan(storage_op::create)) return core::fail_errno("create segment", path.string(), e);
  auto inner = inner_.create(path);
  if (!inner) return std::unexpected(inner.error());
  return std::make_unique<faulty_file>(*this, std::move(*inner));
}

core::status fault_injecting_storage::rename_no_replace(const fs::path& from, const fs::path& to) {
  if (const int e = plan(storage_op::rename))
    return core::fail_errno("rename segment " + from.filename().string() + " to", to.filename().string(), e);
  return inner_.rename_no_replace(from, to);
}

core::status fault_injecting_storage::sync_directory(const fs::path& directory) {
  if (const int e = plan(storage_op::sync_directory)) return core::fail_errno("fsync directory", directory.string(), e);
  return inner_.sync_directory(directory);
}

core::status fault_injecting_storage::check_writable(const fs::path& directory) {
  return inner_.check_writable(directory);
}

}  // namespace bodycam::firmware::media::test

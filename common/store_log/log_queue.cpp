// The dock's queue of stored-but-unlogged keys; guarantees in log_queue.hpp.
#include "common/store_log/log_queue.hpp"

#include "common/store_log/reconcile.hpp"

namespace bodycam::common::store_log {

void log_queue::add(std::span<const store::store_key> keys) {
  std::lock_guard lock(mutex_);
  queued_.insert(queued_.end(), keys.begin(), keys.end());
}

std::size_t log_queue::pending() const {
  std::lock_guard lock(mutex_);
  return queued_.size();
}

core::expected<append_result> log_queue::flush() {
  std::lock_guard lock(mutex_);
  if (queued_.empty()) return append_result{};
  auto leaves = leaves_for_keys(log_.store_backend(), queued_);
  if (!leaves) return core::wrap("log " + std::to_string(queued_.size()) + " stored items", leaves.error());
  auto r = log_.append(*leaves);
  queued_.erase(queued_.begin(), queued_.begin() + static_cast<std::ptrdiff_t>(r.claimed));
  if (r.error) return core::wrap("log " + std::to_string(leaves->size()) + " stored items", *r.error);
  return r;
}

}  // namespace bodycam::common::store_log

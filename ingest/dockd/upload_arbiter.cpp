// The EDF upload-slot arbiter (upload_arbiter.hpp).
#include "ingest/dockd/upload_arbiter.hpp"

namespace bodycam::ingest::dockd {

upload_arbiter::upload_arbiter(std::size_t slots) noexcept : slots_(slots == 0 ? 1 : slots) {}

void upload_arbiter::request(const std::string& waiter, schedule::utc_time deadline) {
  release(waiter);  // invariant 3
  withdraw(waiter);
  queue_.emplace(deadline, waiter);
  deadline_of_[waiter] = deadline;
}

void upload_arbiter::withdraw(const std::string& waiter) {
  const auto it = deadline_of_.find(waiter);
  if (it == deadline_of_.end()) return;
  queue_.erase({it->second, waiter});
  deadline_of_.erase(it);
}

bool upload_arbiter::may_keep(const std::string& waiter, schedule::utc_time deadline) const {
  return holds(waiter) && (queue_.empty() || std::pair(deadline, waiter) < *queue_.begin());  // invariant 4
}

void upload_arbiter::release(const std::string& waiter) { holders_.erase(waiter); }

std::vector<std::string> upload_arbiter::grant() {
  std::vector<std::string> granted;
  while (holders_.size() < slots_ && !queue_.empty()) {  // invariant 1
    auto next = queue_.begin();                          // invariant 2: the earliest deadline waiting
    holders_.insert(next->second);
    granted.push_back(next->second);
    deadline_of_.erase(next->second);
    queue_.erase(next);
  }
  return granted;
}

}  // namespace bodycam::ingest::dockd

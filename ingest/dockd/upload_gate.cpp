// The thread-safe upload slots (upload_gate.hpp).
#include "ingest/dockd/upload_gate.hpp"

namespace bodycam::ingest::dockd {

void upload_gate::grant_locked() {
  if (!arbiter_.grant().empty()) changed_.notify_all();
}

bool upload_gate::acquire(const std::string& waiter, schedule::utc_time deadline, std::chrono::milliseconds max_wait) {
  std::unique_lock lock(mutex_);
  if (stopped_) return false;
  arbiter_.request(waiter, deadline);
  grant_locked();
  const bool served = changed_.wait_for(lock, max_wait, [&] { return stopped_ || arbiter_.holds(waiter); });
  if (!served || stopped_) {
    arbiter_.withdraw(waiter);
    if (arbiter_.holds(waiter)) {
      arbiter_.release(waiter);
      grant_locked();
    }
    return false;
  }
  return true;
}

bool upload_gate::keep(const std::string& waiter, schedule::utc_time deadline) const {
  std::lock_guard lock(mutex_);
  return !stopped_ && arbiter_.may_keep(waiter, deadline);
}

void upload_gate::release(const std::string& waiter) {
  std::lock_guard lock(mutex_);
  if (!arbiter_.holds(waiter)) return;
  arbiter_.release(waiter);
  grant_locked();
}

void upload_gate::stop() {
  std::lock_guard lock(mutex_);
  stopped_ = true;
  changed_.notify_all();
}

std::size_t upload_gate::in_use() const {
  std::lock_guard lock(mutex_);
  return arbiter_.in_use();
}

std::size_t upload_gate::waiting() const {
  std::lock_guard lock(mutex_);
  return arbiter_.waiting();
}

}  // namespace bodycam::ingest::dockd

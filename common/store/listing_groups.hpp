// Listings shared as a group commit (s3_backend.hpp S3: creates confirming their PUTs). A caller needs a listing
// of a prefix that began after it asked (so that it sees the caller's own write); callers of one prefix share:
//  1. Per prefix, at most one listing runs at a time, and listings are numbered in the order they begin.
//  2. A caller takes the result of the first listing of its prefix that begins after its call did: the one
//     running when it arrives began before, so it waits for that one to end and then for the next, which it
//     runs itself unless another waiting caller began it first. So one listing answers every caller that
//     arrived while the one before it ran.
//  3. A listing's result (an error too) goes to every caller it answers; the listing runs on a caller's
//     thread, without the lock held. A prefix nobody waits for is forgotten.
// Pure: the listing is the caller's function, so the rules are tested without a store.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace bodycam::common::store {

template <class Result>
class listing_groups {
 public:
  // The result of a listing of `prefix` (by `list(prefix)`) that began after this call did (rule 2).
  template <class List>
  Result after_now(const std::string& prefix, const List& list) {
    std::unique_lock lock(mutex_);
    auto& group = groups_[prefix];
    ++group.waiting;
    const std::uint64_t mine = group.started + 1;  // the first listing to begin from now on
    while (group.finished < mine) {
      if (group.running) {
        done_.wait(lock);
        continue;
      }
      group.running = true;
      const std::uint64_t number = ++group.started;
      lock.unlock();
      std::optional<Result> listed;
      try {
        listed.emplace(list(prefix));
      } catch (...) {
        lock.lock();
        group.running = false;
        if (--group.waiting == 0) groups_.erase(prefix);
        done_.notify_all();  // another waiter begins the next listing
        throw;
      }
      lock.lock();
      group.result = std::move(listed);
      group.finished = number;
      group.running = false;
      done_.notify_all();
    }
    Result out = *group.result;
    if (--group.waiting == 0 && !group.running) groups_.erase(prefix);
    return out;
  }

  // How many calls of after_now for `prefix` have not returned (for tests).
  [[nodiscard]] std::size_t callers(const std::string& prefix) {
    const std::lock_guard lock(mutex_);
    const auto it = groups_.find(prefix);
    return it == groups_.end() ? 0 : it->second.waiting;
  }
  // How many prefixes have callers in after_now (0 once every call has returned: nothing is kept).
  [[nodiscard]] std::size_t prefixes_waited_for() {
    const std::lock_guard lock(mutex_);
    return groups_.size();
  }

 private:
  struct prefix_group {
    std::uint64_t started = 0;   // listings begun
    std::uint64_t finished = 0;  // the listing whose result is below
    bool running = false;
    std::size_t waiting = 0;
    std::optional<Result> result;
  };
  std::mutex mutex_;
  std::condition_variable done_;
  std::map<std::string, prefix_group> groups_;  // guarded by mutex_
};

}  // namespace bodycam::common::store

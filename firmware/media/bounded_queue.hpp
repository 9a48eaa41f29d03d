// A bounded, blocking, multi-thread queue: the only link between pipeline stages (capture → encode → write).
// Back-pressure rule: a full queue blocks its producer; it never drops. Every push that finds the queue full
// is counted (full_events) and the time spent waiting is summed (blocked_time), so a slow disk shows up as
// counted back-pressure events upstream — never as frames that silently vanish.
// Invariants:
//  1. size() <= capacity at all times; items leave in the order they entered.
//  2. push() returns false only after close() or abort(); the item is then not queued.
//  3. After close(), pop() still returns every queued item, then nullopt ("drained").
//     After abort(), pop() returns nullopt at once and queued items are discarded (counted in discarded()).
//  4. full_events counts pushes that had to wait at least once; each such push counts exactly one.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

namespace bodycam::firmware::media {

struct queue_stats {
  std::string name;
  std::size_t capacity = 0;
  std::size_t depth = 0;
  std::size_t max_depth = 0;
  std::uint64_t pushed = 0;
  std::uint64_t full_events = 0;
  std::chrono::microseconds blocked_time{0};
  std::uint64_t discarded = 0;
};

enum class pop_result : std::uint8_t { item, timeout, closed };

template <class T>
class bounded_queue {
 public:
  bounded_queue(std::string name, std::size_t capacity) : name_(std::move(name)), capacity_(capacity ? capacity : 1) {}
  bounded_queue(const bounded_queue&) = delete;
  bounded_queue& operator=(const bounded_queue&) = delete;
  bounded_queue(bounded_queue&&) = delete;
  bounded_queue& operator=(bounded_queue&&) = delete;
  ~bounded_queue() = default;

  [[nodiscard]] bool push(T item) {
    std::unique_lock lock(mutex_);
    if (closed_) return false;
    if (items_.size() >= capacity_) {
      ++full_events_;  // invariant 4
      ++waiting_producers_;
      const auto began = std::chrono::steady_clock::now();
      not_full_.wait(lock, [&] { return closed_ || items_.size() < capacity_; });
      blocked_time_ += std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - began);
      --waiting_producers_;
      if (closed_) return false;
    }
    items_.push_back(std::move(item));
    ++pushed_;
    if (items_.size() > max_depth_) max_depth_ = items_.size();
    not_empty_.notify_one();
    return true;
  }

  // Blocks until an item arrives, the queue is closed and drained, or the timeout passes.
  [[nodiscard]] pop_result pop_for(T& out, std::chrono::microseconds timeout) {
    std::unique_lock lock(mutex_);
    if (!not_empty_.wait_for(lock, timeout, [&] { return aborted_ || closed_ || !items_.empty(); }))
      return pop_result::timeout;
    return take(out);
  }

  [[nodiscard]] std::optional<T> pop() {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, [&] { return aborted_ || closed_ || !items_.empty(); });
    T out;
    if (take(out) != pop_result::item) return std::nullopt;
    return out;
  }

  // No more pushes; consumers drain what is queued (invariant 3).
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    not_empty_.notify_all();
    not_full_.notify_all();
  }

  // No more pushes and nothing more popped; queued items are discarded (invariant 3).
  void abort() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    aborted_ = true;
    discarded_ += items_.size();
    items_.clear();
    not_empty_.notify_all();
    not_full_.notify_all();
  }

  [[nodiscard]] std::size_t waiting_producers() const {
    std::lock_guard lock(mutex_);
    return waiting_producers_;
  }

  [[nodiscard]] queue_stats stats() const {
    std::lock_guard lock(mutex_);
    return queue_stats{name_, capacity_, items_.size(), max_depth_, pushed_, full_events_, blocked_time_, discarded_};
  }

 private:
  pop_result take(T& out) {
    if (aborted_ || items_.empty()) return pop_result::closed;
    out = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return pop_result::item;
  }

  const std::string name_;
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::deque<T> items_;
  bool closed_ = false;
  bool aborted_ = false;
  std::size_t waiting_producers_ = 0;
  std::size_t max_depth_ = 0;
  std::uint64_t pushed_ = 0;
  std::uint64_t full_events_ = 0;
  std::chrono::microseconds blocked_time_{0};
  std::uint64_t discarded_ = 0;
};

}  // namespace bodycam::firmware::media

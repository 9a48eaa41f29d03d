// Which docked camera may upload next: the dock's shared upload slots, granted earliest deadline first across
// all cameras (DESIGN.md §5 "Deadline"). Pure: no threads, no clock, no I/O. A waiter is a
// camera slot's worker; it asks for a slot with the deadline of the file it wants to fetch next, and gives
// the slot back when that file is stored or failed (upload_gate wraps this with a mutex for the threads).
// Invariants:
//  1. At most `slots` waiters hold a slot at any time; a waiter holds at most one.
//  2. A free slot goes to the waiting request with the earliest deadline (ties by waiter name, so the
//     order is total and the same on every run); a later request never overtakes an earlier deadline.
//  3. A waiter that holds a slot and asks again keeps its slot only if no other waiter's deadline is
//     earlier: asking again first gives the slot back (request = release + wait).
//  4. may_keep: a holder may go on to its next file (due at `deadline`) without giving its slot back only
//     while no waiting request comes before that file in invariant 2's order.
#pragma once

#include "ingest/schedule/schedule_clock.hpp"

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace bodycam::ingest::dockd {

class upload_arbiter {
 public:
  explicit upload_arbiter(std::size_t slots) noexcept;  // 0 is taken as 1

  // `waiter` waits for a slot to fetch a file due at `deadline` (invariant 3: releases what it holds first).
  void request(const std::string& waiter, schedule::utc_time deadline);
  // Stops waiting (a stopping session); no-op if it is not waiting.
  void withdraw(const std::string& waiter);
  // Gives the slot back; no-op if it holds none.
  void release(const std::string& waiter);
  // Grants free slots to waiting requests in EDF order (invariant 2); returns the waiters granted now.
  [[nodiscard]] std::vector<std::string> grant();

  // Invariant 4; false for a waiter that holds no slot.
  [[nodiscard]] bool may_keep(const std::string& waiter, schedule::utc_time deadline) const;
  [[nodiscard]] bool holds(const std::string& waiter) const { return holders_.contains(waiter); }
  [[nodiscard]] bool is_waiting(const std::string& waiter) const { return deadline_of_.contains(waiter); }
  [[nodiscard]] std::size_t in_use() const noexcept { return holders_.size(); }
  [[nodiscard]] std::size_t waiting() const noexcept { return deadline_of_.size(); }
  [[nodiscard]] std::size_t slots() const noexcept { return slots_; }

 private:
  std::size_t slots_;
  std::set<std::string> holders_;
  std::set<std::pair<schedule::utc_time, std::string>> queue_;  // waiting requests, EDF order
  std::map<std::string, schedule::utc_time> deadline_of_;      // waiter → its waiting request's deadline
};

}  // namespace bodycam::ingest::dockd

// The dock's upload slots for its worker threads: upload_arbiter (pure EDF policy) behind a mutex and a
// condition variable. A camera's worker calls acquire() before fetching a file and blocks until the arbiter
// grants it a slot, at most `max_wait` (a camera's link must not sit idle past its timeout: a worker that is
// not served in time ends its docking and comes back); release() when the file is stored or failed (or the
// session ended). stop() wakes every waiter with `false`, so a stopping daemon never hangs here.
// Guarantees: the arbiter's invariants 1-3 hold across threads; acquire returns true only while the caller
// holds a slot, false (and no longer waiting) after max_wait or stop(); after stop() no slot is granted again.
#pragma once

#include "ingest/dockd/upload_arbiter.hpp"

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace bodycam::ingest::dockd {

class upload_gate {
 public:
  explicit upload_gate(std::size_t slots) : arbiter_(slots) {}

  // Blocks until `waiter` holds a slot (true), or max_wait passed or the gate is stopped (false).
  [[nodiscard]] bool acquire(const std::string& waiter, schedule::utc_time deadline, std::chrono::milliseconds max_wait);
  // Whether `waiter`, holding a slot, may fetch its next file (due at `deadline`) under it now (the arbiter's
  // invariant 4); never blocks; false once stopped.
  [[nodiscard]] bool keep(const std::string& waiter, schedule::utc_time deadline) const;
  void release(const std::string& waiter);
  void stop();

  [[nodiscard]] std::size_t in_use() const;
  [[nodiscard]] std::size_t waiting() const;

 private:
  void grant_locked();

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  upload_arbiter arbiter_;
  bool stopped_ = false;
};

}  // namespace bodycam::ingest::dockd

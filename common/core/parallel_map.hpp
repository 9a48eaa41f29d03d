// Runs one task per index on a few threads and gives the results back in index order: for work that waits on
// a store (an S3 round trip per record or lookup), where doing it one after another leaves the time to the
// round trips. Invariants:
//  1. task(i) runs for the indices 0, 1, 2, ... taken in that order by at most `threads` threads (the calling
//     thread alone when one suffices); every index taken runs to its end.
//  2. The result is the tasks' results in index order, every task that ran: all of them, or with
//     `stop_at_error`, once task f has failed no index from f + threads on is started (as a window of
//     `threads` tasks in flight would have run beside it), so the result ends at least at f + threads (or
//     `count`) and holds the error; an index past that runs only if a thread took it before f's failure.
//  3. A result is tested for success with operator! (core::expected).
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <optional>
#include <thread>
#include <vector>

namespace bodycam::common::core {

template <class Task>
auto parallel_map(std::size_t count, std::size_t threads, bool stop_at_error, const Task& task)
    -> std::vector<decltype(task(std::size_t{}))> {
  using result = decltype(task(std::size_t{}));
  std::vector<std::optional<result>> done(count);
  std::atomic<std::size_t> next = 0;
  std::atomic<std::size_t> end = count;  // no index from here on runs; it only ever decreases
  const auto work = [&] {
    for (;;) {
      const std::size_t i = next++;
      if (i >= end) return;  // every later index is larger: so the indices that ran are a prefix
      done[i].emplace(task(i));
      if (stop_at_error && !*done[i])
        for (std::size_t e = end, window = i + std::max<std::size_t>(threads, 1); window < e;)
          if (end.compare_exchange_weak(e, window)) break;
    }
  };
  if (const std::size_t n = std::min(threads, count); n <= 1) {
    work();
  } else {
    std::vector<std::jthread> pool;
    pool.reserve(n);
    for (std::size_t t = 0; t < n; ++t) pool.emplace_back(work);
  }
  std::vector<result> out;
  out.reserve(count);
  for (auto& d : done) {
    if (!d) break;  // not run: past an error's window (invariant 2)
    out.push_back(std::move(*d));
  }
  return out;
}

}  // namespace bodycam::common::core

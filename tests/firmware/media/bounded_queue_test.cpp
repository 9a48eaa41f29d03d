// The bounded queue between pipeline stages: order, blocking when full, and that every blocked push is
// counted (the back-pressure rule). No timing assertions: a producer is known to be blocked when the queue
// reports it waiting.
#include "firmware/media/bounded_queue.hpp"

#include <thread>

#include <catch2/catch.hpp>

using namespace bodycam::firmware::media;

namespace {
// Waits (bounded) until `n` producers are blocked in push() after `pushed` items went in.
bool wait_for_waiters(const bounded_queue<int>& q, std::size_t n, std::uint64_t pushed) {
  for (int i = 0; i < 5000; ++i) {
    if (q.waiting_producers() == n && q.stats().pushed == pushed) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return false;
}

// Joins a producer thread however the test case ends; if it is still running then (a REQUIRE failed while it
// was blocked in push), aborts the queue first so that push() returns.
class producer_guard {
 public:
  producer_guard(bounded_queue<int>& q, std::thread& producer) : q_(q), producer_(producer) {}
  producer_guard(const producer_guard&) = delete;
  producer_guard& operator=(const producer_guard&) = delete;
  ~producer_guard() {
    if (!producer_.joinable()) return;
    q_.abort();
    producer_.join();
  }

 private:
  bounded_queue<int>& q_;
  std::thread& producer_;
};
}  // namespace

TEST_CASE("bounded queue: first in, first out, never above capacity") {
  bounded_queue<int> q("q", 3);
  for (int i = 0; i < 3; ++i) REQUIRE(q.push(int{i}));
  CHECK(q.stats().depth == 3);
  for (int i = 0; i < 3; ++i) CHECK(q.pop() == i);
  CHECK(q.stats().max_depth == 3);
  CHECK(q.stats().full_events == 0);
}

TEST_CASE("bounded queue: a push into a full queue waits, is counted once, and loses nothing") {
  bounded_queue<int> q("video_packets", 2);
  REQUIRE(q.push(1));
  REQUIRE(q.push(2));
  // Catch2's assertions are not thread-safe: the producer records what push() returned and the test's own
  // thread checks it after join(), which orders those writes before the reads.
  bool pushed_3 = false;
  bool pushed_4 = false;
  std::thread producer([&] {
    pushed_3 = q.push(3);
    pushed_4 = q.push(4);
  });
  // On an early exit (a failed REQUIRE), abort() releases the producer so that it can be joined.
  const producer_guard guard(q, producer);
  REQUIRE(wait_for_waiters(q, 1, 2));
  CHECK(q.stats().full_events == 1);
  CHECK(q.pop() == 1);  // frees one place: 3 goes in, 4 finds the queue full again
  REQUIRE(wait_for_waiters(q, 1, 3));
  CHECK(q.stats().full_events == 2);
  CHECK(q.pop() == 2);
  CHECK(q.pop() == 3);
  producer.join();
  CHECK(pushed_3);
  CHECK(pushed_4);
  CHECK(q.pop() == 4);
  const auto s = q.stats();
  CHECK(s.pushed == 4);
  CHECK(s.full_events == 2);
  CHECK(s.discarded == 0);
  CHECK(s.name == "video_packets");
}

TEST_CASE("bounded queue: close lets the consumer drain, then reports closed") {
  bounded_queue<int> q("q", 4);
  REQUIRE(q.push(7));
  REQUIRE(q.push(8));
  q.close();
  CHECK_FALSE(q.push(9));
  CHECK(q.pop() == 7);
  int out = 0;
  CHECK(q.pop_for(out, std::chrono::milliseconds(1)) == pop_result::item);
  CHECK(out == 8);
  CHECK(q.pop_for(out, std::chrono::milliseconds(1)) == pop_result::closed);
  CHECK_FALSE(q.pop());
}

TEST_CASE("bounded queue: abort discards and counts, and releases a blocked producer") {
  bounded_queue<int> q("q", 1);
  REQUIRE(q.push(1));
  bool pushed = true;
  std::thread producer([&] { pushed = q.push(2); });
  const producer_guard guard(q, producer);
  REQUIRE(wait_for_waiters(q, 1, 1));
  q.abort();
  producer.join();
  CHECK_FALSE(pushed);
  CHECK(q.stats().discarded == 1);
  CHECK_FALSE(q.pop());
}

TEST_CASE("bounded queue: pop_for on an empty open queue times out") {
  bounded_queue<int> q("q", 1);
  int out = 0;
  CHECK(q.pop_for(out, std::chrono::microseconds(100)) == pop_result::timeout);
}

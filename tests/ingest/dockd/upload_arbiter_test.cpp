// The dock's upload slots: the pure EDF arbiter (invariants 1-3 of upload_arbiter.hpp) and the blocking gate
// built on it, with real threads but no timing: every wait is on the gate's own state, bounded.
#include "ingest/dockd/upload_gate.hpp"

#include <catch2/catch.hpp>

#include <mutex>
#include <thread>

using namespace std::chrono_literals;
using bodycam::ingest::dockd::upload_arbiter;
using bodycam::ingest::dockd::upload_gate;
using bodycam::ingest::schedule::utc_time;

namespace {
const utc_time t0{std::chrono::seconds(1'795'000'000)};

// Polls (bounded: 10 s) until `done` holds; false if it never did.
template <typename F>
bool eventually(F done) {
  for (int i = 0; i < 10'000; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(1ms);
  }
  return done();
}
}  // namespace

TEST_CASE("one slot goes to the waiting camera with the earliest deadline") {
  upload_arbiter a(1);
  a.request("slot-1", t0 + 5h);
  a.request("slot-2", t0 + 1h);
  a.request("slot-3", t0 + 3h);
  CHECK(a.grant() == std::vector<std::string>{"slot-2"});
  CHECK(a.in_use() == 1);
  CHECK(a.waiting() == 2);
  CHECK(a.grant().empty());  // invariant 1: no free slot
  a.release("slot-2");
  CHECK(a.grant() == std::vector<std::string>{"slot-3"});
  a.release("slot-3");
  CHECK(a.grant() == std::vector<std::string>{"slot-1"});
  a.release("slot-1");
  CHECK(a.grant().empty());
  CHECK(a.in_use() == 0);
}

TEST_CASE("an earlier deadline that arrives later is served before the earlier waiters") {
  upload_arbiter a(1);
  a.request("slot-1", t0 + 5h);
  CHECK(a.grant() == std::vector<std::string>{"slot-1"});
  a.request("slot-2", t0 + 4h);
  a.request("slot-3", t0 + 2h);  // arrives last, due first
  a.release("slot-1");
  CHECK(a.grant() == std::vector<std::string>{"slot-3"});
}

TEST_CASE("two slots serve the two earliest deadlines; equal deadlines go by slot name") {
  upload_arbiter a(2);
  CHECK(a.slots() == 2);
  a.request("slot-c", t0 + 1h);
  a.request("slot-b", t0 + 1h);
  a.request("slot-a", t0 + 2h);
  CHECK(a.grant() == std::vector<std::string>{"slot-b", "slot-c"});
  CHECK(a.holds("slot-b"));
  CHECK(a.holds("slot-c"));
  CHECK(a.is_waiting("slot-a"));
  CHECK(upload_arbiter(0).slots() == 1);
}

TEST_CASE("asking again gives the slot back first; a withdrawn request is never granted") {
  upload_arbiter a(1);
  a.request("slot-1", t0 + 1h);
  CHECK(a.grant() == std::vector<std::string>{"slot-1"});
  a.request("slot-2", t0 + 2h);
  SECTION("the holder's next file is still the most urgent: it gets the slot again") {
    a.request("slot-1", t0 + 90min);
    CHECK_FALSE(a.holds("slot-1"));
    CHECK(a.grant() == std::vector<std::string>{"slot-1"});
  }
  SECTION("the holder's next file is due later: the other camera goes first (invariant 3)") {
    a.request("slot-1", t0 + 3h);
    CHECK(a.grant() == std::vector<std::string>{"slot-2"});
    CHECK(a.is_waiting("slot-1"));
  }
  SECTION("withdraw") {
    a.withdraw("slot-2");
    a.release("slot-1");
    CHECK(a.grant().empty());
    CHECK(a.waiting() == 0);
    a.withdraw("slot-2");  // no-op
    a.release("nobody");   // no-op
    CHECK(a.in_use() == 0);
  }
}

TEST_CASE("the gate lets blocked workers through in deadline order, one at a time") {
  upload_gate gate(1);
  REQUIRE(gate.acquire("slot-0", t0, 60s));  // holds the only slot while the others line up
  std::mutex mutex;
  std::vector<std::string> order;
  std::vector<std::thread> workers;
  const std::vector<std::pair<std::string, utc_time>> waiting{
      {"slot-1", t0 + 4h}, {"slot-2", t0 + 1h}, {"slot-3", t0 + 3h}, {"slot-4", t0 + 2h}};
  for (const auto& [name, deadline] : waiting)
    workers.emplace_back([&, name = name, deadline = deadline] {
      if (!gate.acquire(name, deadline, 60s)) return;
      {
        std::lock_guard lock(mutex);
        order.push_back(name);
      }
      gate.release(name);
    });
  REQUIRE(eventually([&] { return gate.waiting() == 4; }));
  gate.release("slot-0");
  for (auto& t : workers) t.join();
  CHECK(order == std::vector<std::string>{"slot-2", "slot-4", "slot-3", "slot-1"});
  CHECK(gate.in_use() == 0);
}

TEST_CASE("stopping the gate wakes every waiter with false and grants nothing more") {
  upload_gate gate(1);
  REQUIRE(gate.acquire("slot-0", t0, 60s));
  bool got = true;
  std::thread waiter([&] { got = gate.acquire("slot-1", t0 + 1h, 60s); });
  REQUIRE(eventually([&] { return gate.waiting() == 1; }));
  gate.stop();
  waiter.join();
  CHECK_FALSE(got);
  gate.release("slot-0");
  CHECK_FALSE(gate.acquire("slot-2", t0, 60s));
}

TEST_CASE("a camera not served within its wait gives up its place and the slot goes on in EDF order") {
  upload_gate gate(1);
  REQUIRE(gate.acquire("slot-0", t0, 60s));
  CHECK_FALSE(gate.acquire("slot-1", t0 + 1h, 1ms));  // slot-0 never lets go within 1 ms
  CHECK(gate.waiting() == 0);                          // no longer in line: it will dock again
  CHECK(gate.in_use() == 1);
  gate.release("slot-0");
  CHECK(gate.acquire("slot-2", t0 + 2h, 0ms));  // a free slot is granted without waiting
  CHECK(gate.in_use() == 1);
}

TEST_CASE("a holder goes on to its next file only while no waiting request is due earlier (invariant 4)") {
  upload_arbiter a(1);
  CHECK_FALSE(a.may_keep("slot-1", t0 + 5h));  // holds nothing
  a.request("slot-1", t0 + 5h);
  REQUIRE(a.grant() == std::vector<std::string>{"slot-1"});
  CHECK(a.may_keep("slot-1", t0 + 5h));  // nobody waits
  a.request("slot-2", t0 + 6h);
  CHECK(a.may_keep("slot-1", t0 + 5h));   // the waiter's file is due later
  CHECK_FALSE(a.may_keep("slot-1", t0 + 7h));  // this next file is due after the waiter's
  CHECK_FALSE(a.may_keep("slot-2", t0 + 1h));  // a waiter holds no slot to keep
  // Ties go by name, as grants do: slot-1's file due with slot-2's comes first.
  CHECK(a.may_keep("slot-1", t0 + 6h));
  a.release("slot-1");
  CHECK_FALSE(a.may_keep("slot-1", t0 + 1h));
  CHECK(a.grant() == std::vector<std::string>{"slot-2"});
}

TEST_CASE("the gate's keep never blocks and says no once stopped") {
  upload_gate gate(1);
  REQUIRE(gate.acquire("slot-1", t0 + 1h, 1s));
  CHECK(gate.keep("slot-1", t0 + 2h));
  gate.stop();
  CHECK_FALSE(gate.keep("slot-1", t0 + 2h));
}

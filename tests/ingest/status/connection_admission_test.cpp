// The status server's admission policy (A1-A4 of connection_admission.hpp), connection by connection.
#include "ingest/status/connection_admission.hpp"

#include <catch2/catch.hpp>

namespace st = bodycam::ingest::status;
using ids = std::vector<st::connection_admission::connection_id>;

TEST_CASE("a flood of slow clients never takes the newcomer's slot (A1, A3)") {
  st::connection_admission a({.max_connections = 16, .max_per_client = 16});
  ids admitted;
  ids cut;
  for (int i = 0; i < 40; ++i) {  // slow clients that never send a request
    auto d = a.admit("127.0.0.1");
    REQUIRE(d.admitted);
    admitted.push_back(d.id);
    cut.insert(cut.end(), d.cut.begin(), d.cut.end());
    CHECK(a.open() <= 15);  // one slot always free
  }
  CHECK(a.open() == 15);
  CHECK(cut.size() == 25);
  CHECK(cut.front() == admitted.front());  // the oldest go first
  CHECK(cut.back() == admitted[24]);
  // The operator arrives: admitted, its request arrives at once, and it is not cut by the next slow client.
  auto op = a.admit("127.0.0.1");
  REQUIRE(op.admitted);
  a.mark_answering(op.id);
  for (int i = 0; i < 40; ++i) {
    auto d = a.admit("127.0.0.1");
    CHECK(std::find(d.cut.begin(), d.cut.end(), op.id) == d.cut.end());
  }
  CHECK(a.open() == 15);  // the operator and 14 slow clients: still one slot free
  a.remove(op.id);
  CHECK(a.open() == 14);
}

TEST_CASE("one client's connections beyond its limit cut its own oldest, not another client's (A2)") {
  st::connection_admission a({.max_connections = 16, .max_per_client = 4});
  auto other = a.admit("127.0.0.2");
  REQUIRE(other.admitted);
  ids flood;
  for (int i = 0; i < 10; ++i) {
    auto d = a.admit("127.0.0.3");
    REQUIRE(d.admitted);
    flood.push_back(d.id);
    for (auto c : d.cut) CHECK(c != other.id);
  }
  CHECK(a.open_from("127.0.0.3") == 4);
  CHECK(a.open_from("127.0.0.2") == 1);
  CHECK(a.open() == 5);
}

TEST_CASE("connections being answered are never cut; with no slot and none waiting a newcomer is refused (A4)") {
  st::connection_admission a({.max_connections = 3, .max_per_client = 3});
  ids answering;
  for (int i = 0; i < 2; ++i) {
    auto d = a.admit("127.0.0.1");
    REQUIRE(d.admitted);
    CHECK(d.cut.empty());
    a.mark_answering(d.id);
    answering.push_back(d.id);
  }
  auto third = a.admit("127.0.0.1");  // fills the last slot: nothing waiting to cut
  REQUIRE(third.admitted);
  CHECK(third.cut.empty());
  a.mark_answering(third.id);
  auto fourth = a.admit("127.0.0.1");
  CHECK_FALSE(fourth.admitted);
  CHECK(fourth.cut.empty());
  CHECK(a.open() == 3);
  a.remove(answering[0]);
  a.remove(answering[0]);  // twice: ignored
  CHECK(a.open() == 2);
  CHECK(a.admit("127.0.0.1").admitted);
}

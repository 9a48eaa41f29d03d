// queue_store: durable, idempotent queue state in SQLite (Q1-Q5), its alarm log, refusal of files that are
// not a dock queue, and survival of SIGKILL of a process writing to it.
#include "ingest/schedule/queue_store.hpp"
#include "tests/ingest/schedule/schedule_test_support.hpp"
#include "tests/support/temp_dir.hpp"

#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace queue_store_test {

namespace sc = bodycam::ingest::schedule;
namespace core = bodycam::common::core;
using namespace sc::testing;
using namespace std::chrono_literals;

namespace {

sc::queue_store open_queue(const std::string& path) {
  auto q = sc::queue_store::open(path, {.create_if_missing = true});
  if (!q) FAIL(q.error().context);
  return std::move(*q);
}

}  // namespace

TEST_CASE("queue_store keeps items, states and EDF order across reopen", "[integration]") {
  bodycam::tests::temp_dir dir("bodycam-queue");
  const std::string path = dir / "queue.db";
  std::uint64_t a_id = 0, b_id = 0, c_id = 0;
  {
    auto q = open_queue(path);
    auto a = q.enqueue(item("cam-a", 0, 10, 500, t0 - 2h), t0);
    auto b = q.enqueue(item("cam-b", 3, 4, 700, t0 - 5h, 24h, "000003.mp4"), t0);
    auto c = q.enqueue(item("cam-a", 10, 12, 100, t0 - 1h), t0);
    REQUIRE(a);
    REQUIRE(b);
    REQUIRE(c);
    CHECK(a->created);
    a_id = a->id;
    b_id = b->id;
    c_id = c->id;
    CHECK(a_id != b_id);

    SECTION("enqueue again is idempotent (Q2)") {
      auto again = q.enqueue(item("cam-a", 0, 10, 500, t0 - 2h), t0 + 1h);
      REQUIRE(again);
      CHECK_FALSE(again->created);
      CHECK(again->id == a_id);
      // A later change of deadline_after keeps the first deadline and is not a conflict.
      auto longer = q.enqueue(item("cam-a", 0, 10, 500, t0 - 2h, 48h), t0 + 1h);
      REQUIRE(longer);
      CHECK(longer->id == a_id);
      auto kept = q.find(a_id);
      REQUIRE(kept);
      CHECK((*kept)->deadline == t0 + 22h);
      auto different = q.enqueue(item("cam-a", 0, 10, 501, t0 - 2h), t0 + 1h);
      REQUIRE_FALSE(different);
      CHECK(different.error().code == core::errc::conflict);
      CHECK_THAT(different.error().context, Catch::Contains("queue.db") && Catch::Contains("cam-a"));
    }
    REQUIRE(q.mark_in_progress(b_id, t0 + 1min));
    REQUIRE(q.mark_in_progress(b_id, t0 + 2min));  // Q2
    REQUIRE(q.mark_done(c_id, t0 + 3min));         // pending -> done (found already stored)
    REQUIRE(q.mark_done(c_id, t0 + 4min));         // Q2
    REQUIRE(q.mark_in_progress(a_id, t0 + 5min));
    REQUIRE(q.mark_failed(a_id, t0 + 6min, "store: No space left on device"));
  }
  auto q = open_queue(path);  // a fresh connection reads only what was committed
  auto pending = q.list_pending();
  REQUIRE(pending);
  REQUIRE(pending->size() == 2);
  CHECK((*pending)[0].id == b_id);  // deadline t0+19h before t0+22h (Q5)
  CHECK((*pending)[0].state == sc::item_state::in_progress);
  CHECK((*pending)[0].file_name == "000003.mp4");
  CHECK((*pending)[0].deadline == t0 + 19h);
  CHECK((*pending)[1].id == a_id);
  CHECK((*pending)[1].state == sc::item_state::pending);
  CHECK((*pending)[1].attempts == 1);
  CHECK((*pending)[1].recorded_utc == t0 - 2h);
  CHECK((*pending)[1].bytes == 500);

  auto done = q.find(c_id);
  REQUIRE(done);
  REQUIRE(*done);
  CHECK((*done)->state == sc::item_state::done);
  auto missing = q.find(9999);
  REQUIRE(missing);
  CHECK_FALSE(*missing);

  SECTION("done is final (Q3)") {
    auto restart = q.mark_in_progress(c_id, t0 + 1h);
    REQUIRE_FALSE(restart);
    CHECK(restart.error().code == core::errc::conflict);
    CHECK_THAT(restart.error().context, Catch::Contains("item " + std::to_string(c_id)) && Catch::Contains("done"));
    CHECK_FALSE(q.mark_failed(c_id, t0 + 1h, "x"));
    CHECK(q.mark_failed(9999, t0, "x").error().code == core::errc::not_found);
  }
  SECTION("after a restart, in-progress items go back to pending") {
    auto moved = q.requeue_in_progress();
    REQUIRE(moved);
    CHECK(*moved == 1);
    auto again = q.list_pending();
    REQUIRE(again);
    CHECK((*again)[0].state == sc::item_state::pending);
    CHECK((*again)[0].attempts == 0);
  }
  SECTION("totals") {
    auto t = q.totals();
    REQUIRE(t);
    CHECK(t->pending_items == 2);
    CHECK(t->pending_bytes == 1200);
    CHECK(t->pending_records == 10);
    CHECK(t->done_items == 1);
    CHECK(t->done_bytes == 100);
    CHECK(t->done_records == 2);
    CHECK(t->failed_attempts == 1);
  }
}

TEST_CASE("queue_store logs alarm events and lists the newest", "[integration]") {
  bodycam::tests::temp_dir dir("bodycam-queue");
  const std::string path = dir / "queue.db";
  {
    auto q = open_queue(path);
    for (int i = 0; i < 5; ++i) {
      sc::alarm_event e;
      e.at = t0 + std::chrono::minutes(i);
      e.device = device("cam-0" + std::to_string(i));
      e.from = sc::alarm_state::ok;
      e.to = i % 2 == 0 ? sc::alarm_state::at_risk : sc::alarm_state::overdue;
      if (i != 4) e.earliest_deadline = t0 + 1h;
      e.min_slack = -std::chrono::minutes(i);
      e.detail = "detail " + std::to_string(i);
      REQUIRE(q.log_alarm(e));
    }
  }
  auto q = open_queue(path);
  auto newest = q.list_alarms(3);
  REQUIRE(newest);
  REQUIRE(newest->size() == 3);
  CHECK((*newest)[0].device.str() == "cam-02");
  CHECK((*newest)[2].device.str() == "cam-04");
  CHECK((*newest)[1].to == sc::alarm_state::overdue);
  CHECK((*newest)[1].at == t0 + 3min);
  CHECK(*(*newest)[1].min_slack == -3min);
  CHECK((*newest)[1].detail == "detail 3");
  CHECK_FALSE((*newest)[2].earliest_deadline);
}

TEST_CASE("queue_store refuses what is not a dock queue and a missing file without create", "[integration]") {
  bodycam::tests::temp_dir dir("bodycam-queue");
  SECTION("missing") {
    auto q = sc::queue_store::open(dir / "nope.db");
    REQUIRE_FALSE(q);
    CHECK(q.error().code == core::errc::not_found);
    CHECK_THAT(q.error().context, Catch::Contains("nope.db"));
  }
  SECTION("a text file") {
    std::ofstream(dir / "text.db") << "this is not a database, it is a note left by someone\n";
    auto q = sc::queue_store::open(dir / "text.db", {.create_if_missing = true});
    REQUIRE_FALSE(q);
    CHECK_THAT(q.error().context, Catch::Contains("text.db"));
  }
  SECTION("another application's SQLite file") {
    { auto q = open_queue(dir / "other.db"); }
    // Re-stamp it as someone else's: the same file must now be refused. Raw SQLite on purpose: the queue
    // never writes another application's id, so the test plays that application.
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open((dir / "other.db").c_str(), &raw) == SQLITE_OK);
    CHECK(sqlite3_exec(raw, "PRAGMA application_id = 1;", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(raw);
    auto q = sc::queue_store::open(dir / "other.db");
    REQUIRE_FALSE(q);
    CHECK(q.error().code == core::errc::malformed);
    CHECK_THAT(q.error().context, Catch::Contains("not a bodycam dock queue"));
    CHECK_THAT(q.error().context, Catch::Contains("other.db"));
  }
}

// A torn page in the queue file (the header still says SQLite, so only quick_check finds it): open refuses it
// as corrupt, naming the file, and leaves it byte for byte as it was — never repaired, never migrated over.
TEST_CASE("queue_store refuses a corrupt queue and leaves it byte for byte", "[integration]") {
  bodycam::tests::temp_dir dir("bodycam-queue");
  const std::string path = dir / "queue.db";
  {
    auto q = open_queue(path);
    for (std::uint64_t i = 0; i < 400; ++i)
      REQUIRE(q.enqueue(item("cam-torn", i, i + 1, 1000 + i, t0 - 1h, 24h, "segment-" + std::to_string(i) + ".mp4"),
                        t0));
  }  // closing checkpoints the WAL into the main file
  auto read_all = [&] {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  };
  std::string bytes = read_all();
  const std::size_t page = 4096;  // SQLite's default page size, which the queue does not change
  REQUIRE(bytes.size() >= 8 * page);
  REQUIRE(bytes.size() % page == 0);
  // The last page is in use (rows are never deleted, so there is no free page): a B-tree page of zeros.
  std::fill(bytes.end() - static_cast<std::ptrdiff_t>(page), bytes.end(), '\0');
  { std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes; }
  REQUIRE(read_all() == bytes);

  auto q = sc::queue_store::open(path, {.create_if_missing = true});
  REQUIRE_FALSE(q);
  INFO(q.error().context);
  CHECK(q.error().code == core::errc::corrupt);
  CHECK_THAT(q.error().context, Catch::Contains("dock queue " + path));
  CHECK(read_all() == bytes);
}

// A child process enqueues and completes items as fast as it can and reports each acknowledged step on a
// pipe; the parent SIGKILLs it mid-stream, then checks that every acknowledged step is in the reopened queue.
TEST_CASE("queue_store keeps every acknowledged write when its writer is killed with SIGKILL", "[fault]") {
  bodycam::tests::temp_dir dir("bodycam-queue-kill");
  const std::string path = dir / "queue.db";
  for (int run = 0; run < 3; ++run) {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      ::close(fds[0]);
      auto q = sc::queue_store::open(path, {.create_if_missing = true});
      if (!q) ::_exit(2);
      for (std::uint64_t i = 0;; ++i) {
        const std::uint64_t seq = static_cast<std::uint64_t>(run) * 1'000'000 + i;
        auto made = sc::make_work_item({*bodycam::common::record::device_id::parse("cam-k"), seq, seq + 1, "", 1000 + i,
                                        t0 + std::chrono::seconds(i)});
        if (!made) ::_exit(3);
        auto e = q->enqueue(*made, t0);
        if (!e) ::_exit(4);
        if (i % 2 == 0 && !q->mark_done(e->id, t0)) ::_exit(5);
        char line[64];
        const int n = std::snprintf(line, sizeof line, "%llu %llu\n", static_cast<unsigned long long>(seq),
                                    static_cast<unsigned long long>(e->id));
        if (::write(fds[1], line, static_cast<std::size_t>(n)) != n) ::_exit(6);
      }
    }
    ::close(fds[1]);
    // Read acknowledgements until 40 + 25*run have come, then kill without warning.
    std::string received;
    std::size_t acks = 0;
    const std::size_t wanted = 40 + 25 * static_cast<std::size_t>(run);
    char buffer[4096];
    while (acks < wanted) {
      const ssize_t got = ::read(fds[0], buffer, sizeof buffer);
      if (got <= 0) break;
      received.append(buffer, static_cast<std::size_t>(got));
      acks = static_cast<std::size_t>(std::count(received.begin(), received.end(), '\n'));
    }
    ::kill(child, SIGKILL);
    int wstatus = 0;
    ::waitpid(child, &wstatus, 0);
    ::close(fds[0]);
    REQUIRE(acks >= wanted);
    CHECK(WIFSIGNALED(wstatus));

    auto q = sc::queue_store::open(path);  // quick_check runs here
    REQUIRE(q);
    std::istringstream lines(received);
    std::uint64_t seq = 0, id = 0;
    std::size_t checked = 0;
    while (lines >> seq >> id) {
      auto found = q->find(id);
      REQUIRE(found);
      REQUIRE(*found);
      CHECK((*found)->first_seq == seq);
      const bool even = (seq % 1'000'000) % 2 == 0;
      CHECK((*found)->state == (even ? sc::item_state::done : sc::item_state::pending));
      ++checked;
    }
    CHECK(checked == acks);
    // The queue is still usable: the next writer continues after what was there.
    auto t = q->totals();
    REQUIRE(t);
    CHECK(t->pending_items + t->done_items >= acks);
  }
}

}  // namespace queue_store_test

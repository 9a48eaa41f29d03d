// Kill test: a child process appends records (each with a fragment row in the same transaction) as fast as
// it can and reports each seq on a pipe only after append_record returned success; the parent SIGKILLs it
// at a random moment, then reopens the ledger and checks that every acknowledged seq is there, seqs are
// contiguous from 0, every hash matches its bytes, each record's fragment row committed with it, and
// integrity_check passes. Repeated for 40 rounds on the same ledger; every round must run (a time budget only
// stops a hung machine, and then the test fails), and the rounds that kill after the first acknowledged append
// must together have acknowledged at least one append each. The seed is printed; BODYCAM_TEST_SEED replays it.
#include "common/ledger/ledger.hpp"
#include "tests/common/ledger/ledger_test_support.hpp"
#include "tests/support/test_seed.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <iostream>
#include <random>
#include <set>
#include <thread>

#include <catch2/catch.hpp>

using namespace bodycam::common;
using namespace bodycam::tests::ledger;
using bodycam::tests::temp_dir;

namespace {

constexpr int rounds = 40;
constexpr std::uint64_t ready_marker = ~std::uint64_t{0};  // sent once the child has opened the ledger

// Where in the child's life a round kills it. Most rounds wait for the first acknowledged append and then a
// random few ms, so they kill mid-appending whatever the machine's speed; the others kill while the child
// opens the ledger, or soon after it is ready (possibly inside the very first append).
enum class kill_point { while_opening, after_ready, after_first_ack };
kill_point kill_point_of(int round) {
  switch (round % 5) {
    case 0: return kill_point::while_opening;
    case 1: return kill_point::after_ready;
    default: return kill_point::after_first_ack;
  }
}
constexpr auto time_budget = std::chrono::seconds(60);
constexpr std::uint64_t max_appends_per_round = 100'000;

std::string round_file(int round) { return "kill-" + std::to_string(round) + ".mp4"; }

// Runs in the forked child; never returns.
[[noreturn]] void append_until_killed(const std::filesystem::path& path, int ack_fd, int round) {
  auto l = ledger::open(path, test_options(false));
  if (!l) _exit(2);
  const std::string file = round_file(round);
  if (!l->add_file({file, ledger::file_kind::segment, "kill-test"})) _exit(3);
  if (::write(ack_fd, &ready_marker, sizeof ready_marker) != static_cast<ssize_t>(sizeof ready_marker)) _exit(5);
  for (std::uint64_t k = 0; k < max_appends_per_round; ++k) {
    auto r = l->append_record(test_record_builder(5, 64 + k % 256),
                              [&](ledger::transaction& tx, const ledger::stored_record& rec) {
                                return tx.add_fragment({file, k, k * 1000, 1000, rec.hash});
                              });
    if (!r) _exit(4);
    // Acknowledge only now, after COMMIT returned. 8 bytes < PIPE_BUF: the write is atomic.
    const std::uint64_t seq = r->seq;
    if (::write(ack_fd, &seq, sizeof seq) != static_cast<ssize_t>(sizeof seq)) _exit(5);
  }
  _exit(0);
}

// Reads 8-byte messages until EOF or, if `until_ready`, until the ready marker. (A torn message cannot
// happen: each is one write of less than PIPE_BUF bytes.)
std::vector<std::uint64_t> read_acks(int fd, bool until_ready) {
  std::vector<std::uint64_t> out;
  std::uint64_t seq = 0;
  for (;;) {
    const ssize_t n = ::read(fd, &seq, sizeof seq);
    if (n < 0 && errno == EINTR) continue;
    if (n != static_cast<ssize_t>(sizeof seq)) break;
    if (seq == ready_marker) {
      if (until_ready) break;
      continue;
    }
    out.push_back(seq);
  }
  return out;
}

}  // namespace

TEST_CASE("SIGKILL at random moments never loses an acknowledged record", "[fault]") {
  temp_dir dir;
  const auto path = dir / "ledger.db";
  { REQUIRE(ledger::open(path, test_options(true)).has_value()); }

  const auto seed = bodycam::tests::test_seed("ledger kill test");
  INFO("seed " << seed << " (replay: BODYCAM_TEST_SEED=" << seed << ")");
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> delay_ms(0, 12);  // a few ms: 0 to ~3 appends on a disk with 4 ms fsync
  std::uniform_int_distribution<int> opening_delay_ms(1, 30);

  const auto start = std::chrono::steady_clock::now();
  std::set<std::uint64_t> acknowledged;
  int completed_rounds = 0;
  int killed_mid_run = 0;
  int rounds_after_first_ack = 0;
  std::uint64_t acks_received = 0;  // over all rounds; each seq must be acknowledged once only
  std::uint64_t found = 0;
  std::uint64_t total_unacknowledged = 0;  // present, but killed before the ack (e.g. during the commit fsync)
  for (int round = 0; round < rounds && std::chrono::steady_clock::now() - start < time_budget; ++round) {
    INFO("round " << round);
    const std::uint64_t before = ledger::open(path, test_options(false)).value().head().value().next_seq;
    int fds[2];
    REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      ::close(fds[0]);
      append_until_killed(path, fds[1], round);
    }
    ::close(fds[1]);
    std::vector<std::uint64_t> acks;
    const kill_point point = kill_point_of(round);
    if (point == kill_point::while_opening) {
      std::this_thread::sleep_for(std::chrono::milliseconds(opening_delay_ms(rng)));
    } else {
      REQUIRE(read_acks(fds[0], true).empty());  // blocks until the child is ready
      if (point == kill_point::after_first_ack) {
        std::uint64_t first = 0;
        REQUIRE(::read(fds[0], &first, sizeof first) == static_cast<ssize_t>(sizeof first));
        acks.push_back(first);
        ++rounds_after_first_ack;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
    }
    REQUIRE(::kill(child, SIGKILL) == 0);
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    const auto rest = read_acks(fds[0], false);
    acks.insert(acks.end(), rest.begin(), rest.end());
    ::close(fds[0]);
    // Killed, or (rarely) finished all its appends; never failed on its own.
    const bool killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
    INFO("child status " << status);
    REQUIRE((killed || (WIFEXITED(status) && WEXITSTATUS(status) == 0)));
    if (point == kill_point::after_first_ack) CHECK(acks.size() >= 1);
    acks_received += acks.size();
    acknowledged.insert(acks.begin(), acks.end());

    auto l = ledger::open(path, test_options(false)).value();
    const auto problems = chain_problems(l);  // contiguous seqs, hashes, chain links, integrity_check
    INFO(problems);
    REQUIRE(problems.empty());
    const auto head = l.head().value();
    found = head.next_seq;
    for (std::uint64_t seq : acks) CHECK(seq < head.next_seq);
    // Each record of this round committed together with its fragment row, and nothing else did.
    const auto file = l.file(round_file(round));
    const auto appended_this_round = head.next_seq - before;
    if (file) {
      const auto fragments = l.fragments(round_file(round)).value();
      REQUIRE(fragments.size() == appended_this_round);
      for (const auto& fr : fragments) CHECK(fr.sha256 == l.record(before + fr.index).value().hash);
    } else {
      CHECK(appended_this_round == 0);
    }
    CHECK(appended_this_round >= acks.size());
    if (appended_this_round > 0) ++killed_mid_run;
    total_unacknowledged += appended_this_round - acks.size();
    ++completed_rounds;
  }
  INFO("rounds completed within " << time_budget.count() << " s: " << completed_rounds);
  REQUIRE(completed_rounds == rounds);
  CHECK(rounds_after_first_ack == rounds * 3 / 5);
  // Every round killed after its first acknowledged append contributed at least that one; no seq was
  // acknowledged twice (which would mean two records at one seq).
  CHECK(acknowledged.size() >= static_cast<std::size_t>(rounds_after_first_ack));
  CHECK(acknowledged.size() == acks_received);
  CHECK(acknowledged.size() <= found);
  std::cout << "ledger kill test: " << completed_rounds << " rounds (" << killed_mid_run << " killed while appending), "
            << found << " records appended, " << acknowledged.size() << " acknowledged, " << found << " found ("
            << total_unacknowledged
            << " present but never acknowledged: killed after the WAL write, before the ack); every acknowledged seq "
               "present; "
            << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count()
            << " ms; seed " << seed << "\n";
}

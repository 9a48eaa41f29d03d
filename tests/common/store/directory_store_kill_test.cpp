// Kill tests of the directory backend: a child process putting an object or a record is SIGKILLed, first
// exactly before each system call of the put (deterministic, through the fault hook), then at random moments
// over many rounds on one store. After every kill the item is either absent or complete and right, never
// partial; whatever the child acknowledged is there; temp files are invisible until recover() removes them;
// and the put then succeeds from another process.
#include "common/store/directory_backend.hpp"
#include "tests/common/store/store_test_support.hpp"
#include "tests/support/chain_scenario.hpp"
#include "tests/support/test_seed.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <iostream>
#include <random>
#include <thread>

#include <catch2/catch.hpp>

using namespace bodycam::common;
using namespace bodycam::tests::store;
using bodycam::tests::chain_scenario;
namespace fs = std::filesystem;

namespace {

// The fate of a forked child.
struct child_end {
  bool killed = false;  // by SIGKILL
  int exit_code = -1;   // if it exited
};

child_end wait_for(pid_t pid) {
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  if (WIFSIGNALED(status)) {
    REQUIRE(WTERMSIG(status) == SIGKILL);
    return {true, -1};
  }
  REQUIRE(WIFEXITED(status));
  return {false, WEXITSTATUS(status)};
}

constexpr int exit_put_ok = 0;
constexpr int exit_put_failed = 4;
constexpr int exit_open_failed = 3;

}  // namespace

TEST_CASE("SIGKILL just before each system call of a put: the item is absent until link(), complete after", "[fault]") {
  const auto object = pseudo_random_bytes(700'000, 11);
  const auto digest = crypto::sha256(object);
  const auto r = chain_scenario("cam-kill").run("boot").records().front();

  struct kill_case {
    std::string name;
    std::function<core::expected<store::put_outcome>(store::store&)> put;
    std::function<bool(store::store&)> present;  // and, if so, checked complete
  };
  const std::vector<kill_case> cases = {
      {"object", [&](store::store& s) { return s.put_object(digest, object); },
       [&](store::store& s) {
         if (!s.has_object(digest).value()) return false;
         CHECK(s.rehash_object(digest).value() == digest);
         CHECK(s.object_size(digest).value() == object.size());
         return true;
       }},
      {"record", [&](store::store& s) { return s.put_record(r); },
       [&](store::store& s) {
         const auto got = s.get_record(r.body.device, 0);
         if (!got) {
           CHECK(got.error().code == core::errc::not_found);
           return false;
         }
         CHECK(*got == r.bytes);
         return true;
       }},
  };

  for (const auto& c : cases) {
    // The steps of an undisturbed put, to kill before each of them in turn.
    std::vector<store::write_step> steps;
    {
      store::directory_store_options options;
      options.faults = [&](store::write_step step, const store::store_key&) {
        steps.push_back(step);
        return 0;
      };
      directory_harness h(options);
      REQUIRE(c.put(h.store()).value() == store::put_outcome::created);
    }
    const auto link_at =
        static_cast<std::size_t>(std::find(steps.begin(), steps.end(), store::write_step::link) - steps.begin());
    const auto temp_at =
        static_cast<std::size_t>(std::find(steps.begin(), steps.end(), store::write_step::create_temp) - steps.begin());
    REQUIRE(link_at < steps.size());

    for (std::size_t k = 0; k < steps.size(); ++k) {
      INFO(c.name << ": killed before step " << k << " (" << store::to_string(steps[k]) << ")");
      directory_harness h;
      const auto bystander = pseudo_random_bytes(10'000, 12);
      REQUIRE(h.store().put_object(crypto::sha256(bystander), bystander));

      const pid_t pid = ::fork();
      REQUIRE(pid >= 0);
      if (pid == 0) {
        std::size_t seen = 0;
        store::directory_store_options options;
        options.faults = [&](store::write_step, const store::store_key&) {
          if (seen++ == k) ::raise(SIGKILL);
          return 0;
        };
        auto s = store::open_directory_store(h.root(), options);
        if (!s) ::_exit(exit_open_failed);
        ::_exit(c.put(*s) ? exit_put_ok : exit_put_failed);
      }
      const auto end = wait_for(pid);
      REQUIRE(end.killed);

      // Before link() nothing is visible; from link() on the item is whole.
      CHECK(c.present(h.store()) == (k > link_at));
      // A temp file exists from its creation until it is linked and its name dropped.
      const std::size_t temps = (k > temp_at && k <= link_at) ? 1 : 0;
      CHECK(temp_files_under(h.root()).size() == temps);
      const auto report = h.store().recover();
      REQUIRE(report.has_value());
      CHECK(report->removed.size() == temps);
      CHECK(report->foreign.empty());
      CHECK(temp_files_under(h.root()).empty());
      CHECK(h.store().rehash_object(crypto::sha256(bystander)).value() == crypto::sha256(bystander));

      const auto again = c.put(h.store());
      REQUIRE(again.has_value());
      CHECK(*again == (k > link_at ? store::put_outcome::already_stored : store::put_outcome::created));
      CHECK(c.present(h.store()));
    }
  }
}

TEST_CASE("SIGKILL at random moments of puts into one store: never a partial object, every acknowledged one whole",
          "[fault]") {
  constexpr int rounds = 24;
  constexpr std::size_t object_bytes = 3'000'000;
  directory_harness h;

  // Kill delays are drawn from [0, max_delay]. It starts at one undisturbed put's time and adapts: shorter after
  // a child that finished first, longer after one killed before it wrote anything, so most kills land inside
  // a put. This only picks the moments; nothing asserts on time.
  std::chrono::microseconds max_delay{};
  {
    directory_harness scratch;
    const auto bytes = pseudo_random_bytes(object_bytes, 999);
    const auto start = std::chrono::steady_clock::now();
    REQUIRE(scratch.store().put_object(crypto::sha256(bytes), bytes));
    max_delay = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
  }
  const auto seed = bodycam::tests::test_seed("store kill test");
  INFO("seed " << seed << " (replay: BODYCAM_TEST_SEED=" << seed << ")");
  std::mt19937 rng(seed);

  std::vector<crypto::sha256_digest> stored;  // complete after some round
  int absent = 0;
  int complete = 0;
  int finished = 0;
  for (int round = 0; round < rounds; ++round) {
    INFO("round " << round);
    const auto bytes = pseudo_random_bytes(object_bytes, static_cast<std::uint32_t>(round));
    const auto digest = crypto::sha256(bytes);
    const std::size_t temps_before = temp_files_under(h.root()).size();
    int ready[2];
    REQUIRE(::pipe(ready) == 0);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      ::close(ready[0]);
      auto s = store::open_directory_store(h.root(), false);
      if (!s) ::_exit(exit_open_failed);
      const char go = 'g';
      if (::write(ready[1], &go, 1) != 1) ::_exit(exit_open_failed);
      ::_exit(s->put_object(digest, bytes) ? exit_put_ok : exit_put_failed);
    }
    ::close(ready[1]);
    char go = 0;
    REQUIRE(::read(ready[0], &go, 1) == 1);
    ::close(ready[0]);
    std::this_thread::sleep_for(
        std::chrono::microseconds(std::uniform_int_distribution<std::int64_t>(0, max_delay.count())(rng)));
    ::kill(pid, SIGKILL);
    const auto end = wait_for(pid);
    REQUIRE((end.killed || end.exit_code == exit_put_ok));  // killed, or done first; never failed on its own

    const bool present = h.store().has_object(digest).value();
    if (present) {
      CHECK(h.store().object_size(digest).value() == bytes.size());
      CHECK(h.store().rehash_object(digest).value() == digest);
      stored.push_back(digest);
    }
    if (!end.killed) CHECK(present);  // acknowledged means there
    (present ? complete : absent) += 1;
    finished += end.killed ? 0 : 1;
    std::size_t listed = 0;
    REQUIRE(h.store().for_each_object([&](const crypto::sha256_digest&) { return ++listed > 0; }));
    CHECK(listed == stored.size());
    const std::size_t temps_now = temp_files_under(h.root()).size();
    CHECK(temps_now <= temps_before + 1);  // at most the killed writer's own
    if (!end.killed)
      max_delay = max_delay * 7 / 10;
    else if (!present && temps_now == temps_before)
      max_delay = max_delay * 11 / 10;
  }
  for (const auto& d : stored) CHECK(h.store().rehash_object(d).value() == d);
  const std::size_t temps_left = temp_files_under(h.root()).size();
  const auto report = h.store().recover();
  REQUIRE(report.has_value());
  CHECK(report->removed.size() == temps_left);
  CHECK(report->foreign.empty());
  for (const auto& name : report->removed)
    CHECK(fs::path(name).filename().string().starts_with(store::temp_name_prefix));
  CHECK(temp_files_under(h.root()).empty());
  // Every round's object can now be put by someone else; the ones already there are found whole.
  int created_after = 0;
  for (int round = 0; round < rounds; ++round) {
    const auto bytes = pseudo_random_bytes(object_bytes, static_cast<std::uint32_t>(round));
    const auto outcome = h.store().put_object(crypto::sha256(bytes), bytes);
    REQUIRE(outcome.has_value());
    created_after += *outcome == store::put_outcome::created ? 1 : 0;
  }
  CHECK(created_after == absent);
  std::cout << "store kill test: " << rounds << " rounds of a " << object_bytes << "-byte put, " << absent
            << " absent and " << complete << " complete after the kill (" << finished << " finished before it), "
            << report->removed.size() << " temp files left for recover(), none partial; seed " << seed << "\n";
}

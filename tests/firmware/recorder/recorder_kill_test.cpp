// Kill test (issue 3): SIGKILL bodycam-recorder at random moments while it records, restart it, and check
// that the ledger never claims bytes that are not on disk: every fragment row's bytes are in the file (final
// or .partial) with the recorded hash, and the chain still verifies. Prints the footage lost per kill: the
// media time between the last durable fragment and the kill.
#include "tests/firmware/recorder/recorder_test_support.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <csignal>
#include <cstdio>
#include <random>
#include <thread>

using namespace bodycam::common;
using namespace bodycam::tests;
namespace fs = std::filesystem;

TEST_CASE("SIGKILL at random moments: every fragment the ledger claims is on disk, hash for hash", "[fault]") {
  test_camera cam(5);
  std::mt19937 random(20261123);
  std::uniform_int_distribution<int> delay_ms(1500, 6000);
  constexpr int runs = 10;
  std::uint64_t fragments_checked = 0;
  for (int run = 0; run < runs; ++run) {
    auto daemon = cam.start_daemon("kill-" + std::to_string(run));
    REQUIRE(wait_for_socket(cam.socket, std::chrono::seconds(30)));
    auto started = nlohmann::json::parse(cam.request(R"({"cmd":"start"})"));
    INFO(started.dump() << daemon->log());
    REQUIRE(started["ok"] == true);
    const std::string session = started["session"];
    const int wait_ms = delay_ms(random);
    std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
    daemon->signal(SIGKILL);
    REQUIRE(daemon->wait(std::chrono::seconds(10)) == 128 + SIGKILL);

    auto l = cam.open_ledger();
    std::uint64_t durable = 0;
    for (auto state : {ledger::file_state::partial, ledger::file_state::sealed}) {
      const auto files = l.files_in_state(state).value();
      for (const auto& file : files) {
        fs::path path = fs::path(cam.segments) / file.name;
        if (state == ledger::file_state::partial) path += ".partial";
        const auto fragments = l.fragments(file.name).value();
        for (const auto& f : fragments) {
          INFO(path << " fragment " << f.index);
          CHECK(hash_range(path, f.byte_offset, f.byte_length) == f.sha256);
          ++fragments_checked;
          if (file.session_id == session) ++durable;
        }
      }
    }
    // 1 fragment = 1 s GOP. Recording starts at the next keyframe after `start`, so allow for that too.
    const double lost = wait_ms / 1000.0 - static_cast<double>(durable);
    std::printf("kill %d after %d ms: %llu durable fragments in this session, ~%.1f s of footage not yet durable\n", run,
                wait_ms, static_cast<unsigned long long>(durable), lost);
    const auto report = cam.verify();
    CHECK(report.problem_count() == 0);
  }
  CHECK(fragments_checked > 0);
}

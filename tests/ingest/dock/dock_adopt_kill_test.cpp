// A dock killed in the middle of adopting spooled files into the store (store_backend.hpp invariant 9): a child
// process docks a camera and is SIGKILLed just before each system call of each adoption in turn (through the
// store's fault hook) until a docking runs through. After every kill: every object in the store re-hashes to
// its name, no receipt exists, so the camera still holds every file as sealed (nothing stored or reclaimable on
// its side); then the dock, restarted, docks the camera again and everything is stored and receipted once.
#include "tests/ingest/dock/dock_test_support.hpp"

#include "tests/support/temp_dir.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <map>
#include <mutex>

using namespace bodycam;
using namespace bodycam::common;
using bodycam::tests::camera_fixture;
using bodycam::tests::dock_fixture;
using bodycam::tests::temp_dir;

TEST_CASE("dock killed before each step of an adoption: nothing lost, the camera keeps its files until the receipt",
          "[fault]") {
  std::size_t kills = 0;
  for (std::size_t k = 0;; ++k) {
    INFO("killed before adoption step " << k);
    REQUIRE(k < 64);  // two files take a handful of steps; more means the loop never reaches a whole docking
    temp_dir dir;
    camera_fixture cam("cam-1", 1, dir / "cam");
    const auto a = cam.add_segment(120'000);
    const auto b = cam.add_segment(30'000);
    dock_fixture dock(dir / "dock");
    dock.enroll(cam);

    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      std::atomic<std::size_t> seen = 0;  // the store's workers adopt files side by side
      store::directory_store_options options;
      options.faults = [&](store::write_step, const store::store_key& key) {
        if (key.str().starts_with("objects/") && seen++ == k) ::raise(SIGKILL);
        return 0;
      };
      dock_fixture child(dir / "dock", options);
      child.enroll(cam);
      ::_exit(child.dock(cam) ? 0 : 4);
    }
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    if (WIFEXITED(status)) {  // the docking ran through: every step has had its kill
      CHECK(WEXITSTATUS(status) == 0);
      CHECK(kills == k);
      CHECK(kills >= 6);  // at least fsync, move and folder fsync for each of the two files
      break;
    }
    REQUIRE(WIFSIGNALED(status));
    REQUIRE(WTERMSIG(status) == SIGKILL);
    ++kills;

    // Killed inside step 4: no receipt, so the camera stored and reclaimed nothing and still has both files.
    auto receipts = dock.store->list_entries(store::entry_namespace::receipts);
    REQUIRE(receipts.has_value());
    CHECK(receipts->empty());
    CHECK(cam.files_in(ledger::file_state::stored).empty());
    CHECK(cam.files_in(ledger::file_state::sealed) == std::vector<std::string>{a, b});
    CHECK(std::filesystem::exists(cam.recording_dir() / a));
    CHECK(std::filesystem::exists(cam.recording_dir() / b));
    // Whatever the store holds is whole.
    std::size_t objects = 0;
    auto listed = dock.store->for_each_object([&](const crypto::sha256_digest& digest) {
      ++objects;
      CHECK(dock.store->rehash_object(digest).value() == digest);
      return true;
    });
    REQUIRE(listed.has_value());
    CHECK(objects <= 2);
    auto recovered = dock.store->recover();
    REQUIRE(recovered.has_value());
    CHECK(recovered->foreign.empty());

    // The restarted dock finishes the job from the store and the spool.
    auto again = dock.dock(cam);
    REQUIRE(again.has_value());
    CHECK(again->files_stored + objects == 2);
    CHECK(cam.files_in(ledger::file_state::stored) == std::vector<std::string>{a, b});
    tests::check_invariants(dock, cam);
  }
}

TEST_CASE("a docking adopts its spooled files: each object synced once, never written through a temp file",
          "[integration]") {
  temp_dir dir;
  camera_fixture cam("cam-1", 1, dir / "cam");
  cam.add_segment(90'000);
  cam.add_segment(10'000);
  std::mutex mutex;  // the store's workers adopt files side by side
  std::map<store::write_step, int> object_steps;
  store::directory_store_options options;
  options.faults = [&](store::write_step step, const store::store_key& key) {
    const std::lock_guard lock(mutex);
    if (key.str().starts_with("objects/")) ++object_steps[step];
    return 0;
  };
  dock_fixture dock(dir / "dock", options);
  dock.enroll(cam);
  auto r = dock.dock(cam);
  REQUIRE(r.has_value());
  CHECK(r->files_stored == 2);
  CHECK(object_steps[store::write_step::create_temp] == 0);
  CHECK(object_steps[store::write_step::write] == 0);
  CHECK(object_steps[store::write_step::sync_file] == 2);
  CHECK(object_steps[store::write_step::link] == 2);
  CHECK(object_steps[store::write_step::sync_directory] == 2);
  std::size_t left = 0;  // the spool holds nothing once its files are objects
  for (const auto& e : std::filesystem::recursive_directory_iterator(dock.settings.spool_dir))
    if (e.is_regular_file()) ++left;
  CHECK(left == 0);
  tests::check_invariants(dock, cam);
}

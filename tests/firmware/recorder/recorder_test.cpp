// bodycam-recorder end to end on the synthetic source: a session of 3+ segments driven over the control
// socket; the chain verifies; every segment file matches its signed record, its ledger fragments and the
// outside tools (sha256sum semantics, ffprobe); a restart records a clean previous shutdown.
#include "common/crypto/merkle.hpp"
#include "common/record/record.hpp"
#include "tests/firmware/recorder/recorder_test_support.hpp"
#include "tests/support/files.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <csignal>
#include <fstream>
#include <thread>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace recorder_test {

using namespace bodycam::common;
using namespace bodycam::tests;
namespace fs = std::filesystem;

namespace {
void replace_in_file(const std::string& path, const std::string& from, const std::string& to) {
  std::string text = slurp(path);
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
  write_text(path, text);
}
}  // namespace

TEST_CASE("a session through bodycam-recorder: 3 segments, signed, chained, matching their files", "[e2e]") {
  test_camera cam(2);
  auto daemon = cam.start_daemon("recorder");
  REQUIRE(wait_for_socket(cam.socket, std::chrono::seconds(30)));

  CHECK(nlohmann::json::parse(cam.request(R"({"cmd":"stop","reason":"officer_end"})"))["ok"] == false);
  auto started = nlohmann::json::parse(cam.request(R"({"cmd":"start","trigger":"button"})"));
  INFO(started.dump() << daemon->log());
  REQUIRE(started["ok"] == true);
  CHECK(started["state"] == "recording");
  CHECK(nlohmann::json::parse(cam.request(R"({"cmd":"start"})"))["ok"] == false);  // already recording
  CHECK(nlohmann::json::parse(cam.request(R"({"cmd":"stop"})"))["ok"] == false);   // no silent stop

  // Record until 3 segments have been sealed (6.5 s of media at 2 s segments), bounded.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  while (std::chrono::steady_clock::now() < deadline) {
    auto status = nlohmann::json::parse(cam.request(R"({"cmd":"status"})"));
    if (status.value("seconds_recorded", 0.0) >= 6.5) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  auto stopped = nlohmann::json::parse(cam.request(R"({"cmd":"stop","reason":"officer_end"})"));
  INFO(stopped.dump());
  REQUIRE(stopped["ok"] == true);
  daemon->signal(SIGTERM);
  REQUIRE(daemon->wait(std::chrono::seconds(30)) == 0);

  const auto report = cam.verify();
  CHECK(report.result == chain::verdict::authentic);
  const auto records = cam.records();
  std::vector<record::segment_payload> segments;
  std::vector<record::record_kind> kinds;
  for (const auto& r : records) {
    kinds.push_back(r.body.kind());
    if (auto* s = std::get_if<record::segment_payload>(&r.body.body)) segments.push_back(*s);
  }
  REQUIRE(kinds.size() >= 7);
  CHECK(kinds[0] == record::record_kind::boot);
  CHECK(kinds[1] == record::record_kind::config);
  CHECK(kinds[2] == record::record_kind::precheck);
  CHECK(kinds[3] == record::record_kind::session_start);
  CHECK(kinds[4] == record::record_kind::annotation);  // no annotation source: flagged missing
  CHECK(kinds.back() == record::record_kind::session_stop);
  REQUIRE(segments.size() >= 3);

  auto l = cam.open_ledger();
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const auto& s = segments[i];
    INFO("segment " << s.file_name);
    CHECK(s.index == i);
    CHECK(s.closed_by == (i + 1 == segments.size() ? record::close_reason::stop : record::close_reason::rollover));
    const fs::path file = fs::path(cam.segments) / s.file_name;
    REQUIRE(fs::exists(file));
    CHECK(fs::file_size(file) == s.byte_length);
    CHECK(hash_range(file, 0, s.byte_length) == s.file_sha256);
    // The ledger's fragment rows: contiguous, each hash matches the bytes, and their Merkle root is the record's.
    auto fragments = l.fragments(s.file_name).value();
    CHECK(fragments.size() == s.fragment_count);
    std::vector<crypto::sha256_digest> leaves;
    for (const auto& f : fragments) {
      CHECK(hash_range(file, f.byte_offset, f.byte_length) == f.sha256);
      leaves.push_back(f.sha256);
    }
    CHECK(crypto::merkle_root(leaves) == s.fragment_root);
    CHECK(l.file(s.file_name).value().state == ledger::file_state::sealed);
    // An outside check: ffprobe decodes every frame without an error.
    auto probe = run_process({"ffprobe", "-v", "error", "-count_frames", "-show_entries", "stream=nb_read_frames",
                              "-of", "csv=p=0", file.string()});
    CHECK(probe.exit_code == 0);
    CHECK(probe.err.empty());
  }

  SECTION("a restart records the clean shutdown and a new boot") {
    auto again = cam.start_daemon("recorder-2");
    REQUIRE(wait_for_socket(cam.socket, std::chrono::seconds(30)));
    again->signal(SIGTERM);
    REQUIRE(again->wait(std::chrono::seconds(30)) == 0);
    const auto after = cam.records();
    const record::signed_record* second_boot = nullptr;
    for (const auto& r : after)
      if (r.body.kind() == record::record_kind::boot && r.body.boot_counter == 2) second_boot = &r;
    REQUIRE(second_boot != nullptr);
    CHECK(std::get<record::boot_payload>(second_boot->body.body).previous_shutdown == record::shutdown_kind::clean);
    CHECK(cam.verify().result == chain::verdict::authentic);
  }
}

TEST_CASE("bodycam-recorder refuses bad setup with a clear message", "[e2e]") {
  test_camera cam(5);
  SECTION("a key that belongs to another device") {
    replace_in_file(cam.config_path, "id = \"cam-test\"", "id = \"cam-other\"");
    auto r = run_process({built_program("bodycam-recorder"), "--config", cam.config_path}, std::chrono::seconds(30));
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("belongs to 'cam-test'") != std::string::npos);
  }
  SECTION("an unknown encoder") {
    replace_in_file(cam.config_path, "[encoder]\n", "[encoder]\nname = \"no_such_encoder\"\n");
    auto r = run_process({built_program("bodycam-recorder"), "--config", cam.config_path}, std::chrono::seconds(30));
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("no_such_encoder") != std::string::npos);
    // The failed start is itself on the record.
    CHECK(cam.verify().result == chain::verdict::authentic_with_gaps);
  }
  SECTION("a device key the group or others may read: refused before anything is recorded") {
    for (const unsigned loose : {0640U, 0604U}) {
      REQUIRE(::chmod(cam.key_path.c_str(), loose) == 0);
      auto r = run_process({built_program("bodycam-recorder"), "--config", cam.config_path}, std::chrono::seconds(30));
      INFO(r.err);
      CHECK(r.exit_code == 2);
      CHECK(r.err.find(cam.key_path) != std::string::npos);
      CHECK(r.err.find(loose == 0640U ? "mode 0640" : "mode 0604") != std::string::npos);
      CHECK(r.err.find("chmod 600") != std::string::npos);
    }
    CHECK_FALSE(std::filesystem::exists(cam.ledger_path));  // refused before the ledger was opened
  }
  SECTION("a missing config file") {
    auto r = run_process({built_program("bodycam-recorder"), "--config", cam.dir / "nope.toml"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("nope.toml") != std::string::npos);
  }
}

}  // namespace recorder_test

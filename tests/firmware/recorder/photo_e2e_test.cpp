// Photos and the session roster end to end through bodycam-recorder's control socket: photos while idle are
// refused; while recording each is a JPEG file in the recording folder sealed by a signed `photo` record
// (length and SHA-256 match the bytes, a ledger file row of kind photo) and the recording loses nothing (no
// interruption in the session). A recorder killed mid-session with two officers present, an action and a
// case comes back with all of them in its status and its OSD line, rebuilt from the ledger.
#include "common/record/record.hpp"
#include "tests/firmware/recorder/recorder_test_support.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <csignal>
#include <fstream>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace photo_e2e_test {

using namespace bodycam::common;
using namespace bodycam::tests;
using json = nlohmann::json;

namespace {

json ask(const test_camera& cam, const std::string& line) { return json::parse(cam.request(line)); }

core::byte_buffer read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return core::byte_buffer(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

TEST_CASE("photos while recording: JPEG files sealed by signed photo records, the recording loses nothing",
          "[e2e]") {
  test_camera cam(2);
  auto daemon = cam.start_daemon("recorder");
  REQUIRE(wait_for_socket(cam.socket, std::chrono::seconds(30)));
  INFO(daemon->log());

  auto r = ask(cam, R"({"cmd":"photo"})");
  REQUIRE(r.at("ok") == false);
  CHECK(r.at("error").at("code") == "conflict");
  CHECK(r.at("error").at("message").get<std::string>().find("only while recording; the recorder is idle") !=
        std::string::npos);

  const auto started = ask(cam, R"({"cmd":"start"})");
  REQUIRE(started.at("ok") == true);
  const std::string session = started.at("session");
  REQUIRE(wait_for_state(cam, "recording", std::chrono::seconds(20)).at("state") == "recording");
  constexpr int photos = 4;
  for (int i = 0; i < photos; ++i) {
    r = ask(cam, R"({"cmd":"photo"})");
    INFO(r.dump());
    REQUIRE(r.at("ok") == true);
    CHECK(r.at("note").get<std::string>().starts_with("photo " + session + "-photo-b1-"));
    CHECK(r.at("state") == "recording");
  }
  // The recording went on: at least one more segment after the photos.
  const auto segment_then = ask(cam, R"({"cmd":"status"})").at("segment").get<int>();
  REQUIRE(wait_for(cam, [&](const json& s) { return s.at("segment").is_number() && s.at("segment").get<int>() > segment_then; },
                   std::chrono::seconds(30))
              .at("segment")
              .get<int>() > segment_then);
  REQUIRE(ask(cam, R"({"cmd":"stop","reason":"officer_end"})").at("ok") == true);
  daemon->signal(SIGTERM);
  REQUIRE(daemon->wait(std::chrono::seconds(30)) == 0);

  CHECK(cam.verify().result == chain::verdict::authentic);
  std::vector<record::photo_payload> taken;
  int interruptions = 0;
  for (const auto& rec : cam.records()) {
    if (const auto* p = std::get_if<record::photo_payload>(&rec.body.body); p && p->session.to_hex() == session)
      taken.push_back(*p);
    if (std::holds_alternative<record::interruption_payload>(rec.body.body)) ++interruptions;
  }
  CHECK(interruptions == 0);  // no back-pressure, source gap or lost packet while the photos were taken
  REQUIRE(taken.size() == photos);
  auto ledger = cam.open_ledger();
  for (std::size_t k = 0; k < taken.size(); ++k) {
    const auto& p = taken[k];
    INFO(p.file_name);
    const auto bytes = read_bytes(std::filesystem::path(cam.segments) / p.file_name);
    REQUIRE(bytes.size() == p.byte_length);
    CHECK(crypto::sha256(bytes) == p.file_sha256);
    CHECK(bytes[0] == 0xff);
    CHECK(bytes[1] == 0xd8);
    CHECK(p.width == 320);
    CHECK(p.height == 240);
    CHECK(p.time_base_den == 10);
    if (k > 0) CHECK(p.pts > taken[k - 1].pts);
    const auto row = ledger.file(p.file_name);
    REQUIRE(row.has_value());
    CHECK(row->kind == ledger::file_kind::photo);
    CHECK(row->state == ledger::file_state::sealed);
    CHECK(row->seal->sha256 == p.file_sha256);
  }
}

TEST_CASE("killed mid-session with two officers, an action and a case: the resumed session shows them all",
          "[e2e]") {
  test_camera cam(2);
  std::string session;
  {
    auto daemon = cam.start_daemon("recorder-1");
    REQUIRE(wait_for_socket(cam.socket, std::chrono::seconds(30)));
    INFO(daemon->log());
    const auto started = ask(cam, R"({"cmd":"start"})");
    REQUIRE(started.at("ok") == true);
    session = started.at("session");
    REQUIRE(wait_for_state(cam, "recording", std::chrono::seconds(20)).at("state") == "recording");
    REQUIRE(ask(cam, R"({"cmd":"action","type":"seizure","case":"CASE-2026-0042"})").at("ok") == true);
    REQUIRE(ask(cam, R"({"cmd":"officer","change":"join","officer":"officer-9"})").at("ok") == true);
    REQUIRE(ask(cam, R"({"cmd":"officer","change":"join","officer":"officer-11"})").at("ok") == true);
    REQUIRE(ask(cam, R"({"cmd":"officer","change":"leave","officer":"officer-11"})").at("ok") == true);
    REQUIRE(ask(cam, R"({"cmd":"officer","change":"join","officer":"officer-12"})").at("ok") == true);
    const auto before = ask(cam, R"({"cmd":"status"})");
    CHECK(before.at("osd") == "ACT seizure  CASE CASE-2026-0042  OFC 3: officer-7 officer-9 +1");
    daemon->signal(SIGKILL);
    (void)daemon->wait(std::chrono::seconds(10));
  }
  auto daemon = cam.start_daemon("recorder-2");
  REQUIRE(wait_for_socket(cam.socket, std::chrono::seconds(30)));
  INFO(daemon->log());
  const auto status =
      wait_for(cam, [](const json& s) { return s.at("state") == "recording" || s.at("state") == "annotating_resume"; },
               std::chrono::seconds(30));
  REQUIRE(status.at("session") == session);
  CHECK(status.at("action") == "seizure");
  CHECK(status.at("case") == "CASE-2026-0042");
  CHECK(status.at("officers") == 3);
  CHECK(status.at("officer_ids") == json::array({"officer-7", "officer-9", "officer-12"}));
  // 68 characters fit at 1280x720: the third officer is counted, not dropped.
  CHECK(status.at("osd") == "ACT seizure  CASE CASE-2026-0042  OFC 3: officer-7 officer-9 +1");
  // The restored roster is the one in force: officer-11 left and may join again, officer-9 may not.
  CHECK(ask(cam, R"({"cmd":"officer","change":"join","officer":"officer-9"})").at("ok") == false);
  CHECK(ask(cam, R"({"cmd":"officer","change":"leave","officer":"officer-9"})").at("ok") == true);
  CHECK(ask(cam, R"({"cmd":"photo"})").at("ok") == true);
  daemon->signal(SIGTERM);
  REQUIRE(daemon->wait(std::chrono::seconds(30)) == 0);
  CHECK(cam.verify().result != chain::verdict::not_authentic);
}

// Storage below the reserve while recording: the photo is refused to the caller (no_space, naming the reserve)
// and through the feedback port, no file and no `photo` record appear, and the recording goes on — the
// battery/storage poll is set to its longest (600 s) so the automatic storage_full stop does not come first.
TEST_CASE("a photo while storage is full: refused below the reserve, reported, the recording goes on, nothing lost",
          "[fault]") {
  test_camera cam(1);
  {
    std::ifstream in(cam.config_path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto at = text.find("poll_seconds = 1\n");
    REQUIRE(at != std::string::npos);
    text.replace(at, 17, "poll_seconds = 600\n");
    std::ofstream(cam.config_path, std::ios::trunc) << text;
  }
  small_disk disk(cam.segments, "40m");
  REQUIRE(disk.error().empty());  // the test needs a filesystem it can fill (root: mount tmpfs)
  auto daemon = cam.start_daemon("recorder");
  REQUIRE(wait_for_socket(cam.socket, std::chrono::seconds(30)));
  INFO(daemon->log());
  const auto started = ask(cam, R"({"cmd":"start"})");
  REQUIRE(started.at("ok") == true);
  const std::string session = started.at("session");
  REQUIRE(wait_for_state(cam, "recording", std::chrono::seconds(20)).at("state") == "recording");
  REQUIRE(ask(cam, R"({"cmd":"photo"})").at("ok") == true);  // with room, a photo is taken
  // The session's first storage check (right after the start) has passed once a segment is sealed; the
  // next is 600 s away.
  REQUIRE(wait_for(cam, [](const json& s) { return s.at("segment").is_number() && s.at("segment").get<int>() >= 1; },
                   std::chrono::seconds(30))
              .at("state") == "recording");

  // Fill the disk to 8 MB free, below the 16 MB reserve.
  const std::filesystem::path filler = std::filesystem::path(cam.segments) / "filler.bin";
  {
    const auto space = std::filesystem::space(cam.segments);
    REQUIRE(space.available > 8u * 1024 * 1024);
    std::ofstream out(filler, std::ios::binary);
    const std::vector<char> block(1 << 20, 'x');
    for (std::uintmax_t left = space.available - 8u * 1024 * 1024; left > 0;) {
      const auto n = std::min<std::uintmax_t>(left, block.size());
      out.write(block.data(), static_cast<std::streamsize>(n));
      left -= n;
    }
  }
  REQUIRE(std::filesystem::space(cam.segments).available < 16u * 1024 * 1024);
  const auto segment_then = ask(cam, R"({"cmd":"status"})").at("segment").get<int>();
  constexpr int refused = 2;
  for (int i = 0; i < refused; ++i) {
    const auto r = ask(cam, R"({"cmd":"photo"})");
    INFO(r.dump());
    REQUIRE(r.at("ok") == false);
    CHECK(r.at("error").at("code") == "no_space");
    const auto message = r.at("error").at("message").get<std::string>();
    CHECK(message.find("photo refused: storage full") != std::string::npos);
    CHECK(message.find("16777216-byte reserve") != std::string::npos);
    CHECK(message.find("recording goes on") != std::string::npos);
  }
  const auto after = ask(cam, R"({"cmd":"status"})");
  INFO(after.dump());
  CHECK(after.at("state") == "recording");
  CHECK(after.at("note").get<std::string>().find("photo refused: storage full") != std::string::npos);
  CHECK(cam.feedback_log().find("photo refused: storage full") != std::string::npos);
  // The recording goes on: another segment is sealed after the refusals.
  REQUIRE(wait_for(cam, [&](const json& s) { return s.at("segment").is_number() && s.at("segment").get<int>() > segment_then; },
                   std::chrono::seconds(30))
              .at("segment")
              .get<int>() > segment_then);
  REQUIRE(ask(cam, R"({"cmd":"stop","reason":"officer_end"})").at("ok") == true);
  REQUIRE(wait_for_state(cam, "idle", std::chrono::seconds(20)).at("state") == "idle");
  daemon->signal(SIGTERM);
  REQUIRE(daemon->wait(std::chrono::seconds(30)) == 0);

  CHECK(cam.verify().problem_count() == 0);
  int photos = 0, interruptions = 0;
  std::optional<record::stop_reason> stopped;
  for (const auto& rec : cam.records()) {
    if (std::holds_alternative<record::photo_payload>(rec.body.body)) ++photos;
    if (std::holds_alternative<record::interruption_payload>(rec.body.body)) ++interruptions;
    if (const auto* s = std::get_if<record::session_stop_payload>(&rec.body.body); s && s->session.to_hex() == session)
      stopped = s->reason;
  }
  CHECK(photos == 1);         // only the photo taken with room; the refused ones wrote no record
  CHECK(interruptions == 0);  // nothing of the footage was lost
  REQUIRE(stopped.has_value());
  CHECK(*stopped == record::stop_reason::officer_end);
  int jpeg_files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(cam.segments))
    if (entry.path().extension() == ".jpg") ++jpeg_files;
  CHECK(jpeg_files == 1);
}

}  // namespace photo_e2e_test

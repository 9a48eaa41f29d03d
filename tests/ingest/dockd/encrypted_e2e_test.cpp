// End to end with encryption on 127.0.0.1, real processes: the agency makes a footage key (`bodycam agency
// footage-key new`), a bodycam-recorder configured with its public key records a short session with a start
// statement, bodycam-dockd pulls, verifies (ciphertext hashes and fragment roots, no key) and stores it, and
// `bodycam decrypt` with the agency key turns each stored object back into a file whose SHA-256 is the
// record's plaintext hash and which ffprobe plays. Also what a thief with the camera's storage gets: no file
// ffprobe reads, bytes of near 8 bits/byte.
#include "common/crypto/footage_key_file.hpp"
#include "common/crypto/key_file.hpp"
#include "common/record/record.hpp"
#include "common/store/directory_backend.hpp"
#include "tests/support/daemon.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <array>
#include <cmath>
#include <csignal>
#include <fstream>
#include <thread>

using namespace bodycam;
using namespace bodycam::common;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

double entropy_bits_per_byte(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::array<std::uint64_t, 256> counts{};
  std::uint64_t total = 0;
  for (int c = in.get(); c != EOF; c = in.get(), ++total) ++counts[static_cast<std::size_t>(c)];
  double h = 0;
  for (const auto n : counts)
    if (n > 0) h -= static_cast<double>(n) / static_cast<double>(total) * std::log2(static_cast<double>(n) / static_cast<double>(total));
  return h;
}

std::string sha256sum(const fs::path& file) { return tests::run_shell("sha256sum '" + file.string() + "'").out.substr(0, 64); }

// ffprobe's count of decoded frames of the first stream of `type`, or -1 if it cannot read the file.
long decoded_frames(const fs::path& file, const std::string& type) {
  const auto r = tests::run_process({"ffprobe", "-v", "error", "-count_frames", "-select_streams", type == "video" ? "v:0" : "a:0",
                                     "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", file.string()});
  if (r.exit_code != 0 || r.out.empty()) return -1;
  try {
    return std::stol(r.out);
  } catch (const std::exception&) {
    return -1;
  }
}

}  // namespace

TEST_CASE("encrypted camera -> dock -> store -> bodycam decrypt gives the record's plaintext, which plays", "[e2e]") {
  tests::temp_dir root("bodycam-encrypted-e2e");
  const fs::path r = root.path();
  // The agency's footage key.
  std::ofstream(r / "pass") << "an agency passphrase for the test\n";
  fs::permissions(r / "pass", fs::perms::owner_read | fs::perms::owner_write);
  auto made = tests::run_bodycam({"agency", "footage-key", "new", "--out", (r / "keys").string(), "--label", "agency",
                                  "--passphrase-file", (r / "pass").string()});
  INFO(made.out << made.err);
  REQUIRE(made.exit_code == 0);
  fs::path sealed, pub;
  for (const auto& e : fs::directory_iterator(r / "keys")) (e.path().extension() == ".sealed" ? sealed : pub) = e.path();
  REQUIRE(fs::exists(sealed));
  REQUIRE(fs::exists(pub));

  // The statement the camera's "microphone" plays: 2 s of tone.
  const auto tone = tests::run_process({"ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=2",
                                        "-ar", "16000", "-ac", "1", (r / "statement.wav").string()});
  REQUIRE(tone.exit_code == 0);

  // The dock and the camera.
  fs::create_directories(r / "cameras");
  fs::create_directories(r / "cam" / "docks");
  auto dock_secret = crypto::secret_key::generate().value();
  REQUIRE(crypto::write_key_pair(r / "dock-1", "dock-1", dock_secret).has_value());
  REQUIRE(crypto::write_public_key(r / "cam" / "docks" / "dock-1.pub", {"dock-1", dock_secret.public_key()}).has_value());
  auto cam_secret = crypto::secret_key::generate().value();
  REQUIRE(crypto::write_key_pair(r / "cam" / "cam-e", "cam-e", cam_secret).has_value());
  REQUIRE(crypto::write_public_key(r / "cameras" / "cam-e.pub", {"cam-e", cam_secret.public_key()}).has_value());
  const auto port = static_cast<std::uint16_t>(35000 + (::getpid() % 5000));
  const std::string socket = (r / "cam" / "recorder.sock").string();
  const fs::path segments = r / "cam" / "segments";
  std::ofstream(r / "cam" / "recorder.toml")
      << "[device]\nid = \"cam-e\"\nofficer_id = \"officer-1\"\nkey_file = \"" << (r / "cam" / "cam-e.key").string()
      << "\"\nledger = \"" << (r / "cam" / "ledger.db").string() << "\"\nrecording_dir = \"" << segments.string() << "\"\n"
      << "[source]\nkind = \"synthetic\"\n[encoder]\nwidth = 320\nheight = 240\nfps = 10\nvideo_bitrate_kbps = 300\n"
      << "gop_seconds = 1\n[segment]\nduration_seconds = 1\n[pre_event]\nseconds = 0\n[osd]\nenabled = false\n"
      << "[annotation]\nkind = \"file\"\nfile_path = \"" << (r / "statement.wav").string() << "\"\nmax_seconds = 2\n"
      << "[control]\nsocket_path = \"" << socket << "\"\n"
      << "[offload]\nenabled = true\nlisten_address = \"127.0.0.1\"\nlisten_port = " << port
      << "\ntrusted_docks_dir = \"" << (r / "cam" / "docks").string() << "\"\ntimeout_seconds = 10\n"
      << "[footage]\npublic_key_file = \"" << pub.string() << "\"\n";
  std::ofstream(r / "dockd.toml")
      << "[dock]\nid = \"dock-1\"\nkey_file = \"dock-1.key\"\nstore_dir = \"store\"\ntrusted_cameras_dir = \"cameras\"\n"
      << "state_db = \"state/dock.db\"\npoll_interval_seconds = 1\ntimeout_seconds = 10\n"
      << "[[camera]]\naddress = \"127.0.0.1:" << port << "\"\n";

  auto recorder = std::make_unique<tests::background_process>(
      std::vector<std::string>{tests::built_program("bodycam-recorder"), "--config", (r / "cam" / "recorder.toml").string()},
      (r / "recorder").string());
  if (!tests::wait_for_socket(socket, 30s)) FAIL("recorder did not start: " << recorder->log());
  auto started = nlohmann::json::parse(tests::control_request(socket, R"({"cmd":"start","trigger":"button"})"));
  REQUIRE(started["ok"] == true);
  std::this_thread::sleep_for(3500ms);
  auto stopped = nlohmann::json::parse(tests::control_request(socket, R"({"cmd":"stop","reason":"officer_end"})"));
  INFO(stopped.dump());
  REQUIRE(stopped["ok"] == true);

  // The camera records on while it takes the stop statement: wait until the session is closed (state idle, the
  // last segment and the statement sealed and recorded), so the dock's one pass takes the whole session.
  std::string state;
  for (int i = 0; i < 150; ++i) {
    state = nlohmann::json::parse(tests::control_request(socket, R"({"cmd":"status"})"))["state"].get<std::string>();
    if (state == "idle") break;
    std::this_thread::sleep_for(100ms);
  }
  REQUIRE(state == "idle");
  auto has_partial = [&] {
    std::error_code e;
    for (const auto& f : fs::directory_iterator(segments, e))
      if (f.path().extension() == ".partial") return true;
    return false;
  };
  for (int i = 0; i < 150 && has_partial(); ++i) std::this_thread::sleep_for(100ms);
  REQUIRE_FALSE(has_partial());

  // A stolen camera: nothing on its recording storage is an MP4 or WAV anyone can read.
  std::size_t stolen = 0;
  for (const auto& e : fs::directory_iterator(segments)) {
    INFO(e.path().filename().string());
    CHECK(decoded_frames(e.path(), "video") <= 0);
    CHECK(decoded_frames(e.path(), "audio") <= 0);
    CHECK(entropy_bits_per_byte(e.path()) > 7.8);
    ++stolen;
  }
  CHECK(stolen >= 3);

  auto docked = tests::run_process({tests::built_program("bodycam-dockd"), "--config", (r / "dockd.toml").string(), "--once"},
                                   std::chrono::seconds(120));
  INFO(docked.err);
  REQUIRE(docked.exit_code == 0);
  recorder->signal(SIGTERM);
  CHECK(recorder->wait(30s) == 0);
  std::error_code ec;
  CHECK(fs::is_empty(r / "state" / "quarantine", ec));  // the dock verified every file on its ciphertext

  auto store = store::open_directory_store(r / "store", false);
  REQUIRE(store.has_value());
  const auto device = *record::device_id::parse("cam-e");
  auto seqs = store->list_record_seqs(device);
  REQUIRE(seqs.has_value());
  std::size_t segments_decrypted = 0, statements_decrypted = 0;
  for (const auto seq : *seqs) {
    auto rec = record::parse_signed_record(*store->get_record(device, seq));
    REQUIRE(rec.has_value());
    const record::footage_plaintext* plaintext = nullptr;
    crypto::sha256_digest object;
    bool is_segment = false;
    bool rollover = false;
    if (const auto* s = std::get_if<record::segment_payload>(&rec->body.body)) {
      REQUIRE(s->encrypted.has_value());
      plaintext = &*s->encrypted;
      object = s->file_sha256;
      is_segment = true;
      rollover = s->closed_by == record::close_reason::rollover;
    } else if (const auto* a = std::get_if<record::annotation_payload>(&rec->body.body);
               a && a->status != record::annotation_status::missing) {
      REQUIRE(a->encrypted.has_value());
      plaintext = &*a->encrypted;
      object = a->file_sha256;
    } else {
      continue;
    }
    const fs::path stored = r / "store" / "objects" / "sha256" / object.to_hex();  // addressed by the ciphertext
    REQUIRE(fs::exists(stored));
    CHECK(sha256sum(stored) == object.to_hex());
    const fs::path out = r / ("plain-" + std::to_string(seq));
    auto dec = tests::run_bodycam({"decrypt", stored.string(), "--footage-key", sealed.string(), "--passphrase-file",
                                   (r / "pass").string(), "--out", out.string()});
    INFO("record " << seq << ": " << dec.out << dec.err);
    REQUIRE(dec.exit_code == 0);
    CHECK(fs::file_size(out) == plaintext->byte_length);
    CHECK(sha256sum(out) == plaintext->sha256.to_hex());
    if (is_segment) {
      const long frames = decoded_frames(out, "video");
      CHECK(frames > 0);
      if (rollover) CHECK(frames == 10);  // a full 1 s segment at 10 fps
      ++segments_decrypted;
    } else {
      CHECK(decoded_frames(out, "audio") > 0);
      ++statements_decrypted;
    }
  }
  CHECK(segments_decrypted >= 3);
  CHECK(statements_decrypted >= 1);
}

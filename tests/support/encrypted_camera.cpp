// The encrypting camera and its dock for end-to-end tests (encrypted_camera.hpp).
#include "tests/support/encrypted_camera.hpp"

#include "common/crypto/key_file.hpp"
#include "tests/support/loopback_port.hpp"

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <csignal>
#include <fstream>
#include <stdexcept>
#include <thread>

namespace bodycam::tests {

namespace fs = std::filesystem;
namespace crypto = common::crypto;
using namespace std::chrono_literals;

namespace {

void require(bool ok, const std::string& what) {
  if (!ok) throw std::runtime_error("encrypted camera: " + what);
}

}  // namespace

encrypted_camera::encrypted_camera(const fs::path& root, int segment_seconds) : root_(root), socket_((root / "cam" / "recorder.sock").string()) {
  const fs::path& r = root_;
  std::ofstream(r / "pass") << "an agency passphrase for the test\n";
  fs::permissions(r / "pass", fs::perms::owner_read | fs::perms::owner_write);
  auto made = run_bodycam({"agency", "footage-key", "new", "--out", (r / "keys").string(), "--label", "agency",
                           "--passphrase-file", (r / "pass").string()});
  require(made.exit_code == 0, "bodycam agency footage-key new: " + made.out + made.err);
  for (const auto& e : fs::directory_iterator(r / "keys")) (e.path().extension() == ".sealed" ? sealed_ : public_) = e.path();
  require(fs::exists(sealed_) && fs::exists(public_), "no sealed and public footage key in " + (r / "keys").string());

  const auto tone = run_process({"ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=2", "-ar",
                                 "16000", "-ac", "1", (r / "statement.wav").string()});
  require(tone.exit_code == 0, "ffmpeg statement: " + tone.err);

  fs::create_directories(r / "cameras");
  fs::create_directories(r / "cam" / "docks");
  auto dock_secret = crypto::secret_key::generate().value();
  require(crypto::write_key_pair(r / "dock-1", "dock-1", dock_secret).has_value(), "dock key");
  require(crypto::write_public_key(r / "cam" / "docks" / "dock-1.pub", {"dock-1", dock_secret.public_key()}).has_value(),
          "dock public key");
  auto cam_secret = crypto::secret_key::generate().value();
  require(crypto::write_key_pair(r / "cam" / "cam-e", "cam-e", cam_secret).has_value(), "camera key");
  require(crypto::write_public_key(r / "cameras" / "cam-e.pub", {"cam-e", cam_secret.public_key()}).has_value(),
          "camera public key");
  const auto port = daemon_loopback_port(15);  // the block's last: dock_fixture's cameras count from 0
  std::ofstream(r / "cam" / "recorder.toml")
      << "[device]\nid = \"cam-e\"\nofficer_id = \"officer-1\"\nkey_file = \"" << (r / "cam" / "cam-e.key").string()
      << "\"\nledger = \"" << (r / "cam" / "ledger.db").string() << "\"\nrecording_dir = \"" << segments_dir().string()
      << "\"\n"
      << "[source]\nkind = \"synthetic\"\n[encoder]\nwidth = 320\nheight = 240\nfps = 10\nvideo_bitrate_kbps = 300\n"
      << "gop_seconds = 1\n[segment]\nduration_seconds = " << segment_seconds << "\n[pre_event]\nseconds = 0\n[osd]\nenabled = false\n"
      << "[annotation]\nkind = \"file\"\nfile_path = \"" << (r / "statement.wav").string() << "\"\nmax_seconds = 2\n"
      << "[control]\nsocket_path = \"" << socket_ << "\"\n"
      << "[offload]\nenabled = true\nlisten_address = \"127.0.0.1\"\nlisten_port = " << port
      << "\ntrusted_docks_dir = \"" << (r / "cam" / "docks").string() << "\"\ntimeout_seconds = 10\n"
      << "[footage]\npublic_key_file = \"" << public_.string() << "\"\n";
  std::ofstream(r / "dockd.toml")
      << "[dock]\nid = \"dock-1\"\nkey_file = \"dock-1.key\"\nstore_dir = \"store\"\ntrusted_cameras_dir = \"cameras\"\n"
      << "state_db = \"state/dock.db\"\npoll_interval_seconds = 1\ntimeout_seconds = 10\n"
      << "[[camera]]\naddress = \"127.0.0.1:" << port << "\"\n";
}

encrypted_camera::~encrypted_camera() = default;

void encrypted_camera::start_recorder() {
  recorder_ = std::make_unique<background_process>(
      std::vector<std::string>{built_program("bodycam-recorder"), "--config", (root_ / "cam" / "recorder.toml").string()},
      (root_ / "recorder").string());
  require(wait_for_socket(socket_, 30s), "the recorder did not start: " + recorder_->log());
}

void encrypted_camera::record_session(std::chrono::milliseconds length) {
  start_session();
  std::this_thread::sleep_for(length);
  stop_session();
}

std::string encrypted_camera::record_session_with_photo(std::chrono::milliseconds length) {
  start_session();
  std::this_thread::sleep_for(length / 2);
  std::string name = take_photo();
  std::this_thread::sleep_for(length - length / 2);
  stop_session();
  return name;
}

std::string encrypted_camera::take_photo() {
  auto taken = nlohmann::json::parse(control_request(socket_, R"({"cmd":"photo"})"), nullptr, false);
  require(!taken.is_discarded() && taken.value("ok", false), "photo: " + taken.dump());
  // The note is "photo <file name> (<width>x<height>, <bytes> bytes)".
  const std::string note = taken.value("note", "");
  require(note.starts_with("photo ") && note.find(' ', 6) != std::string::npos, "photo: unexpected note " + note);
  return note.substr(6, note.find(' ', 6) - 6);
}

void encrypted_camera::start_session() {
  auto started = nlohmann::json::parse(control_request(socket_, R"({"cmd":"start","trigger":"button"})"), nullptr, false);
  require(!started.is_discarded() && started.value("ok", false), "start: " + started.dump());
}

void encrypted_camera::stop_session() {
  auto stopped = nlohmann::json::parse(control_request(socket_, R"({"cmd":"stop","reason":"officer_end"})"), nullptr, false);
  require(!stopped.is_discarded() && stopped.value("ok", false), "stop: " + stopped.dump());
  // The camera records on while it takes the stop statement: the session is closed when the state is idle.
  std::string state;
  for (int i = 0; i < 150 && state != "idle"; ++i) {
    auto status = nlohmann::json::parse(control_request(socket_, R"({"cmd":"status"})"), nullptr, false);
    state = status.is_discarded() ? "" : status.value("state", "");
    if (state != "idle") std::this_thread::sleep_for(100ms);
  }
  require(state == "idle", "the session did not close (state " + state + ")");
  auto has_partial = [&] {
    std::error_code e;
    for (const auto& f : fs::directory_iterator(segments_dir(), e))
      if (f.path().extension() == ".partial") return true;
    return false;
  };
  for (int i = 0; i < 150 && has_partial(); ++i) std::this_thread::sleep_for(100ms);
  require(!has_partial(), "a .partial segment is left after the session closed");
}

process_result encrypted_camera::dock_once() {
  return run_process({built_program("bodycam-dockd"), "--config", (root_ / "dockd.toml").string(), "--once"},
                     std::chrono::seconds(120));
}

int encrypted_camera::stop_recorder() {
  if (!recorder_) return -1;
  recorder_->signal(SIGTERM);
  return recorder_->wait(30s);
}

int encrypted_camera::kill_recorder() {
  if (!recorder_) return -1;
  recorder_->signal(SIGKILL);
  return recorder_->wait(30s);
}

std::string encrypted_camera::recorder_log() const { return recorder_ ? recorder_->log() : std::string(); }

}  // namespace bodycam::tests

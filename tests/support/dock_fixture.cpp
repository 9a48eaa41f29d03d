// Cameras and docks for end-to-end tests (dock_fixture.hpp).
#include "tests/support/dock_fixture.hpp"

#include "common/receipt/receipt.hpp"
#include "tests/support/loopback_port.hpp"
#include "tests/support/process.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <csignal>
#include <unistd.h>

#include <fstream>
#include <thread>

namespace bodycam::tests {

using namespace bodycam::common;
namespace fs = std::filesystem;

camera_process::camera_process(const fs::path& root, int index, const std::vector<crypto::labelled_public_key>& docks) {
  device = "cam-" + std::to_string(index + 1);
  dir = root / device;
  fs::create_directories(dir / "docks");
  fs::create_directories(root / "cameras");
  auto secret = crypto::secret_key::generate().value();
  key = secret.public_key();
  REQUIRE(crypto::write_key_pair(dir / device, device, secret).has_value());
  for (const auto& dock : docks)
    REQUIRE(crypto::write_public_key(dir / "docks" / (dock.label + ".pub"), dock).has_value());
  REQUIRE(crypto::write_public_key(root / "cameras" / (device + ".pub"), {device, key}).has_value());
  port = daemon_loopback_port(static_cast<unsigned>(index));
  socket = (dir / "recorder.sock").string();
  std::ofstream(dir / "recorder.toml")
      << "[device]\nid = \"" << device << "\"\nofficer_id = \"officer-" << index << "\"\nkey_file = \""
      << (dir / (device + ".key")).string() << "\"\nledger = \"" << (dir / "ledger.db").string()
      << "\"\nrecording_dir = \"" << (dir / "segments").string() << "\"\n"
      << "[source]\nkind = \"synthetic\"\n[encoder]\nwidth = 320\nheight = 240\nfps = 10\nvideo_bitrate_kbps = 300\n"
      << "gop_seconds = 1\n[segment]\nduration_seconds = 1\n[pre_event]\nseconds = 0\n[osd]\nenabled = false\n"
      << "[annotation]\nkind = \"none\"\n[control]\nsocket_path = \"" << socket << "\"\n"
      << "[offload]\nenabled = true\nlisten_address = \"127.0.0.1\"\nlisten_port = " << port
      << "\ntrusted_docks_dir = \"" << (dir / "docks").string() << "\"\ntimeout_seconds = 10\n";
}

void camera_process::start() {
  process = std::make_unique<background_process>(
      std::vector<std::string>{built_program("bodycam-recorder"), "--config", (dir / "recorder.toml").string()},
      (dir / ("recorder-" + std::to_string(++starts) + ".log")).string());
  if (!wait_for_socket(socket, std::chrono::seconds(30))) FAIL("recorder did not start: " << process->log());
}

std::string camera_process::request(const std::string& line) const { return control_request(socket, line); }

void camera_process::record_for(std::chrono::milliseconds d) {
  auto started = nlohmann::json::parse(request(R"({"cmd":"start","trigger":"button"})"));
  INFO(started.dump());
  REQUIRE(started["ok"] == true);
  std::this_thread::sleep_for(d);
  auto stopped = nlohmann::json::parse(request(R"({"cmd":"stop","reason":"officer_end"})"));
  INFO(stopped.dump());
  REQUIRE(stopped["ok"] == true);
}

void camera_process::stop() {
  if (!process) return;
  process->signal(SIGTERM);
  CHECK(process->wait(std::chrono::seconds(30)) == 0);
  process.reset();
}

void camera_process::kill() {
  if (!process) return;
  process->signal(SIGKILL);
  (void)process->wait(std::chrono::seconds(10));
  process.reset();
}

std::vector<core::byte_buffer> camera_process::records() const {
  ledger::open_options options;
  options.read_only = true;
  auto l = ledger::open(dir / "ledger.db", options);
  REQUIRE(l.has_value());
  std::vector<core::byte_buffer> out;
  REQUIRE(l->for_each_record(0, [&](const ledger::stored_record& r) -> core::status {
               out.push_back(r.bytes);
               return {};
             }).has_value());
  return out;
}

std::vector<ledger::file_entry> camera_process::files(ledger::file_state state) const {
  ledger::open_options options;
  options.read_only = true;
  auto l = ledger::open(dir / "ledger.db", options);
  REQUIRE(l.has_value());
  auto f = l->files_in_state(state);
  REQUIRE(f.has_value());
  return *f;
}

dock_setup::dock_setup(const fs::path& folder, std::string dock_id, fs::path cameras)
    : root(folder), id(std::move(dock_id)), cameras_dir(cameras.empty() ? folder / "cameras" : std::move(cameras)) {
  fs::create_directories(root);
  fs::create_directories(cameras_dir);
  auto secret = crypto::secret_key::generate().value();
  key = {id, secret.public_key()};
  REQUIRE(crypto::write_key_pair(root / id, id, secret).has_value());
}

void dock_setup::write_config(const std::vector<camera_process*>& cameras, const std::string& store_table) {
  std::ofstream out(root / "dockd.toml");
  out << "[dock]\nid = \"" << id << "\"\nkey_file = \"" << id << ".key\"\n"
      << (store_table.empty() ? "store_dir = \"store\"\n" : "") << "trusted_cameras_dir = \"" << cameras_dir.string()
      << "\"\nstate_db = \"state/dock.db\"\npoll_interval_seconds = 1\ntimeout_seconds = 10\n";
  for (const auto* c : cameras) out << "[[camera]]\naddress = \"127.0.0.1:" << c->port << "\"\n";
  out << store_table;
}

void dock_setup::write_config(const std::vector<std::unique_ptr<camera_process>>& cameras,
                              const std::string& store_table) {
  std::vector<camera_process*> plain;
  for (const auto& c : cameras) plain.push_back(c.get());
  write_config(plain, store_table);
}

std::vector<std::string> dock_setup::argv(bool once) const {
  std::vector<std::string> a{built_program("bodycam-dockd"), "--config", (root / "dockd.toml").string()};
  if (once) a.push_back("--once");
  return a;
}

std::uint64_t check_camera_against_store(const camera_process& cam, store::store& s) {
  const auto device = *record::device_id::parse(cam.device);
  const auto ledger_records = cam.records();
  auto seqs = s.list_record_seqs(device);
  REQUIRE(seqs.has_value());
  REQUIRE(seqs->size() <= ledger_records.size());
  // The dock puts records several at once, so a dock killed in the middle of them may leave some stored past one
  // that is not (yet): the next docking stores the missing ones. Every stored record is the camera's own, each
  // seq once, and no receipt reaches past the contiguous prefix (below).
  std::uint64_t contiguous = 0;
  while (contiguous < seqs->size() && (*seqs)[contiguous] == contiguous) ++contiguous;
  for (std::size_t i = 0; i < seqs->size(); ++i) {
    INFO(cam.device << " stored record " << (*seqs)[i] << " (" << contiguous << " contiguous)");
    if (i > 0) REQUIRE((*seqs)[i] > (*seqs)[i - 1]);
    REQUIRE((*seqs)[i] < ledger_records.size());
    CHECK(*s.get_record(device, (*seqs)[i]) == ledger_records[(*seqs)[i]]);
  }
  std::uint64_t receipted = 0;
  auto names = s.list_entries(store::entry_namespace::receipts);
  REQUIRE(names.has_value());
  for (const auto& name : *names) {
    if (!name.starts_with(cam.device + ".")) continue;
    auto r = receipt::parse(*s.get_entry(store::entry_namespace::receipts, name));
    REQUIRE(r.has_value());
    CHECK(receipt::verify_signature(*r));
    CHECK(r->body.end_seq <= contiguous);
    receipted = std::max(receipted, r->body.end_seq);
  }
  for (auto state : {ledger::file_state::stored, ledger::file_state::reclaimed}) {
    for (const auto& f : cam.files(state)) {
      INFO(cam.device << " file " << f.name);
      CHECK(*f.sealing_seq < receipted);
      auto h = s.rehash_object(f.seal->sha256);
      REQUIRE(h.has_value());
      CHECK(*h == f.seal->sha256);
    }
  }
  CHECK(cam.files(ledger::file_state::reclaimed).empty());  // nothing asked the cameras for space
  return contiguous;
}

}  // namespace bodycam::tests

#include "tests/firmware/recorder/recorder_test_support.hpp"

#include <sys/mount.h>

#include <cerrno>
#include <cstring>

#include "common/crypto/key_file.hpp"
#include "tests/support/files.hpp"

#include <fstream>
#include <stdexcept>

namespace bodycam::tests {

namespace fs = std::filesystem;
using namespace bodycam::common;

test_camera::test_camera(int segment_seconds, int pre_event_seconds) {
  key_path = dir / (device + ".key");
  ledger_path = dir / "ledger.db";
  segments = dir / "segments";
  socket = dir / "recorder.sock";
  config_path = dir / "recorder.toml";
  sysfs = dir / "sysfs";
  feedback = dir / "feedback.log";
  segment_seconds_ = segment_seconds;
  pre_event_seconds_ = pre_event_seconds;
  fs::create_directories(fs::path(sysfs) / "class/power_supply/BAT0");
  std::ofstream(fs::path(sysfs) / "class/power_supply/BAT0/type") << "Battery\n";
  set_battery("90");
  auto secret = crypto::secret_key::generate().value();
  key = secret.public_key();
  if (!crypto::write_key_pair(dir / device, device, secret)) throw std::runtime_error("test_camera: key");
  write_config();
}

void test_camera::write_config() const {
  std::ofstream(config_path) << "[device]\nid = \"" << device << "\"\nofficer_id = \"officer-7\"\nkey_file = \""
                             << key_path << "\"\nledger = \"" << ledger_path << "\"\nrecording_dir = \"" << segments
                             << "\"\n[source]\nkind = \"synthetic\"\n[encoder]\nwidth = 320\nheight = 240\n"
                             << "fps = 10\nvideo_bitrate_kbps = 300\ngop_seconds = 1\n[segment]\nduration_seconds = "
                             << segment_seconds_ << "\n[pre_event]\nseconds = " << pre_event_seconds_
                             << "\n[control]\nsocket_path = \"" << socket << "\"\n[checks]\nsysfs_root = \"" << sysfs
                             << "\"\nplanned_shift_minutes = 60\npoll_seconds = 1\nstorage_reserve_mb = 16\n"
                             << (resume_window_seconds_ < 0
                                     ? std::string()
                                     : "resume_window_seconds = " + std::to_string(resume_window_seconds_) + "\n")
                             << "[feedback]\nlog_file = \"" << feedback << "\"\n[annotation]\n"
                             << (statement_file.empty() ? "kind = \"none\"\n"
                                                        : "kind = \"file\"\nfile_path = \"" + statement_file +
                                                              "\"\nmax_seconds = 15\ntrailing_silence_ms = 1000\n");
}

void test_camera::move_ledger(const std::string& path) {
  ledger_path = path;
  write_config();
}

void test_camera::set_resume_window(int seconds) {
  resume_window_seconds_ = seconds;
  write_config();
}

void test_camera::use_statement_file(const std::string& wav) {
  statement_file = wav;
  write_config();
}

std::string test_camera::spoken_wav(const std::string& name, const std::string& words, const std::string& before,
                                    const std::string& after) const {
  const std::string speech = dir / ("speech-" + name), padded = dir / name;
  for (const auto& argv : {std::vector<std::string>{"espeak-ng", "-w", speech, words},
                           std::vector<std::string>{"sox", speech, padded, "pad", before, after}})
    if (const auto r = run_process(argv); r.exit_code != 0)
      throw std::runtime_error(argv[0] + " exited " + std::to_string(r.exit_code) + ": " + r.err);
  return padded;
}

void test_camera::set_battery(const std::string& capacity, const std::string& status) const {
  // Written in place (as the kernel's attribute changes), not renamed: the daemon reads it at any time.
  std::ofstream(fs::path(sysfs) / "class/power_supply/BAT0/capacity") << capacity << "\n";
  std::ofstream(fs::path(sysfs) / "class/power_supply/BAT0/status") << status << "\n";
}

std::string test_camera::feedback_log() const { return slurp(feedback); }

std::unique_ptr<background_process> test_camera::start_daemon(const std::string& log_name) {
  return std::make_unique<background_process>(
      std::vector<std::string>{built_program("bodycam-recorder"), "--config", config_path}, dir / log_name);
}

ledger::ledger test_camera::open_ledger() const {
  ledger::open_options options;
  options.read_only = true;
  auto l = ledger::open(ledger_path, options);
  if (!l) throw std::runtime_error("open ledger: " + l.error().context);
  return std::move(*l);
}

std::vector<record::signed_record> test_camera::records() const {
  auto l = open_ledger();
  std::vector<record::signed_record> out;
  auto read = l.for_each_record(0, [&](const ledger::stored_record& r) -> core::status {
    out.push_back(record::parse_signed_record(r.bytes).value());
    return {};
  });
  if (!read) throw std::runtime_error("read ledger " + ledger_path + ": " + read.error().context);
  return out;
}

chain::chain_report test_camera::verify() const {
  auto l = open_ledger();
  std::vector<chain::record_input> inputs;
  auto walked = l.for_each_record(0, [&](const ledger::stored_record& r) -> core::status {
    inputs.push_back({"ledger seq " + std::to_string(r.seq), r.seq, r.bytes});
    return {};
  });
  if (!walked) throw std::runtime_error(walked.error().context);
  return chain::verify_chain(inputs, {record::device_id::parse(device).value(), key, true, std::nullopt});
}

std::optional<crypto::sha256_digest> hash_range(const fs::path& file, std::uint64_t offset, std::uint64_t length) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  in.seekg(static_cast<std::streamoff>(offset));
  std::vector<char> buffer(length);
  in.read(buffer.data(), static_cast<std::streamsize>(length));
  if (static_cast<std::uint64_t>(in.gcount()) != length) return std::nullopt;
  return crypto::sha256(core::byte_view(reinterpret_cast<const std::uint8_t*>(buffer.data()), buffer.size()));
}

small_disk::small_disk(const std::filesystem::path& where, const std::string& size) : where_(where) {
  std::filesystem::create_directories(where);
  const std::string options = "size=" + size;
  if (::mount("tmpfs", where.c_str(), "tmpfs", 0, options.c_str()) != 0)
    error_ = std::string("mount tmpfs on ") + where.string() + ": " + std::strerror(errno);
}

small_disk::~small_disk() {
  if (error_.empty()) (void)::umount2(where_.c_str(), MNT_DETACH);
}

}  // namespace bodycam::tests

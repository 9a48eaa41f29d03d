#include "tests/firmware/recorder/recorder_test_support.hpp"

#include "common/crypto/key_file.hpp"

#include <fstream>

namespace bodycam::tests {

namespace fs = std::filesystem;
using namespace bodycam::common;

test_camera::test_camera(int segment_seconds, int pre_event_seconds) {
  key_path = dir / (device + ".key");
  ledger_path = dir / "ledger.db";
  segments = dir / "segments";
  socket = dir / "recorder.sock";
  config_path = dir / "recorder.toml";
  auto secret = crypto::secret_key::generate().value();
  key = secret.public_key();
  if (!crypto::write_key_pair(dir / device, device, secret)) throw std::runtime_error("test_camera: key");
  std::ofstream(config_path) << "[device]\nid = \"" << device << "\"\nofficer_id = \"officer-7\"\nkey_file = \""
                             << key_path << "\"\nledger = \"" << ledger_path << "\"\nrecording_dir = \"" << segments
                             << "\"\n[source]\nkind = \"synthetic\"\n[encoder]\nwidth = 320\nheight = 240\n"
                             << "fps = 10\nvideo_bitrate_kbps = 300\ngop_seconds = 1\n[segment]\nduration_seconds = "
                             << segment_seconds << "\n[pre_event]\nseconds = " << pre_event_seconds
                             << "\n[control]\nsocket_path = \"" << socket << "\"\n";
}

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

}  // namespace bodycam::tests

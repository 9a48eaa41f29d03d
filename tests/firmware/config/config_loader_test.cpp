// The config loader on real (small, temporary) files, and the shipped example config.
#include "firmware/config/config_loader.hpp"
#include "tests/support/files.hpp"
#include "tests/support/temp_dir.hpp"

#include <cstdlib>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace config_loader_test {

using namespace bodycam::firmware::config;
using bodycam::tests::temp_dir;
using bodycam::tests::write_text;
using bodycam::common::core::errc;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

TEST_CASE("the shipped example config parses to the documented defaults") {
  const fs::path example = fs::path(BODYCAM_SOURCE_DIR) / "firmware/config/recorder.example.toml";
  auto loaded = load_recorder_config(example);
  INFO((loaded ? std::string() : loaded.error().context));
  REQUIRE(loaded.has_value());
  const recorder_config defaults;
  CHECK(loaded->device.id.str() == "cam-dev-0001");
  CHECK(loaded->device.key_file == defaults.device.key_file);
  CHECK(loaded->device.ledger == defaults.device.ledger);
  CHECK(loaded->device.recording_dir == defaults.device.recording_dir);
  CHECK(loaded->source.kind == bodycam::firmware::media::camera_source_kind::synthetic);
  CHECK(loaded->source.synthetic_pattern == defaults.source.synthetic_pattern);
  CHECK(loaded->encoder.video_encoder == defaults.encoder.video_encoder);
  CHECK(loaded->encoder.width == defaults.encoder.width);
  CHECK(loaded->encoder.height == defaults.encoder.height);
  CHECK(loaded->encoder.fps == defaults.encoder.fps);
  CHECK(loaded->encoder.video_bit_rate == defaults.encoder.video_bit_rate);
  CHECK(loaded->encoder.audio_bit_rate == defaults.encoder.audio_bit_rate);
  CHECK(loaded->encoder.gop == defaults.encoder.gop);
  CHECK(loaded->osd.font_file == defaults.osd.font_file);
  CHECK(loaded->segment.duration == defaults.segment.duration);
  CHECK(loaded->pre_event.duration == defaults.pre_event.duration);
  CHECK(loaded->queues.video_frames == defaults.queues.video_frames);
  CHECK(loaded->queues.audio_frames == defaults.queues.audio_frames);
  CHECK(loaded->queues.video_packets == defaults.queues.video_packets);
  CHECK(loaded->queues.audio_packets == defaults.queues.audio_packets);
  CHECK(loaded->control.socket_path == defaults.control.socket_path);
  CHECK(loaded->control.max_clients == defaults.control.max_clients);
  CHECK(loaded->control.max_line_bytes == defaults.control.max_line_bytes);
  CHECK(loaded->control.idle_timeout == defaults.control.idle_timeout);
  CHECK(loaded->feedback.alsa_device == defaults.feedback.alsa_device);
  CHECK(loaded->feedback.prompt_file == defaults.feedback.prompt_file);
}

TEST_CASE("errors from a file name the file path") {
  temp_dir dir;
  const fs::path file = dir.path() / "recorder.toml";
  write_text(file, "[device]\nid = \"cam-1\"\n[encoder]\nfps = 500\n");
  auto loaded = load_recorder_config(file);
  REQUIRE_FALSE(loaded.has_value());
  CHECK(loaded.error().context == "config " + file.string() + ": encoder.fps: must be between 1 and 120, got 500");

  write_text(file, "[device]\nid = \"cam-1\"\n[encoder\n");
  auto syntax = load_recorder_config(file);
  REQUIRE_FALSE(syntax.has_value());
  CHECK(syntax.error().context.find("config " + file.string() + ":3:") == 0);
}

TEST_CASE("relative paths in a file are resolved against the file's directory") {
  temp_dir dir;
  const fs::path file = dir.path() / "recorder.toml";
  write_text(file, "[device]\nid = \"cam-1\"\nledger = \"state/ledger.db\"\nrecording_dir = \"segments\"\n");
  auto loaded = load_recorder_config(file);
  REQUIRE(loaded.has_value());
  CHECK(loaded->device.ledger == (dir.path() / "state/ledger.db").string());
  CHECK(loaded->device.recording_dir == (dir.path() / "segments").string());
}

TEST_CASE("a missing config file is a not_found error naming the path") {
  temp_dir dir;
  auto loaded = load_recorder_config(dir.path() / "absent.toml");
  REQUIRE_FALSE(loaded.has_value());
  CHECK(loaded.error().code == errc::not_found);
  CHECK(loaded.error().context.find("absent.toml") != std::string::npos);
}

TEST_CASE("a config file over the size limit is refused, not truncated") {
  temp_dir dir;
  const fs::path file = dir.path() / "huge.toml";
  write_text(file, "[device]\nid = \"cam-1\"\n" + std::string(max_config_bytes, '#'));
  auto loaded = load_recorder_config(file);
  REQUIRE_FALSE(loaded.has_value());
  CHECK(loaded.error().context.find("exceeds the limit") != std::string::npos);
}

}  // namespace config_loader_test

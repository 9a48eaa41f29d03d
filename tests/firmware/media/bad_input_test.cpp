// [integration] Bad input gives a clear error naming what and where, before anything is recorded: missing
// devices, unknown encoders and options, unusable output directories, a missing font, broken sources, and
// commands in the wrong state.
#include "firmware/media/posix_segment_storage.hpp"
#include "firmware/media/recording_pipeline.hpp"
#include "test_support.hpp"

#include <sys/mount.h>

#include <fstream>

#include <catch2/catch.hpp>

using namespace bodycam::firmware::media;
using namespace bodycam::firmware::media::test;
using bodycam::tests::run_shell;
using bodycam::tests::shell_quote;
using bodycam::tests::temp_dir;
using bodycam::common::core::errc;
namespace fs = std::filesystem;

namespace {
struct open_attempt {
  std::optional<bodycam::common::core::error> error;
  bool wrote_anything = false;
};

open_attempt try_open(const pipeline_config& config) {
  recording_sink sink;
  posix_segment_storage storage;
  auto pipeline = recording_pipeline::open(config, sink, storage);
  open_attempt out;
  if (!pipeline) out.error = pipeline.error();
  out.wrote_anything = !sink.opened().empty();
  return out;
}

bool mentions(const open_attempt& a, const std::string& text) {
  return a.error && a.error->context.find(text) != std::string::npos;
}
}  // namespace

TEST_CASE("a missing camera device is named: open video source v4l2 /dev/video99", "[integration]") {
  temp_dir dir;
  auto config = small_config(dir.path());
  config.source.video = input_config{input_kind::v4l2, "/dev/video99", {}, false, input_end::finish};
  const auto a = try_open(config);
  REQUIRE(a.error);
  INFO(a.error->context);
  CHECK(a.error->code == errc::not_found);
  CHECK(mentions(a, "video source v4l2 /dev/video99"));
  CHECK(mentions(a, "No such file or directory"));
  CHECK(fs::is_empty(dir.path()));
}

TEST_CASE("a missing microphone is named: open audio source alsa hw:99", "[integration]") {
  temp_dir dir;
  auto config = small_config(dir.path());
  config.source.audio = input_config{input_kind::alsa, "hw:99", {}, false, input_end::finish};
  const auto a = try_open(config);
  REQUIRE(a.error);
  INFO(a.error->context);
  CHECK(mentions(a, "audio source alsa hw:99"));
  CHECK(fs::is_empty(dir.path()));
}

TEST_CASE("unknown or unusable encoders are named", "[integration]") {
  temp_dir dir;
  auto config = small_config(dir.path());
  config.encoder.video_encoder = "h264_nonexistent";
  auto a = try_open(config);
  REQUIRE(a.error);
  CHECK(a.error->code == errc::unsupported);
  CHECK(mentions(a, "video encoder 'h264_nonexistent': not available"));

  config.encoder.video_encoder = "mpeg4";
  a = try_open(config);
  REQUIRE(a.error);
  CHECK(mentions(a, "video encoder 'mpeg4': makes mpeg4, segments need H.264 or H.265"));

  // The SoC's hardware encoder is known to libavcodec but has no device on a build host.
  config.encoder.video_encoder = "h264_v4l2m2m";
  a = try_open(config);
  REQUIRE(a.error);
  CHECK(mentions(a, "open video encoder 'h264_v4l2m2m'"));

  config.encoder.video_encoder = "libx264";
  config.encoder.video_options = {{"preset", "veryfast"}, {"no-such-option", "1"}};
  a = try_open(config);
  REQUIRE(a.error);
  CHECK(mentions(a, "video encoder 'libx264': unknown option 'no-such-option'"));

  config.encoder.video_options.clear();
  config.encoder.audio_encoder = "nosuchaac";
  a = try_open(config);
  REQUIRE(a.error);
  CHECK(mentions(a, "audio encoder 'nosuchaac': not available"));
  CHECK(fs::is_empty(dir.path()));
}

TEST_CASE("an output directory that cannot take segments is refused at open, naming it", "[integration]") {
  temp_dir dir;
  auto config = small_config(dir.path() / "does-not-exist");
  auto a = try_open(config);
  REQUIRE(a.error);
  CHECK(a.error->code == errc::not_found);
  CHECK(mentions(a, (dir.path() / "does-not-exist").string()));

  const fs::path file = dir.path() / "a-file";
  std::ofstream(file) << "not a directory";
  config = small_config(file);
  a = try_open(config);
  REQUIRE(a.error);
  CHECK(mentions(a, file.string() + ": Not a directory"));

  // Read-only: a read-only mount stops root too; without the right to mount, permission bits do.
  const fs::path read_only = dir.path() / "read-only";
  fs::create_directory(read_only);
  const bool mounted = ::mount("tmpfs", read_only.c_str(), "tmpfs", MS_RDONLY, "size=64k") == 0;
  if (!mounted) fs::permissions(read_only, fs::perms::owner_read | fs::perms::owner_exec);
  config = small_config(read_only);
  a = try_open(config);
  if (mounted)
    ::umount(read_only.c_str());
  else
    fs::permissions(read_only, fs::perms::owner_all);
  REQUIRE(a.error);
  INFO(a.error->context);
  CHECK(a.error->code == errc::permission);
  CHECK(mentions(a, read_only.string()));
}

TEST_CASE("a missing OSD font, audio file or broken source graph is named", "[integration]") {
  temp_dir dir;
  auto config = small_config(dir.path());
  config.osd.font_file = "/nonexistent/font.ttf";
  auto a = try_open(config);
  REQUIRE(a.error);
  CHECK(a.error->code == errc::not_found);
  CHECK(mentions(a, "osd.font_file /nonexistent/font.ttf"));

  config = small_config(dir.path());
  config.source.audio =
      input_config{input_kind::file, (dir.path() / "missing.wav").string(), {}, false, input_end::loop};
  a = try_open(config);
  REQUIRE(a.error);
  CHECK(a.error->code == errc::not_found);
  CHECK(mentions(a, "audio source file " + (dir.path() / "missing.wav").string()));

  config = small_config(dir.path());
  config.source.video.url = "nosuchsource=size=320x240";
  a = try_open(config);
  REQUIRE(a.error);
  CHECK(mentions(a, "video source lavfi nosuchsource=size=320x240"));
  CHECK(fs::is_empty(dir.path()));
}

TEST_CASE("commands in the wrong state or with bad session ids are refused, and change nothing", "[integration]") {
  temp_dir dir;
  recording_sink sink;
  posix_segment_storage storage;
  auto pipeline = recording_pipeline::open(small_config(dir.path()), sink, storage);
  REQUIRE(pipeline);
  auto& p = **pipeline;
  auto stopped = p.stop(close_reason::stop);
  REQUIRE_FALSE(stopped);
  CHECK(stopped.error().code == errc::conflict);
  auto bad = p.start("../escape");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == errc::invalid_argument);
  CHECK(bad.error().context.find("../escape") != std::string::npos);
  REQUIRE(p.start("OK-1"));
  auto again = p.start("OK-2");
  REQUIRE_FALSE(again);
  CHECK(again.error().code == errc::conflict);
  REQUIRE(p.shutdown());
  CHECK(p.status().state == pipeline_state::finished);
  auto late = p.start("OK-3");
  CHECK_FALSE(late);
  for (const auto& s : sink.sealed()) CHECK(s.session_id == "OK-1");
}

// Which source the camera records from, as its configuration names it, and the pipeline inputs that source
// means (pure). The [source] section of the recorder's TOML file is parsed straight into camera_source.
//   synthetic → lavfi video `<pattern>=size=WxH:rate=FPS` (realtime) + audio: a sine tone, or the configured
//               audio file padded with silence (an espeak-ng statement played once, then silence)
//   v4l2      → the V4L2 device + the ALSA device, live; with pass_through_h264 the sensor's H.264 is stored
//               without re-encoding (encoder "copy")
//   file      → the file's video and audio
// Guarantee: pipeline_settings() is the only place these settings become a pipeline_config; validate() on its
// result is the check the daemon's configuration passed.
#pragma once

#include "firmware/media/pipeline_config.hpp"

#include <string>
#include <string_view>

namespace bodycam::firmware::media {

enum class camera_source_kind : std::uint8_t { synthetic, v4l2, file };
[[nodiscard]] std::string_view to_string(camera_source_kind kind) noexcept;

struct camera_source {
  camera_source_kind kind = camera_source_kind::synthetic;
  std::string video_device = "/dev/video0";    // v4l2
  std::string audio_device = "default";        // v4l2: ALSA device name ("default", "hw:1,0", ...)
  std::string file_path;                       // file: required
  std::string synthetic_pattern = "testsrc2";  // synthetic: a lavfi video source
  std::string synthetic_audio_file;            // synthetic: "" = a generated sine tone
  bool pass_through_h264 = false;              // v4l2 only: the sensor gives H.264, store it without re-encoding
};

// Who is recording and where the segments go.
struct recording_identity {
  std::string output_dir;
  std::string device_id;
  std::string officer_id;  // "" = not assigned
};

// The pipeline's settings: the source's inputs, the encoder ("copy" under pass-through) and the rest as given.
[[nodiscard]] pipeline_config pipeline_settings(const camera_source& source, const encoder_config& encoder,
                                                const osd_config& osd, const segment_config& segment,
                                                const pre_event_config& pre_event, const queue_config& queues,
                                                const recording_identity& identity);

}  // namespace bodycam::firmware::media

// The media pipeline's settings from the recorder's configuration file (pure): which inputs the configured
// source means, the encoder, OSD, segment, pre-event and queue settings.
//   synthetic → lavfi video `<pattern>=size=WxH:rate=FPS` (realtime) + audio: a sine tone, or the configured
//               audio file padded with silence (an espeak-ng statement played once, then silence)
//   v4l2      → the V4L2 device + the ALSA device, live
//   file      → the file's video and audio
#pragma once

#include "firmware/config/recorder_config.hpp"
#include "firmware/media/pipeline_config.hpp"

namespace bodycam::firmware::recorder {

[[nodiscard]] media::pipeline_config pipeline_settings(const config::recorder_config& config);

}  // namespace bodycam::firmware::recorder

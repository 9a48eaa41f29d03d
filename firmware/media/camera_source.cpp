#include "firmware/media/camera_source.hpp"

namespace bodycam::firmware::media {

std::string_view to_string(camera_source_kind kind) noexcept {
  switch (kind) {
    case camera_source_kind::synthetic: return "synthetic";
    case camera_source_kind::v4l2: return "v4l2";
    case camera_source_kind::file: return "file";
  }
  return "unknown";
}

namespace {

source_config inputs_for(const camera_source& s, const encoder_config& e) {
  const std::string size = std::to_string(e.width) + "x" + std::to_string(e.height);
  source_config out;
  switch (s.kind) {
    case camera_source_kind::synthetic:
      out.video = {input_kind::lavfi,
                   s.synthetic_pattern + "=size=" + size + ":rate=" + std::to_string(e.fps),
                   {},
                   true,
                   input_end::finish};
      if (s.synthetic_audio_file.empty())
        out.audio =
            input_config{input_kind::lavfi, "sine=frequency=440:sample_rate=48000", {}, true, input_end::finish};
      else
        out.audio = input_config{input_kind::file, s.synthetic_audio_file, {}, true, input_end::pad_silence};
      break;
    case camera_source_kind::v4l2:
      out.video = {input_kind::v4l2,
                   s.video_device,
                   {{"video_size", size}, {"framerate", std::to_string(e.fps)}},
                   false,
                   input_end::finish};
      if (s.pass_through_h264) out.video.options["input_format"] = "h264";
      out.audio = input_config{input_kind::alsa, s.audio_device, {}, false, input_end::finish};
      break;
    case camera_source_kind::file:
      out.video = {input_kind::file, s.file_path, {}, true, input_end::finish};
      out.audio = input_config{input_kind::file, s.file_path, {}, true, input_end::finish};
      break;
  }
  return out;
}

}  // namespace

pipeline_config pipeline_settings(const camera_source& source, const encoder_config& encoder, const osd_config& osd,
                                  const segment_config& segment, const pre_event_config& pre_event,
                                  const queue_config& queues, const recording_identity& identity) {
  pipeline_config p;
  p.source = inputs_for(source, encoder);
  p.encoder = encoder;
  if (source.pass_through_h264) p.encoder.video_encoder = "copy";
  p.osd = osd;
  p.segment = segment;
  p.pre_event = pre_event;
  p.queues = queues;
  p.output_dir = identity.output_dir;
  p.device_id = identity.device_id;
  p.officer_id = identity.officer_id;
  return p;
}

}  // namespace bodycam::firmware::media

#include "firmware/recorder/pipeline_settings.hpp"

namespace bodycam::firmware::recorder {

media::pipeline_config pipeline_settings(const config::recorder_config& c) {
  media::pipeline_config p;
  const std::string size = std::to_string(c.encoder.width) + "x" + std::to_string(c.encoder.height);
  switch (c.source.kind) {
    case config::source_kind::synthetic: {
      p.source.video = {media::input_kind::lavfi,
                        c.source.synthetic_pattern + "=size=" + size + ":rate=" + std::to_string(c.encoder.fps),
                        {}, true, media::input_end::finish};
      if (c.source.synthetic_audio_file.empty())
        p.source.audio = media::input_config{media::input_kind::lavfi, "sine=frequency=440:sample_rate=48000", {},
                                             true, media::input_end::finish};
      else
        p.source.audio = media::input_config{media::input_kind::file, c.source.synthetic_audio_file, {}, true,
                                             media::input_end::pad_silence};
      break;
    }
    case config::source_kind::v4l2:
      p.source.video = {media::input_kind::v4l2, c.source.video_device,
                        {{"video_size", size}, {"framerate", std::to_string(c.encoder.fps)}}, false,
                        media::input_end::finish};
      if (c.source.pass_through_h264) p.source.video.options["input_format"] = "h264";
      p.source.audio = media::input_config{media::input_kind::alsa, c.source.audio_device, {}, false,
                                           media::input_end::finish};
      break;
    case config::source_kind::file:
      p.source.video = {media::input_kind::file, c.source.file_path, {}, true, media::input_end::finish};
      p.source.audio = media::input_config{media::input_kind::file, c.source.file_path, {}, true,
                                           media::input_end::finish};
      break;
  }
  p.encoder.video_encoder = c.source.pass_through_h264 ? "copy" : c.encoder.name;
  p.encoder.width = c.encoder.width;
  p.encoder.height = c.encoder.height;
  p.encoder.fps = c.encoder.fps;
  p.encoder.gop = std::chrono::duration_cast<std::chrono::milliseconds>(c.encoder.gop);
  p.encoder.video_bit_rate = static_cast<std::int64_t>(c.encoder.video_bitrate_kbps) * 1000;
  p.encoder.audio_bit_rate = static_cast<std::int64_t>(c.encoder.audio_bitrate_kbps) * 1000;
  p.osd.enabled = c.osd.enabled;
  p.osd.font_file = c.osd.font_file;
  p.segment.duration = std::chrono::duration_cast<std::chrono::milliseconds>(c.segment.duration);
  p.pre_event.duration = std::chrono::duration_cast<std::chrono::milliseconds>(c.pre_event.duration);
  p.pre_event.keep_audio = c.pre_event.include_audio;
  p.queues.video_frames = static_cast<std::size_t>(c.queues.raw_video_frames);
  p.queues.audio_frames = static_cast<std::size_t>(c.queues.raw_audio_frames);
  p.queues.video_packets = static_cast<std::size_t>(c.queues.encoded_packets);
  p.queues.audio_packets = static_cast<std::size_t>(c.queues.encoded_packets);
  p.output_dir = c.device.recording_dir;
  p.device_id = c.device.id.str();
  p.officer_id = c.osd.show_officer ? c.device.officer_id : "";
  return p;
}

}  // namespace bodycam::firmware::recorder

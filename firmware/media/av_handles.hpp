// RAII owners for every libav* handle the pipeline uses (one named deleter each, declared once here), and the
// translation of libav error codes into bodycam errors that say which operation failed on which object:
// "open video source v4l2 /dev/video99: No such file or directory". Destructors only release.
#pragma once

#include "common/core/error.hpp"
#include "firmware/media/media_time.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavfilter/avfilter.h>
#include <libavformat/avformat.h>
#include <libavutil/audio_fifo.h>
#include <libswresample/swresample.h>
}

#include <memory>
#include <string>
#include <string_view>

namespace bodycam::firmware::media {

struct av_packet_deleter {
  void operator()(AVPacket* p) const noexcept { av_packet_free(&p); }
};
struct av_frame_deleter {
  void operator()(AVFrame* f) const noexcept { av_frame_free(&f); }
};
struct av_codec_context_deleter {
  void operator()(AVCodecContext* c) const noexcept { avcodec_free_context(&c); }
};
// An input opened with avformat_open_input.
struct av_input_deleter {
  void operator()(AVFormatContext* c) const noexcept { avformat_close_input(&c); }
};
// An output allocated with avformat_alloc_output_context2 whose pb belongs to someone else (AVFMT_NOFILE is
// not set for mp4, but the pipeline supplies its own AVIOContext and frees it itself).
struct av_output_deleter {
  void operator()(AVFormatContext* c) const noexcept {
    c->pb = nullptr;
    avformat_free_context(c);
  }
};
// A custom AVIOContext from avio_alloc_context: its buffer may have been reallocated by libavformat.
struct av_io_context_deleter {
  void operator()(AVIOContext* c) const noexcept {
    av_freep(&c->buffer);
    avio_context_free(&c);
  }
};
struct av_filter_graph_deleter {
  void operator()(AVFilterGraph* g) const noexcept { avfilter_graph_free(&g); }
};
struct swr_context_deleter {
  void operator()(SwrContext* s) const noexcept { swr_free(&s); }
};
struct av_audio_fifo_deleter {
  void operator()(AVAudioFifo* f) const noexcept { av_audio_fifo_free(f); }
};
struct av_dictionary_deleter {
  void operator()(AVDictionary* d) const noexcept { av_dict_free(&d); }
};
struct av_codec_parameters_deleter {
  void operator()(AVCodecParameters* p) const noexcept { avcodec_parameters_free(&p); }
};

using av_packet_ptr = std::unique_ptr<AVPacket, av_packet_deleter>;
using av_frame_ptr = std::unique_ptr<AVFrame, av_frame_deleter>;
using av_codec_context_ptr = std::unique_ptr<AVCodecContext, av_codec_context_deleter>;
using av_input_ptr = std::unique_ptr<AVFormatContext, av_input_deleter>;
using av_output_ptr = std::unique_ptr<AVFormatContext, av_output_deleter>;
using av_io_context_ptr = std::unique_ptr<AVIOContext, av_io_context_deleter>;
using av_filter_graph_ptr = std::unique_ptr<AVFilterGraph, av_filter_graph_deleter>;
using swr_context_ptr = std::unique_ptr<SwrContext, swr_context_deleter>;
using av_audio_fifo_ptr = std::unique_ptr<AVAudioFifo, av_audio_fifo_deleter>;
using av_codec_parameters_ptr = std::unique_ptr<AVCodecParameters, av_codec_parameters_deleter>;

// Allocation of packets and frames; a failed allocation is an error, not a crash.
[[nodiscard]] common::core::expected<av_packet_ptr> make_packet();
[[nodiscard]] common::core::expected<av_frame_ptr> make_frame();

// libav's text for an AVERROR code ("No such file or directory", "Encoder not found").
[[nodiscard]] std::string av_error_text(int code);
// AVERROR(e) without the macro (it is a plain negation; named for readers).
[[nodiscard]] constexpr int av_error_from_errno(int e) noexcept { return -e; }

// "<operation> <object>: <libav text>", with the code chosen from the AVERROR value.
[[nodiscard]] std::unexpected<common::core::error> fail_av(std::string_view operation, std::string_view object,
                                                           int code);

[[nodiscard]] inline timebase to_timebase(AVRational r) noexcept { return timebase{r.num, r.den}; }
[[nodiscard]] inline AVRational to_rational(timebase b) noexcept { return AVRational{b.num, b.den}; }

// A dictionary of libav options (avformat_open_input, avcodec_open2); entries left in it were not used.
using av_dictionary_ptr = std::unique_ptr<AVDictionary, av_dictionary_deleter>;

}  // namespace bodycam::firmware::media

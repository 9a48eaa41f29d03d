#include "firmware/media/still_image.hpp"

#include "firmware/media/encoder_context.hpp"

extern "C" {
#include <libavutil/pixdesc.h>
}

#include <string>

namespace bodycam::firmware::media {

namespace core = common::core;

namespace {
// The mjpeg encoder's own full-range formats for each planar layout it encodes (invariant 2).
AVPixelFormat jpeg_format_for(AVPixelFormat f) {
  switch (f) {
    case AV_PIX_FMT_YUV420P:
    case AV_PIX_FMT_YUVJ420P: return AV_PIX_FMT_YUVJ420P;
    case AV_PIX_FMT_YUV422P:
    case AV_PIX_FMT_YUVJ422P: return AV_PIX_FMT_YUVJ422P;
    case AV_PIX_FMT_YUV444P:
    case AV_PIX_FMT_YUVJ444P: return AV_PIX_FMT_YUVJ444P;
    default: return AV_PIX_FMT_NONE;
  }
}
}  // namespace

core::expected<core::byte_buffer> encode_jpeg(const AVFrame& frame, int quality) {
  const auto source_format = static_cast<AVPixelFormat>(frame.format);
  const AVPixelFormat format = jpeg_format_for(source_format);
  if (format == AV_PIX_FMT_NONE) {
    const char* name = av_get_pix_fmt_name(source_format);
    return core::fail(core::errc::unsupported, std::string("encode photo as JPEG: pixel format ") +
                                                   (name ? name : "unknown") + " is not a planar YUV format mjpeg takes");
  }
  auto encoder = find_encoder("mjpeg", AVMEDIA_TYPE_VIDEO);
  if (!encoder) return core::wrap("encode photo as JPEG", encoder.error());
  AVCodecContext& c = *encoder->context;
  c.width = frame.width;
  c.height = frame.height;
  c.pix_fmt = format;
  c.time_base = AVRational{1, 25};
  c.color_range = AVCOL_RANGE_JPEG;
  c.flags |= AV_CODEC_FLAG_QSCALE;
  c.global_quality = FF_QP2LAMBDA * quality;
  c.thread_count = 1;
  // The limited-range 4:2:0 the H.264 encoder takes is stored as is; the JPEG says full range (a viewer
  // shows it a little flatter, never altered in content).
  c.strict_std_compliance = FF_COMPLIANCE_UNOFFICIAL;
  if (auto ok = open_encoder(*encoder, {}, std::to_string(frame.width) + "x" + std::to_string(frame.height));
      !ok)
    return core::wrap("encode photo as JPEG", ok.error());
  auto copy = make_frame();
  if (!copy) return std::unexpected(copy.error());
  if (const int ret = av_frame_ref(copy->get(), &frame); ret < 0) return fail_av("reference photo frame", "", ret);
  (*copy)->format = format;
  (*copy)->pts = 0;
  (*copy)->pict_type = AV_PICTURE_TYPE_I;
  core::byte_buffer jpeg;
  const packet_consumer keep = [&jpeg](av_packet_ptr packet) -> core::status {
    jpeg.insert(jpeg.end(), packet->data, packet->data + packet->size);
    return {};
  };
  if (auto ok = send_to_encoder(c, copy->get(), "encode photo as JPEG", keep); !ok) return std::unexpected(ok.error());
  if (auto ok = send_to_encoder(c, nullptr, "encode photo as JPEG", keep); !ok) return std::unexpected(ok.error());
  if (jpeg.empty()) return core::fail(core::errc::internal, "encode photo as JPEG: the encoder produced no bytes");
  return jpeg;
}

}  // namespace bodycam::firmware::media

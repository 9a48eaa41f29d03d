#include "firmware/media/av_handles.hpp"

#include <cerrno>

namespace bodycam::firmware::media {

namespace core = common::core;

core::expected<av_packet_ptr> make_packet() {
  av_packet_ptr p(av_packet_alloc());
  if (!p) return core::fail(core::errc::internal, "allocate AVPacket: out of memory");
  return p;
}

core::expected<av_frame_ptr> make_frame() {
  av_frame_ptr f(av_frame_alloc());
  if (!f) return core::fail(core::errc::internal, "allocate AVFrame: out of memory");
  return f;
}

std::string av_error_text(int code) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  if (av_strerror(code, text, sizeof text) < 0) return "libav error " + std::to_string(code);
  return text;
}

std::unexpected<core::error> fail_av(std::string_view operation, std::string_view object, int code) {
  core::errc kind = core::errc::internal;
  if (code == av_error_from_errno(ENOSPC) || code == av_error_from_errno(EDQUOT))
    kind = core::errc::no_space;
  else if (code == av_error_from_errno(ENOENT))
    kind = core::errc::not_found;
  else if (code == av_error_from_errno(EACCES) || code == av_error_from_errno(EPERM))
    kind = core::errc::permission;
  else if (code == av_error_from_errno(EIO))
    kind = core::errc::io;
  else if (code == AVERROR_ENCODER_NOT_FOUND || code == AVERROR_DECODER_NOT_FOUND ||
           code == AVERROR_DEMUXER_NOT_FOUND || code == AVERROR_FILTER_NOT_FOUND || code == AVERROR_OPTION_NOT_FOUND ||
           code == AVERROR_PATCHWELCOME)
    kind = core::errc::unsupported;
  else if (code == AVERROR_INVALIDDATA)
    kind = core::errc::malformed;
  else if (code == AVERROR_EOF)
    kind = core::errc::closed;
  std::string context(operation);
  if (!object.empty()) {
    context += ' ';
    context += object;
  }
  context += ": ";
  context += av_error_text(code);
  return core::fail(kind, std::move(context));
}

}  // namespace bodycam::firmware::media

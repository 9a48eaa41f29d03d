#include "firmware/media/video_filter.hpp"

extern "C" {
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
}

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <vector>

namespace bodycam::firmware::media {

namespace core = common::core;

namespace {
struct option_value {
  const char* key;
  std::string value;
};

core::expected<AVFilterContext*> add_filter(AVFilterGraph* graph, const char* filter_name, const char* instance,
                                            const std::vector<option_value>& options) {
  const AVFilter* filter = avfilter_get_by_name(filter_name);
  if (!filter)
    return core::fail(core::errc::unsupported,
                      std::string("video filter '") + filter_name + "' is not available in this libavfilter build");
  AVFilterContext* ctx = avfilter_graph_alloc_filter(graph, filter, instance);
  if (!ctx) return core::fail(core::errc::internal, std::string("allocate filter ") + instance + ": out of memory");
  for (const auto& o : options)
    if (const int ret = av_opt_set(ctx, o.key, o.value.c_str(), AV_OPT_SEARCH_CHILDREN); ret < 0)
      return fail_av(std::string("set option ") + o.key + "=" + o.value + " of filter", instance, ret);
  if (const int ret = avfilter_init_str(ctx, nullptr); ret < 0) return fail_av("initialise filter", instance, ret);
  return ctx;
}

// One OSD line's drawtext options: the shared look (font, size, `colour` text on a translucent black box) with
// its top at line `line` (0-based) of the OSD's grid; callers add what only their line has.
std::vector<option_value> osd_line(const video_filter_spec& spec, int size, std::string text, const char* colour,
                                   int line) {
  const int margin = std::max(4, size / 2);
  const int pitch = size + std::max(2, size / 4);
  return {{"fontfile", spec.osd.font_file},
          {"text", std::move(text)},
          {"fontsize", std::to_string(size)},
          {"fontcolor", colour},
          {"box", "1"},
          {"boxcolor", "black@0.6"},
          {"boxborderw", std::to_string(std::max(2, size / 5))},
          {"x", std::to_string(margin)},
          {"y", std::to_string(margin + line * pitch)}};
}

// Invariant 5: what the place line may show.
std::string place_line_text(std::string_view text) {
  std::string out;
  for (const char c : text.substr(0, 64)) {
    const bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == ' ' ||
                       c == '.' || c == '+' || c == '-';
    out += plain ? c : ' ';
  }
  return out.empty() ? std::string("-") : out;
}

// A value for av_set_options_string (drawtext's reinit): every character but letters and digits escaped.
std::string escape_option_value(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (!std::isalnum(static_cast<unsigned char>(c))) out += '\\';
    out += c;
  }
  return out;
}

std::string fixed(double v) {
  char text[64];
  std::snprintf(text, sizeof text, "%.6f", v);
  return text;
}
}  // namespace

std::string video_filter::escape_for_drawtext(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '\\' || c == '%') out += '\\';  // invariant 2
    out += c;
  }
  return out;
}

core::expected<std::unique_ptr<video_filter>> video_filter::create(const AVFrame& first,
                                                                   const video_filter_spec& spec) {
  std::unique_ptr<video_filter> filter(new video_filter());
  if (auto ok = filter->build(first, spec); !ok) return std::unexpected(ok.error());
  return filter;
}

core::status video_filter::build(const AVFrame& first, const video_filter_spec& spec) {
  graph_.reset(avfilter_graph_alloc());
  if (!graph_) return core::fail(core::errc::internal, "allocate video filter graph: out of memory");
  graph_->nb_threads = 1;
  const char* input_format = av_get_pix_fmt_name(static_cast<AVPixelFormat>(first.format));
  if (!input_format) return core::fail(core::errc::unsupported, "video filter: source frames have no pixel format");
  const AVRational sar = first.sample_aspect_ratio.num > 0 ? first.sample_aspect_ratio : AVRational{1, 1};

  auto source =
      add_filter(graph_.get(), "buffer", "source",
                 {{"width", std::to_string(first.width)},
                  {"height", std::to_string(first.height)},
                  {"pix_fmt", input_format},
                  {"time_base", std::to_string(spec.frame_base.num) + "/" + std::to_string(spec.frame_base.den)},
                  {"sar", std::to_string(sar.num) + "/" + std::to_string(sar.den)}});
  if (!source) return std::unexpected(source.error());
  source_ = *source;
  auto scale = add_filter(graph_.get(), "scale", "scale",
                          {{"w", std::to_string(spec.width)}, {"h", std::to_string(spec.height)}});
  if (!scale) return std::unexpected(scale.error());
  auto format = add_filter(graph_.get(), "format", "format", {{"pix_fmts", av_get_pix_fmt_name(spec.output_format)}});
  if (!format) return std::unexpected(format.error());
  std::vector<AVFilterContext*> chain{source_, *scale, *format};

  if (spec.osd.enabled) {
    const int size = spec.osd.font_size > 0 ? spec.osd.font_size : std::max(10, spec.height / 24);
    // Line 1: the frame's UTC time (invariant 1); line 2: who and what recorded it.
    const std::string text = "%{pts:gmtime:" + fixed(spec.utc_at_timeline_zero) + "} UTC\n" + "DEV " +
                             escape_for_drawtext(spec.device_id) + "  OFC " +
                             (spec.officer_id.empty() ? std::string("-") : escape_for_drawtext(spec.officer_id));
    auto text_options = osd_line(spec, size, text, "white", 0);
    text_options.push_back({"line_spacing", std::to_string(std::max(2, size / 4))});
    auto osd = add_filter(graph_.get(), "drawtext", "osd_text", text_options);
    if (!osd) return core::wrap("OSD", osd.error());
    chain.push_back(*osd);
    // Line 3: the session (invariant 6); drawtext needs some text even while it is switched off.
    auto session_options = osd_line(
        spec, size, spec.session_line.empty() ? std::string(" ") : escape_for_drawtext(spec.session_line), "white", 2);
    session_options.push_back({"enable", spec.session_line.empty() ? "0" : "1"});
    auto session = add_filter(graph_.get(), "drawtext", "osd_session", session_options);
    if (!session) return core::wrap("OSD session line", session.error());
    chain.push_back(*session);
    has_session_line_ = true;
    // The marker sits on line 4, switched by the timeline option (invariant 3).
    auto marker_options = osd_line(spec, size, "CLOCK NOT SYNCED", "yellow", 3);
    marker_options.push_back({"enable", spec.clock_synced ? "0" : "1"});
    auto marker = add_filter(graph_.get(), "drawtext", "osd_clock", marker_options);
    if (!marker) return core::wrap("OSD clock marker", marker.error());
    chain.push_back(*marker);
    has_clock_marker_ = true;
    if (spec.osd.place_line) {  // invariant 5: line 5, below the clock marker's line
      auto place =
          add_filter(graph_.get(), "drawtext", "osd_place", osd_line(spec, size, place_line_text(spec.place_text), "white", 4));
      if (!place) return core::wrap("OSD place line", place.error());
      chain.push_back(*place);
      has_place_line_ = true;
    }
  }
  auto sink = add_filter(graph_.get(), "buffersink", "sink", {});
  if (!sink) return std::unexpected(sink.error());
  sink_ = *sink;
  chain.push_back(sink_);
  for (std::size_t i = 0; i + 1 < chain.size(); ++i)
    if (const int ret = avfilter_link(chain[i], 0, chain[i + 1], 0); ret < 0)
      return fail_av("link video filter", chain[i]->name, ret);
  if (const int ret = avfilter_graph_config(graph_.get(), nullptr); ret < 0)
    return fail_av("configure video filter graph", "", ret);
  return {};
}

core::status video_filter::push(AVFrame* frame) {
  if (const int ret = av_buffersrc_add_frame_flags(source_, frame, AV_BUFFERSRC_FLAG_KEEP_REF); ret < 0)
    return fail_av("filter video frame", "", ret);
  return {};
}

core::expected<bool> video_filter::pull(AVFrame* out) {
  const int ret = av_buffersink_get_frame(sink_, out);
  if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) return false;
  if (ret < 0) return fail_av("filter video frame", "", ret);
  return true;
}

core::status video_filter::set_place_text(std::string_view text) {
  if (!has_place_line_) return {};
  char response[64] = {};
  const std::string command = "text=" + place_line_text(text);
  const int ret =
      avfilter_graph_send_command(graph_.get(), "osd_place", "reinit", command.c_str(), response, sizeof response, 0);
  if (ret < 0) return fail_av("change OSD place line", "", ret);
  return {};
}

core::status video_filter::set_session_line(std::string_view line) {
  if (!has_session_line_) return {};
  char response[64] = {};
  if (!line.empty()) {
    const std::string options = "text=" + escape_option_value(escape_for_drawtext(line));
    if (const int ret = avfilter_graph_send_command(graph_.get(), "osd_session", "reinit", options.c_str(), response,
                                                    sizeof response, 0);
        ret < 0)
      return fail_av("set OSD session line", line, ret);
  }
  if (const int ret = avfilter_graph_send_command(graph_.get(), "osd_session", "enable", line.empty() ? "0" : "1",
                                                  response, sizeof response, 0);
      ret < 0)
    return fail_av("switch OSD session line", "", ret);
  return {};
}

core::status video_filter::set_clock_synced(bool synced) {
  if (!has_clock_marker_) return {};
  char response[64] = {};
  const int ret = avfilter_graph_send_command(graph_.get(), "osd_clock", "enable", synced ? "0" : "1", response,
                                              sizeof response, 0);
  if (ret < 0) return fail_av("switch OSD clock marker", "", ret);
  return {};
}

}  // namespace bodycam::firmware::media

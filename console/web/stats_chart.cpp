// Server-drawn SVG bar charts (S1-S3 in stats_chart.hpp).
#include "console/web/stats_chart.hpp"

#include "common/core/html.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace bodycam::console::web {

namespace {

using common::core::escape_html;

constexpr int width = 760;
constexpr int label_width = 280;
constexpr int value_width = 90;
constexpr int bar_room = width - label_width - value_width;
constexpr int row_height = 22;
constexpr int top = 30;

std::string number(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

double drawable(double v) { return std::isfinite(v) && v > 0 ? v : 0; }

}  // namespace

std::string render_bar_chart(const std::string& title, const std::vector<chart_bar>& bars, int decimals,
                             const std::string& unit) {
  const int rows = std::max<int>(1, static_cast<int>(bars.size()));
  const int height = top + rows * row_height + 10;
  const std::string h = std::to_string(height);
  std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"" + std::to_string(width) +
                    "\" height=\"" + h + "\" viewBox=\"0 0 " + std::to_string(width) + " " + h +
                    "\" role=\"img\"><title>" + escape_html(title) + "</title>";
  out += "<text x=\"0\" y=\"18\" font-family=\"sans-serif\" font-size=\"14\" font-weight=\"bold\">" +
         escape_html(title) + "</text>";
  if (bars.empty()) {
    out += "<text x=\"0\" y=\"" + std::to_string(top + 15) +
           "\" font-family=\"sans-serif\" font-size=\"12\">No sessions in the range.</text></svg>";
    return out;
  }
  double largest = 0;
  for (const auto& b : bars) largest = std::max(largest, drawable(b.value));
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const int y = top + static_cast<int>(i) * row_height;
    const double v = drawable(bars[i].value);
    const long length = largest > 0 ? std::lround(v / largest * bar_room) : 0;
    out += "<g><text x=\"" + std::to_string(label_width - 6) + "\" y=\"" + std::to_string(y + 15) +
           "\" text-anchor=\"end\" font-family=\"sans-serif\" font-size=\"12\">" + escape_html(bars[i].label) +
           "</text><rect x=\"" + std::to_string(label_width) + "\" y=\"" + std::to_string(y + 3) + "\" width=\"" +
           std::to_string(length) + "\" height=\"" + std::to_string(row_height - 6) + "\" fill=\"#1f5fd6\"/>" +
           "<text x=\"" + std::to_string(label_width + length + 6) + "\" y=\"" + std::to_string(y + 15) +
           "\" font-family=\"sans-serif\" font-size=\"12\">" + escape_html(number(bars[i].value, decimals) + unit) +
           "</text></g>";
  }
  out += "</svg>";
  return out;
}

}  // namespace bodycam::console::web

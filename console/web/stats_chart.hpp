// The statistics page's charts: plain SVG text drawn by the server, one horizontal bar per (group, period)
// cell, so supervisors see the numbers without any script. Pure: bars in, SVG text out.
// Guarantees:
//  S1. The result is one well-formed XML element <svg xmlns="http://www.w3.org/2000/svg" ...> with a <title>;
//      every label and the title pass through common::core::escape_html, so a hostile officer or unit name is
//      text, never markup.
//  S2. No script, no event-handler attribute, no style attribute and no external reference: the chart sits
//      inline in a page under the console's Content-Security-Policy.
//  S3. Bar lengths are proportional to the values (the longest bar is the largest value); a negative or
//      non-finite value is drawn as zero; no bars gives a chart that says so.
#pragma once

#include <string>
#include <vector>

namespace bodycam::console::web {

struct chart_bar {
  std::string label;  // "officer-7 2026-W49"
  double value = 0;
};

// The number after each bar is printed with `decimals` decimals and then `unit` ("12", "3.50 h").
[[nodiscard]] std::string render_bar_chart(const std::string& title, const std::vector<chart_bar>& bars,
                                           int decimals, const std::string& unit);

}  // namespace bodycam::console::web

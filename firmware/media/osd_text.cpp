#include "firmware/media/osd_text.hpp"

namespace bodycam::firmware::media {

namespace {
std::string printable(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) c = '?';  // invariant 2
  return out;
}
}  // namespace

std::string osd_session_line(std::string_view action, std::string_view case_number,
                             std::span<const std::string> officers, std::size_t max_chars) {
  if (action.empty() && case_number.empty() && officers.empty()) return {};  // invariant 3
  std::string line = "ACT " + (action.empty() ? std::string("-") : printable(action));
  if (!case_number.empty()) line += "  CASE " + printable(case_number);
  if (officers.empty()) return line;
  line += "  OFC " + std::to_string(officers.size()) + ":";
  // Invariant 1: officers while they fit, keeping room for "+N" for the rest.
  std::size_t shown = 0;
  for (const auto& officer : officers) {
    const std::size_t rest = officers.size() - shown - 1;
    const std::size_t reserve = rest > 0 ? 2 + std::to_string(rest).size() : 0;
    if (line.size() + 1 + officer.size() + reserve > max_chars) break;
    line += " " + printable(officer);
    ++shown;
  }
  if (shown < officers.size()) line += " +" + std::to_string(officers.size() - shown);
  return line;
}

}  // namespace bodycam::firmware::media

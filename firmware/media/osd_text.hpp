// The OSD's session line (pure, no libav): what the officers are doing, for which case and who is there,
// as the third line under the time and the device (video_filter.hpp). The recorder sets it whenever the
// session's roster changes; the filter draws it from the next frame on.
// Invariants:
//  1. At most `max_chars` characters, so the line stays readable at 1280x720 (the OSD's font is height/24 =
//     30 pixels, about 18 pixels a character: 68 characters and the margin fit in 1280): the action and the case number come first and are never cut;
//     officers that do not fit are counted ("+2"), never dropped silently.
//  2. Printable ASCII only: any other byte is shown as '?' (the fields are checked before they are recorded;
//     this is the last guard before the drawtext option string).
//  3. No session, no line: "" when there is no action, no case and no officer.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace bodycam::firmware::media {

inline constexpr std::size_t osd_session_line_chars = 68;

// "ACT on_site_penalty  CASE C-42  OFC 2: o-7 o-9" ("ACT -" without an action, no CASE part without one).
[[nodiscard]] std::string osd_session_line(std::string_view action, std::string_view case_number,
                                           std::span<const std::string> officers,
                                           std::size_t max_chars = osd_session_line_chars);

}  // namespace bodycam::firmware::media

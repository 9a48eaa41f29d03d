// The shared HTML escaper (H1-H3 of common/core/html.hpp): each special character, text inside quoted
// attributes, and every kind of malformed UTF-8 named for what a hostile string would try.
#include "common/core/html.hpp"

#include <catch2/catch.hpp>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace html_test {

using bodycam::common::core::escape_html;
using namespace std::string_literals;

namespace {
const std::string fffd = "\xEF\xBF\xBD";
}

TEST_CASE("escape_html: each special character has its entity (H1)") {
  CHECK(escape_html("&") == "&amp;");
  CHECK(escape_html("<") == "&lt;");
  CHECK(escape_html(">") == "&gt;");
  CHECK(escape_html("\"") == "&quot;");
  CHECK(escape_html("'") == "&#39;");
  CHECK(escape_html("<a href=\"x\">&'") == "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
  CHECK(escape_html("&amp;") == "&amp;amp;");  // already-escaped text is escaped again, not trusted
  CHECK(escape_html("") == "");
  CHECK(escape_html("cam-01 slot 3\t\n/=`") == "cam-01 slot 3\t\n/=`");  // H3
}

TEST_CASE("escape_html: a hostile value cannot leave a quoted attribute (H1)") {
  const std::string double_quoted = "<td title=\"" + escape_html("x\" onmouseover=\"alert(1)") + "\">";
  CHECK(double_quoted == "<td title=\"x&quot; onmouseover=&quot;alert(1)\">");
  const std::string single_quoted = "<td title='" + escape_html("x' onfocus='alert(1)") + "'>";
  CHECK(single_quoted == "<td title='x&#39; onfocus=&#39;alert(1)'>");
  for (const auto& hostile : {"\"><script>alert(1)</script>"s, "'><img src=x onerror=alert(1)>"s}) {
    const std::string escaped = escape_html(hostile);
    INFO(escaped);
    CHECK(escaped.find_first_of("<>\"'") == std::string::npos);
  }
}

TEST_CASE("escape_html: well-formed UTF-8 is kept (H3)") {
  CHECK(escape_html("Größe — 東京 🚓") == "Größe — 東京 🚓");
  CHECK(escape_html("\xF4\x8F\xBF\xBF") == "\xF4\x8F\xBF\xBF");  // U+10FFFF, the last code point
  CHECK(escape_html("\xED\x9F\xBF") == "\xED\x9F\xBF");          // U+D7FF, just below the surrogates
}

TEST_CASE("escape_html: malformed UTF-8 becomes U+FFFD, one per bad byte (H2)") {
  CHECK(escape_html("a\x80z") == "a" + fffd + "z");                     // stray_continuation_byte
  CHECK(escape_html("a\xC3") == "a" + fffd);                            // truncated_at_end
  CHECK(escape_html("\xE6\x97<") == fffd + fffd + "&lt;");              // truncated_before_markup
  CHECK(escape_html("\xC0\xBC") == fffd + fffd);                        // overlong_less_than
  CHECK(escape_html("\xE0\x80\xBC") == fffd + fffd + fffd);             // overlong_three_bytes
  CHECK(escape_html("\xF0\x80\x80\xBC") == fffd + fffd + fffd + fffd);  // overlong_four_bytes
  CHECK(escape_html("\xED\xA0\x80") == fffd + fffd + fffd);             // utf16_surrogate
  CHECK(escape_html("\xF4\x90\x80\x80") == fffd + fffd + fffd + fffd);  // above_u10ffff
  CHECK(escape_html("\xFF\xFE") == fffd + fffd);                        // never_valid_bytes
  CHECK(escape_html("a\0b"s) == "a" + fffd + "b");                      // nul_byte
}

}  // namespace html_test

// The one HTML escaper of the project: every page bodycam renders (the dock's status page, the audit report)
// passes text it did not write itself through escape_html.
// Guarantees:
//  H1. The result is safe as element text and as the value of an attribute quoted with " or ': the five
//      characters & < > " ' become &amp; &lt; &gt; &quot; &#39;, so untrusted text can neither open a tag nor
//      leave a quoted attribute.
//  H2. The result is valid UTF-8: each byte that does not belong to a well-formed UTF-8 sequence (stray
//      continuation bytes, truncated sequences, overlong forms, UTF-16 surrogates, code points above U+10FFFF)
//      and each NUL becomes U+FFFD, so a hostile device name cannot break the page's charset.
//  H3. Everything else, including well-formed multi-byte characters, is copied unchanged.
#pragma once

#include <string>
#include <string_view>

namespace bodycam::common::core {

[[nodiscard]] std::string escape_html(std::string_view text);

}  // namespace bodycam::common::core

// The little XML the S3 backend reads: ListObjectsV2 results, error bodies, the bucket's Object Lock
// configuration. A strict, minimal parser: one root element, nested elements with text, attributes read and
// ignored, the five predefined entities and numeric character references. Anything else (DOCTYPE, CDATA,
// comments, processing instructions after the prolog, mismatched or unclosed tags, text outside the root,
// nesting deeper than 32) is errc::malformed, so a response that is not what S3 sends is never half-read.
// Pure: no I/O.
#pragma once

#include "common/core/error.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace bodycam::common::store {

struct xml_element {
  std::string name;  // as written, prefix included
  std::string text;  // the character data directly inside, entities decoded (whitespace kept)
  std::vector<xml_element> children;

  // The first child called `name`, or nullptr.
  [[nodiscard]] const xml_element* child(std::string_view child_name) const noexcept;
  // The text of the first child called `name`, or "" if there is none.
  [[nodiscard]] std::string_view child_text(std::string_view child_name) const noexcept;
};

// `what` names the document in errors: "ListObjectsV2 response of s3 store http://…/bucket".
[[nodiscard]] core::expected<xml_element> parse_xml(std::string_view document, std::string_view what);

}  // namespace bodycam::common::store

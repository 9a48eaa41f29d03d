// HTTP Range requests (RFC 9110 §14) for segment downloads, as pure logic: which bytes of a file of a given
// length a Range header asks for, and the Content-Range that answers it.
// Guarantees:
//  B1. One range only ("bytes=a-b", "bytes=a-", "bytes=-n"); a header with several ranges or another unit is
//      ignored (the whole file, 200), as RFC 9110 allows.
//  B2. A range that starts at or past the end, or a suffix of 0 bytes, is unsatisfiable (416 with
//      "bytes */<length>"); an end past the file is clipped to its last byte.
//  B3. Numbers that do not fit 64 bits or are not decimal are malformed and ignored (200), never wrapped.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace bodycam::console::web {

struct range_answer {
  enum class kind { whole, partial, unsatisfiable } what = kind::whole;
  std::uint64_t first = 0;  // partial: the first byte
  std::uint64_t last = 0;   // partial: the last byte (inclusive)

  [[nodiscard]] std::uint64_t length() const noexcept { return last - first + 1; }
};

[[nodiscard]] range_answer answer_range(std::string_view range_header, std::uint64_t file_length);
// "bytes 0-99/1000" for partial, "bytes */1000" for unsatisfiable.
[[nodiscard]] std::string content_range(const range_answer& a, std::uint64_t file_length);

}  // namespace bodycam::console::web

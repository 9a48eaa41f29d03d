// Fuzzes the dock's status server's request handling (ingest/status) without a socket: the bytes a client sent
// go through the same Boost.Beast request parser with the same limits as status_server.cpp, the parse outcome
// is classified as the server does (413 too large, 400 malformed, nothing for a request cut short), and a parsed
// request is routed by route_status_request against a fixed status.
// Invariants checked (status_renderers.hpp R4, status_server.hpp S4, S7): every answer is 200, 400, 404, 405
// or 413 with a content type; a 400 echoes only printable ASCII of the parser's complaint.
#include "fuzz/fuzz_check.hpp"
#include "ingest/status/status_renderers.hpp"
#include "ingest/status/status_server.hpp"

#include <boost/beast/http.hpp>

namespace status = bodycam::ingest::status;
namespace http = boost::beast::http;
using bodycam::fuzz::require;

namespace {

constexpr std::size_t max_request_bytes = status::status_server_options{}.max_request_bytes;

[[nodiscard]] status::dock_status fixed_status() {
  status::dock_status s;
  s.dock_id = "dock-<fuzz>&\"1\"";
  s.store_available = false;
  s.store_error = "store <down>";
  return s;
}

void check_reply(const status::status_reply& reply) {
  const auto code = reply.status_code;
  require(code == 200 || code == 400 || code == 404 || code == 405 || code == 413, "status_http",
          "the answer is 200, 400, 404, 405 or 413");
  require(!reply.content_type.empty(), "status_http", "every answer has a content type");
  if (code == 400)
    for (const char c : reply.body)
      require(c == '\n' || (c >= 0x20 && c < 0x7f), "status_http", "a 400 body is printable ASCII");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  http::request_parser<http::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(max_request_bytes));
  parser.body_limit(max_request_bytes);
  boost::beast::error_code ec;
  std::size_t used = 0;
  while (!ec && used < size && !parser.is_done()) {
    const std::size_t n = parser.put(boost::asio::buffer(data + used, size - used), ec);
    if (n == 0 && !ec) break;  // needs more bytes than the client sent
    used += n;
  }
  if (!ec && !parser.is_done()) {
    // Beast's put_eof requires that some bytes arrived; a client that sent none gets nothing (end_of_stream).
    if (!parser.got_some()) return 0;
    parser.put_eof(ec);
    if (!ec && !parser.is_done()) return 0;  // cut short: the server closes without an answer
  }
  if (ec == http::error::header_limit || ec == http::error::body_limit || ec == http::error::buffer_overflow) {
    check_reply(status::oversized_request_reply());
    return 0;
  }
  if (ec) {
    if (ec != http::error::end_of_stream && ec != http::error::partial_message &&
        ec.category() == http::make_error_code(http::error::bad_method).category())
      check_reply(status::malformed_request_reply(ec.message()));
    return 0;
  }
  const auto& request = parser.get();
  const auto reply = status::route_status_request(
      std::string_view(request.method_string().data(), request.method_string().size()),
      std::string_view(request.target().data(), request.target().size()), fixed_status());
  check_reply(reply);
  return 0;
}

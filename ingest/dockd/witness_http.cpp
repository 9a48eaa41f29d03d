// One HTTP POST to a witness with one deadline; guarantees in witness_http.hpp.
#include "ingest/dockd/witness_http.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace bodycam::ingest::dockd {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace core = common::core;
using tcp = asio::ip::tcp;

core::expected<witness_answer> http_witness_transport::post(const witness_endpoint& witness, const std::string& body) {
  const std::string where = "POST " + witness.url + witness.target.substr(witness.target.rfind('/'));
  beast::error_code ec;
  const auto address = asio::ip::make_address(witness.host, ec);
  if (ec) return core::fail(core::errc::invalid_argument, where + ": address " + witness.host + ": " + ec.message());
  asio::io_context io;
  beast::tcp_stream stream(io);
  http::request<http::string_body> request{http::verb::post, witness.target, 11};
  request.set(http::field::host, witness.host + ":" + std::to_string(witness.port));
  request.set(http::field::user_agent, "bodycam-dockd");
  request.set(http::field::content_type, "text/plain; charset=utf-8");
  request.keep_alive(false);
  request.body() = body;
  request.prepare_payload();
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(max_answer_bytes_);
  beast::error_code result;
  std::string stage = "connect";
  stream.expires_after(timeout_);  // one deadline for the whole exchange
  stream.async_connect(tcp::endpoint(address, witness.port), [&](beast::error_code e) {
    if (e) {
      result = e;
      return;
    }
    stage = "send";
    http::async_write(stream, request, [&](beast::error_code we, std::size_t) {
      if (we) {
        result = we;
        return;
      }
      stage = "read the answer";
      http::async_read(stream, buffer, parser, [&](beast::error_code re, std::size_t) { result = re; });
    });
  });
  io.run();
  stream.socket().close(ec);
  if (result == beast::error::timeout)
    return core::fail(core::errc::timeout, where + ": " + stage + ": no answer within " +
                                               std::to_string(timeout_.count()) + " ms");
  if (result == http::error::body_limit)
    return core::fail(core::errc::malformed, where + ": answer larger than " + std::to_string(max_answer_bytes_) + " bytes");
  if (result) return core::fail(core::errc::closed, where + ": " + stage + ": " + result.message());
  const auto& response = parser.get();
  return witness_answer{response.result_int(), std::string(response[http::field::content_type]), response.body()};
}

}  // namespace bodycam::ingest::dockd

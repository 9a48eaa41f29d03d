// One HTTP GET of a dock's /status.json with a deadline (dock_status_client.hpp).
#include "console/web/dock_status_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace bodycam::console::web {

namespace core = common::core;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

core::expected<std::string> fetch_dock_status(const std::string& url, std::chrono::milliseconds timeout) {
  constexpr std::string_view scheme = "http://";
  if (!url.starts_with(scheme))
    return core::fail(core::errc::invalid_argument, "dock status " + url + ": only http:// URLs");
  const std::string rest = url.substr(scheme.size());
  const auto slash = rest.find('/');
  const std::string authority = rest.substr(0, slash);
  const std::string target = slash == std::string::npos ? "/" : rest.substr(slash);
  const auto colon = authority.rfind(':');
  const std::string host = colon == std::string::npos ? authority : authority.substr(0, colon);
  const std::string port = colon == std::string::npos ? "80" : authority.substr(colon + 1);
  if (host.empty() || port.empty()) return core::fail(core::errc::invalid_argument, "dock status " + url + ": no host");

  asio::io_context io;
  beast::tcp_stream stream(io);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(4 * 1024 * 1024);
  http::request<http::empty_body> request{http::verb::get, target, 11};
  request.set(http::field::host, authority);
  request.set(http::field::user_agent, "bodycam-console");
  beast::error_code failure;
  std::string step = "resolve";
  asio::ip::tcp::resolver resolver(io);
  stream.expires_after(timeout);  // one deadline for the whole exchange
  resolver.async_resolve(host, port, [&](beast::error_code ec, asio::ip::tcp::resolver::results_type results) {
    if (ec) {
      failure = ec;
      return;
    }
    step = "connect";
    stream.async_connect(results, [&](beast::error_code ec2, const asio::ip::tcp::endpoint&) {
      if (ec2) {
        failure = ec2;
        return;
      }
      step = "send the request";
      http::async_write(stream, request, [&](beast::error_code ec3, std::size_t) {
        if (ec3) {
          failure = ec3;
          return;
        }
        step = "read the answer";
        http::async_read(stream, buffer, parser, [&](beast::error_code ec4, std::size_t) { failure = ec4; });
      });
    });
  });
  io.run_for(timeout + std::chrono::milliseconds(100));
  if (!io.stopped()) {
    resolver.cancel();
    stream.close();
    return core::fail(core::errc::timeout, "dock status " + url + ": no answer within " +
                                               std::to_string(timeout.count()) + " ms (" + step + ")");
  }
  if (failure)
    return core::fail(core::errc::io, "dock status " + url + ": " + step + ": " +
                                          (failure == beast::error::timeout ? std::string("timed out")
                                                                            : failure.message()));
  if (parser.get().result_int() != 200)
    return core::fail(core::errc::io, "dock status " + url + ": answered HTTP " +
                                          std::to_string(parser.get().result_int()));
  return parser.get().body();
}

}  // namespace bodycam::console::web

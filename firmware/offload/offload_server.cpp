// Same GCC 12 / Asio 1.74 false positives as in common/link/secure_stream.cpp (coroutine frames).
#pragma GCC diagnostic ignored "-Wnull-dereference"
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
// (Before the first include: GCC judges these warnings by the state at the location they point to.)

#include "firmware/offload/offload_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <list>

namespace bodycam::firmware::offload {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
namespace core = common::core;
namespace link = common::link;
namespace msg = common::offload;

struct offload_server::state : std::enable_shared_from_this<offload_server::state> {
  state(asio::io_context& io, server_options o, const link::link_identity& id, offload_handler& h, log_function l,
        link::trust_set docks)
      : acceptor(io), options(std::move(o)), identity(id), handler(h), log(std::move(l)), trusted(std::move(docks)) {}
  tcp::acceptor acceptor;
  server_options options;
  const link::link_identity& identity;
  offload_handler& handler;
  log_function log;
  link::trust_set trusted;
  link::system_random_source random;
  std::list<link::secure_stream*> open_links;
  bool stopped = false;

  void say(const std::string& line) {
    if (log) log(line);
  }

  asio::awaitable<void> serve(tcp::socket socket) {
    auto self = shared_from_this();
    link::secure_stream stream(std::move(socket), options.timeouts);
    open_links.push_back(&stream);
    auto it = std::prev(open_links.end());
    const std::string peer = stream.peer_address();
    auto shaken = co_await stream.handshake(link::role::initiator, identity, trusted, random);
    if (!shaken) {
      say("offload: refused link from " + peer + ": " + shaken.error().context);
    } else {
      const auto dock_key = stream.peer_key();
      say("offload: dock " + dock_key.fingerprint().to_hex().substr(0, 16) + " connected from " + peer);
      for (;;) {
        auto f = co_await stream.read_frame();
        if (!f) {
          if (f.error().code != core::errc::closed) say("offload: link from " + peer + ": " + f.error().context);
          break;
        }
        auto request = msg::decode(f->payload);
        msg::message response = request ? handler.handle(*request, dock_key) : msg::message(msg::from_error(request.error()));
        auto bytes = msg::encode(response);
        if (!bytes) bytes = msg::encode(msg::from_error(bytes.error()));
        if (!bytes) break;
        auto sent = co_await stream.write_frame(link::frame::make_data(*bytes));
        if (!sent) {
          say("offload: link from " + peer + ": " + sent.error().context);
          break;
        }
        if (!request) {
          say("offload: malformed request from " + peer + ": " + request.error().context);
          (void)co_await stream.close("malformed request");
          break;
        }
      }
    }
    stream.abort();
    open_links.erase(it);
  }

  asio::awaitable<void> accept_loop() {
    auto self = shared_from_this();
    while (!stopped) {
      boost::system::error_code ec;
      tcp::socket socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        if (stopped || ec == asio::error::operation_aborted) break;
        say("offload: accept: " + ec.message());
        continue;
      }
      if (open_links.size() >= options.max_connections) {
        say("offload: too many links, closing a new one");
        socket.close(ec);
        continue;
      }
      asio::co_spawn(acceptor.get_executor(), serve(std::move(socket)), asio::detached);
    }
  }
};

core::expected<std::unique_ptr<offload_server>> offload_server::open(asio::io_context& io, server_options options,
                                                                     const link::link_identity& identity,
                                                                     offload_handler& handler, log_function log) {
  auto trusted = handler.trusted_docks().to_trust_set("an agency dock");
  if (!trusted) return std::unexpected(trusted.error());
  auto s = std::make_shared<state>(io, std::move(options), identity, handler, std::move(log), std::move(*trusted));
  boost::system::error_code ec;
  const auto where = s->options.listen.address().to_string() + ":" + std::to_string(s->options.listen.port());
  s->acceptor.open(s->options.listen.protocol(), ec);
  if (!ec) s->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) s->acceptor.bind(s->options.listen, ec);
  if (!ec) s->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return core::fail(core::errc::io, "listen for docks on " + where + ": " + ec.message());
  asio::co_spawn(io, s->accept_loop(), asio::detached);
  return std::unique_ptr<offload_server>(new offload_server(std::move(s)));
}

offload_server::~offload_server() { stop(); }

tcp::endpoint offload_server::endpoint() const {
  boost::system::error_code ec;
  return state_->acceptor.local_endpoint(ec);
}

void offload_server::stop() {
  if (state_->stopped) return;
  state_->stopped = true;
  boost::system::error_code ec;
  state_->acceptor.close(ec);
  for (auto* stream : state_->open_links) stream->abort();
}

}  // namespace bodycam::firmware::offload

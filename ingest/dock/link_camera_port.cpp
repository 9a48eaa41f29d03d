// Same GCC 12 / Asio 1.74 false positives as in common/link/secure_stream.cpp (coroutine frames).
#pragma GCC diagnostic ignored "-Wnull-dereference"
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
// (Before the first include: GCC judges these warnings by the state at the location they point to.)

#include "ingest/dock/link_camera_port.hpp"

#include <boost/asio/co_spawn.hpp>

#include <optional>

namespace bodycam::ingest::dock {

namespace asio = boost::asio;
namespace core = common::core;
namespace link = common::link;
namespace msg = common::offload;

namespace {

template <class T>
asio::awaitable<void> keep_result(asio::awaitable<T> work, std::optional<T>& out) {
  out.emplace(co_await std::move(work));
}

// Runs `work` on `io` to completion and returns its result.
template <class T>
T run_to_completion(asio::io_context& io, asio::awaitable<T> work, std::string_view what) {
  std::optional<T> out;
  io.restart();
  asio::co_spawn(io, keep_result(std::move(work), out), [](const std::exception_ptr&) {});
  io.run();
  if (!out) return T(core::fail(core::errc::internal, std::string(what) + " abandoned"));
  return std::move(*out);
}

}  // namespace

core::expected<std::unique_ptr<link_camera_port>> link_camera_port::connect(const asio::ip::tcp::endpoint& endpoint,
                                                                            const link::link_identity& identity,
                                                                            const link::trust_set& cameras,
                                                                            link::link_timeouts timeouts) {
  std::unique_ptr<link_camera_port> port(new link_camera_port());
  port->io_ = std::make_unique<asio::io_context>(1);
  port->address_ = endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
  auto socket = run_to_completion(*port->io_, link::connect_with_timeout(endpoint, timeouts.connect), "connect");
  if (!socket) return core::wrap("connect to camera " + port->address_, socket.error());
  port->stream_ = std::make_unique<link::secure_stream>(std::move(*socket), timeouts);
  link::system_random_source random;
  auto shaken = run_to_completion(*port->io_, port->stream_->handshake(link::role::responder, identity, cameras, random),
                                  "handshake");
  if (!shaken) return core::wrap("link to camera " + port->address_, shaken.error());
  port->peer_ = port->stream_->peer_key();
  return port;
}

link_camera_port::~link_camera_port() {
  if (stream_) stream_->abort();
}

core::expected<msg::message> link_camera_port::exchange(const msg::message& request) {
  if (in_flight_ != 0)  // invariant 3: the response read would answer an earlier request
    return core::fail(core::errc::internal, "camera " + address_ + ": exchange with " + std::to_string(in_flight_) +
                                                " requests in flight");
  if (auto sent = send(request); !sent) return std::unexpected(sent.error());
  return receive();
}

core::status link_camera_port::send(const msg::message& request) {
  auto bytes = msg::encode(request);
  if (!bytes) return std::unexpected(bytes.error());
  auto work = [](link::secure_stream& s, core::byte_buffer b) -> asio::awaitable<core::status> {
    co_return co_await s.write_frame(link::frame::make_data(b));
  };
  auto sent = run_to_completion(*io_, work(*stream_, std::move(*bytes)), "send");
  if (!sent) {
    stream_->abort();
    return core::wrap("camera " + address_, sent.error());
  }
  ++in_flight_;
  return {};
}

core::expected<msg::message> link_camera_port::receive() {
  if (in_flight_ == 0)
    return core::fail(core::errc::internal, "camera " + address_ + ": receive with no request in flight");
  auto work = [](link::secure_stream& s) -> asio::awaitable<core::expected<msg::message>> {
    auto f = co_await s.read_frame();
    if (!f) co_return std::unexpected(f.error());
    co_return msg::decode(f->payload);
  };
  auto response = run_to_completion(*io_, work(*stream_), "receive");
  if (!response) {
    stream_->abort();
    return core::wrap("camera " + address_, response.error());
  }
  --in_flight_;
  return response;
}

void link_camera_port::close(const std::string& reason) {
  if (!stream_ || !stream_->is_open()) return;
  (void)run_to_completion(*io_, stream_->close(reason), "close");
}

}  // namespace bodycam::ingest::dock

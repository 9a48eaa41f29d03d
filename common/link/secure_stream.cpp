// Boost.Asio 1.74 with GCC 12 at -O2 reports two false positives inside Asio's own code once it is inlined
// into our coroutines: -Wnull-dereference in detail/impl/scheduler.ipp (the thread-info pointer is checked
// before use) and -Wmismatched-new-delete on awaitable frames (Asio pairs its own frame operator new and
// delete). They are silenced for this file only.
#pragma GCC diagnostic ignored "-Wnull-dereference"
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
// (Before the first include: GCC judges these warnings by the state at the location they point to.)

#include "common/link/secure_stream.hpp"

#include <memory>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace bodycam::common::link {

namespace asio = boost::asio;
namespace core = common::core;
using tcp = asio::ip::tcp;

namespace {

// Closes `socket` if the deadline passes before the guard is destroyed (invariant 1). The timer's handler
// owns the shared state, so it never touches a destroyed guard; it touches the socket only while the guard
// lives, i.e. while the guarded operation is pending on a live stream.
class socket_deadline {
 public:
  socket_deadline(tcp::socket& socket, std::chrono::milliseconds duration)
      : state_(std::make_shared<state>()), timer_(socket.get_executor()), duration_(duration) {
    state_->socket = &socket;
    timer_.expires_after(duration);
    timer_.async_wait([s = state_](const boost::system::error_code& ec) {
      if (ec || s->done) return;
      s->expired = true;
      boost::system::error_code ignored;
      s->socket->close(ignored);
    });
  }
  socket_deadline(const socket_deadline&) = delete;
  socket_deadline& operator=(const socket_deadline&) = delete;
  // The timer's destructor cancels the wait; the handler then sees operation_aborted.
  ~socket_deadline() { state_->done = true; }

  [[nodiscard]] bool expired() const noexcept { return state_->expired; }
  [[nodiscard]] std::chrono::milliseconds duration() const noexcept { return duration_; }

 private:
  struct state {
    bool done = false;
    bool expired = false;
    tcp::socket* socket = nullptr;
  };
  std::shared_ptr<state> state_;
  asio::steady_timer timer_;
  std::chrono::milliseconds duration_;
};

std::string format_endpoint(const tcp::endpoint& endpoint) {
  return endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

core::error transport_error(std::string_view what, const boost::system::error_code& ec, const socket_deadline& until) {
  const std::string prefix(what);
  if (until.expired())
    return {core::errc::timeout, prefix + ": timed out after " + std::to_string(until.duration().count()) + " ms"};
  if (ec == asio::error::eof || ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
      ec == asio::error::connection_aborted)
    return {core::errc::closed, prefix + ": the peer closed the connection (" + ec.message() + ")"};
  return {core::errc::io, prefix + ": " + ec.message()};
}

}  // namespace

struct secure_stream::deadline : socket_deadline {
  using socket_deadline::socket_deadline;
};

asio::awaitable<core::expected<tcp::socket>> connect_with_timeout(tcp::endpoint endpoint,
                                                                  std::chrono::milliseconds timeout) {
  tcp::socket socket(co_await asio::this_coro::executor);
  const std::string what = "connect to " + format_endpoint(endpoint);
  socket_deadline until(socket, timeout);
  boost::system::error_code ec;
  co_await socket.async_connect(endpoint, asio::redirect_error(asio::use_awaitable, ec));
  if (ec || until.expired()) co_return std::unexpected(transport_error(what, ec, until));
  co_return std::move(socket);
}

secure_stream::secure_stream(tcp::socket socket, link_timeouts timeouts)
    : socket_(std::move(socket)), timeouts_(timeouts) {
  boost::system::error_code ec;
  const auto remote = socket_.remote_endpoint(ec);
  peer_address_ = ec ? std::string("an unconnected peer") : format_endpoint(remote);
  socket_.set_option(tcp::no_delay(true), ec);  // small request/response frames; a failure only costs latency
}

secure_stream::~secure_stream() { abort(); }

void secure_stream::abort() noexcept {
  boost::system::error_code ignored;
  socket_.close(ignored);
}

std::unexpected<core::error> secure_stream::fail_stream(core::error e) {
  if (!failure_) failure_ = e;  // invariant 2
  if (channel_) channel_->close(e.context);
  abort();
  return std::unexpected(std::move(e));
}

std::unexpected<core::error> secure_stream::failed_earlier(std::string_view operation) const {
  return std::unexpected(core::error{core::errc::closed, std::string(operation) + " with " + peer_address_ +
                                                             ": the stream has ended: " + failure_->context});
}

asio::awaitable<core::expected<core::byte_buffer>> secure_stream::read_message(deadline& until, std::string_view what) {
  const std::string context = std::string(what) + " from " + peer_address_;
  for (;;) {
    auto next = decoder_.next();
    if (!next) co_return fail_stream({next.error().code, context + ": " + next.error().context});
    if (*next) co_return std::move(**next);
    boost::system::error_code ec;
    const std::size_t received =
        co_await socket_.async_read_some(asio::buffer(read_buffer_), asio::redirect_error(asio::use_awaitable, ec));
    if (!ec && until.expired()) ec = asio::error::timed_out;  // the deadline closed the socket meanwhile
    if (ec == asio::error::eof && !until.expired()) {
      if (auto ended = decoder_.finish(); !ended)  // truncated message
        co_return fail_stream({ended.error().code, context + ": " + ended.error().context});
    }
    if (ec) co_return fail_stream(transport_error(context, ec, until));
    decoder_.feed(core::byte_view(read_buffer_.data(), received));
  }
}

asio::awaitable<core::status> secure_stream::write_bytes(core::byte_view bytes, deadline& until,
                                                         std::string_view what) {
  const std::string context = std::string(what) + " to " + peer_address_;
  boost::system::error_code ec;
  co_await asio::async_write(socket_, asio::buffer(bytes.data(), bytes.size()),
                             asio::redirect_error(asio::use_awaitable, ec));
  if (!ec && until.expired()) ec = asio::error::timed_out;
  if (ec) co_return fail_stream(transport_error(context, ec, until));
  co_return core::status{};
}

asio::awaitable<core::status> secure_stream::handshake(role own_role, const link_identity& own, const trust_set& peers,
                                                       random_source& random) {
  if (failure_) co_return failed_earlier("handshake");
  if (channel_) co_return core::fail(core::errc::conflict, "handshake with " + peer_address_ + ": already done");
  deadline until(socket_, timeouts_.handshake);
  const std::string context = "handshake with " + peer_address_;
  auto noise = link_handshake::start(own_role, own, peers, random);
  if (!noise) co_return fail_stream({noise.error().code, context + ": " + noise.error().context});
  decoder_.set_max_message(max_handshake_message);  // invariant 3
  while (!noise->is_complete()) {
    if (noise->is_my_turn()) {
      auto message = noise->write_message();
      if (!message) co_return fail_stream({message.error().code, context + ": " + message.error().context});
      auto wire = encode_wire_message(*message);
      if (!wire) co_return fail_stream({wire.error().code, context + ": " + wire.error().context});
      auto sent = co_await write_bytes(*wire, until, "send handshake message");
      if (!sent) co_return sent;
    } else {
      auto message = co_await read_message(until, "receive handshake message");
      if (!message) co_return std::unexpected(message.error());
      if (auto accepted = noise->read_message(*message); !accepted)
        co_return fail_stream({accepted.error().code, context + ": " + accepted.error().context});
    }
  }
  auto channel = noise->finish();
  if (!channel) co_return fail_stream({channel.error().code, context + ": " + channel.error().context});
  channel_.emplace(std::move(*channel));
  decoder_.set_max_message(max_noise_message);
  co_return co_await confirm(own_role, until);
}

asio::awaitable<core::status> secure_stream::confirm(role own_role, deadline& until) {
  if (own_role == role::responder) {
    auto wire = channel_->seal(frame::make_accept());
    if (!wire) co_return fail_stream(wire.error());
    co_return co_await write_bytes(*wire, until, "send accept");
  }
  auto message = co_await read_message(until, "receive accept");
  if (!message) {
    core::error e = message.error();
    if (e.code == core::errc::closed)
      e.context += "; the responder ended the link after the handshake (does it trust this device?)";
    failure_ = e;
    co_return std::unexpected(e);
  }
  auto opened = channel_->open(*message);
  if (!opened)
    co_return fail_stream(
        {opened.error().code, "receive accept from " + peer_address_ + ": " + opened.error().context});
  if (opened->type == frame_type::close) {
    const std::string reason(opened->payload.begin(), opened->payload.end());
    co_return fail_stream(
        {core::errc::closed, "receive accept from " + peer_address_ + ": the responder refused: " + reason});
  }
  if (opened->type != frame_type::accept)
    co_return fail_stream({core::errc::malformed, "receive accept from " + peer_address_ + ": got a " +
                                                      std::string(to_string(opened->type)) + " frame instead"});
  co_return core::status{};
}

asio::awaitable<core::expected<frame>> secure_stream::read_frame() {
  if (failure_) co_return failed_earlier("read frame");
  if (!channel_) co_return core::fail(core::errc::conflict, "read frame from " + peer_address_ + ": no handshake yet");
  deadline until(socket_, timeouts_.read);
  auto message = co_await read_message(until, "read frame");
  if (!message) co_return std::unexpected(message.error());
  auto opened = channel_->open(*message);
  if (!opened)
    co_return fail_stream({opened.error().code, "read frame from " + peer_address_ + ": " + opened.error().context});
  if (opened->type == frame_type::close) {
    const std::string reason(opened->payload.begin(), opened->payload.end());
    co_return fail_stream(
        {core::errc::closed, "read frame from " + peer_address_ + ": the peer closed the link: " + reason});
  }
  if (opened->type == frame_type::accept)
    co_return fail_stream(
        {core::errc::malformed, "read frame from " + peer_address_ + ": accept frame after the handshake"});
  co_return std::move(*opened);
}

asio::awaitable<core::status> secure_stream::write_frame(frame f) {
  if (failure_) co_return failed_earlier("write frame");
  if (!channel_) co_return core::fail(core::errc::conflict, "write frame to " + peer_address_ + ": no handshake yet");
  auto wire = channel_->seal(f);
  if (!wire) {
    if (channel_->is_closed()) co_return fail_stream(wire.error());
    co_return std::unexpected(wire.error());  // the caller's frame was refused; the stream is intact
  }
  deadline until(socket_, timeouts_.write);
  co_return co_await write_bytes(*wire, until, "write frame");
}

asio::awaitable<core::status> secure_stream::close(std::string reason) {
  if (failure_) co_return failed_earlier("close");
  core::status sent;
  if (channel_) {
    auto wire = channel_->seal(frame::make_close(reason));
    if (!wire) co_return fail_stream(wire.error());
    deadline until(socket_, timeouts_.write);
    sent = co_await write_bytes(*wire, until, "send close");
    if (!sent) co_return sent;
    channel_->close("closed by this side: " + reason);
  }
  boost::system::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_send, ignored);
  failure_ = core::error{core::errc::closed, "closed by this side: " + reason};
  abort();
  co_return sent;
}

}  // namespace bodycam::common::link

// The Asio side of the control socket. Everything the server and its connections do runs on one strand; the
// shared `state` lives as long as any pending operation needs it, so stopping and destroying the server in
// any order relative to outstanding handlers is safe (only the io_context must outlive it).
// Connection life (one per client):
//   read line --(line)--> handle_line --> write response --> read line ...
//        |--(over limit)--> write line_too_long --> close
//        |--(eof with a partial line)--> handle_line --> write response --> close
//        |--(eof, error, deadline passed, server stop)--> close
#include "firmware/control/control_server.hpp"

#include "common/core/unix_socket_address.hpp"

#include "common/core/unique_fd.hpp"
#include "firmware/control/control_protocol.hpp"
#include "firmware/control/socket_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

namespace bodycam::firmware::control {

namespace asio = boost::asio;
namespace core = common::core;
using stream = asio::local::stream_protocol;
using boost_error = boost::system::error_code;

namespace {

constexpr mode_t socket_mode = 0660;
// After a failed accept (EMFILE, ENFILE, ENOBUFS) wait before the next, rather than spin.
constexpr std::chrono::milliseconds accept_retry_delay{100};

std::unexpected<core::error> fail_asio(std::string_view operation, const std::string& object, const boost_error& ec) {
  if (ec.category() == boost::system::system_category()) return core::fail_errno(operation, object, ec.value());
  return core::fail(core::errc::io, std::string(operation) + " " + object + ": " + ec.message());
}

}  // namespace

struct control_server::state : std::enable_shared_from_this<control_server::state> {
  class connection;

  state(asio::io_context& io, const server_options& opts, const command_parser& parser, command_handler& handler)
      : strand(asio::make_strand(io)),
        acceptor(strand),
        retry_timer(strand),
        options(opts),
        protocol(parser, handler) {}

  void do_accept();
  void on_accept(const boost_error& ec, stream::socket socket);
  void reject(stream::socket socket);
  void do_stop();
  void connection_closed() { --active; }

  asio::strand<asio::io_context::executor_type> strand;
  stream::acceptor acceptor;
  asio::steady_timer retry_timer;
  server_options options;
  control_protocol protocol;
  core::unique_fd lock;      // flock on "<socket>.lock", released when the last handler lets go of the state
  file_identity identity{};  // of the socket file bound by open(); immutable afterwards
  std::vector<std::weak_ptr<connection>> connections;
  std::size_t active = 0;  // connections open now; never above options.max_clients
  bool stopped = false;
};

class control_server::state::connection : public std::enable_shared_from_this<connection> {
 public:
  connection(std::shared_ptr<state> owner, stream::socket socket)
      : owner_(std::move(owner)),
        socket_(std::move(socket)),
        deadline_(owner_->strand),
        buffer_(owner_->protocol.parser().max_line_bytes() + 1) {}  // the line and its '\n'

  void start() { do_read(); }

  void close() {
    if (closed_) return;
    closed_ = true;
    boost_error ignored;
    socket_.shutdown(stream::socket::shutdown_both, ignored);
    socket_.close(ignored);
    deadline_.cancel();
    owner_->connection_closed();
  }

 private:
  // Every read and write runs under a fresh deadline; a deadline that fires for an operation already finished
  // (its handler was queued when the timer was re-armed) is recognised by its generation and ignored.
  void arm_deadline() {
    const std::uint64_t generation = ++deadline_generation_;
    deadline_.expires_after(owner_->options.idle_timeout);
    deadline_.async_wait([self = shared_from_this(), generation](const boost_error& ec) {
      if (!ec && generation == self->deadline_generation_) self->close();
    });
  }

  void do_read() {
    arm_deadline();
    asio::async_read_until(socket_, buffer_, '\n',
                           [self = shared_from_this()](const boost_error& ec, std::size_t n) { self->on_read(ec, n); });
  }

  void on_read(const boost_error& ec, std::size_t n) {
    if (closed_) return;
    if (ec == asio::error::not_found) {
      const std::size_t limit = owner_->protocol.parser().max_line_bytes();
      respond(format_error({}, protocol_error{std::string(error_code::line_too_long),
                                              "request line exceeds the limit of " + std::to_string(limit) +
                                                  " bytes; closing the connection"}),
              true);
      return;
    }
    if (ec == asio::error::eof && buffer_.size() > 0) {
      respond(owner_->protocol.handle_line(take(buffer_.size())), true);
      return;
    }
    if (ec) {
      close();
      return;
    }
    std::string line = take(n);
    line.pop_back();  // the '\n'
    respond(owner_->protocol.handle_line(line), false);
  }

  std::string take(std::size_t n) {
    const auto begin = asio::buffers_begin(buffer_.data());
    std::string out(begin, begin + static_cast<std::ptrdiff_t>(n));
    buffer_.consume(n);
    return out;
  }

  void respond(std::string line, bool close_after) {
    out_ = std::move(line);
    out_ += '\n';
    arm_deadline();
    asio::async_write(socket_, asio::buffer(out_),
                      [self = shared_from_this(), close_after](const boost_error& ec, std::size_t) {
                        if (self->closed_) return;
                        if (ec || close_after) {
                          self->close();
                          return;
                        }
                        self->do_read();
                      });
  }

  std::shared_ptr<state> owner_;
  stream::socket socket_;
  asio::steady_timer deadline_;
  asio::streambuf buffer_;
  std::string out_;
  std::uint64_t deadline_generation_ = 0;
  bool closed_ = false;
};

void control_server::state::do_accept() {
  acceptor.async_accept([self = shared_from_this()](const boost_error& ec, stream::socket socket) {
    self->on_accept(ec, std::move(socket));
  });
}

void control_server::state::on_accept(const boost_error& ec, stream::socket socket) {
  if (stopped || ec == asio::error::operation_aborted) return;
  if (ec) {
    retry_timer.expires_after(accept_retry_delay);
    retry_timer.async_wait([self = shared_from_this()](const boost_error& wait_ec) {
      if (!wait_ec && !self->stopped) self->do_accept();
    });
    return;
  }
  if (active >= options.max_clients) {
    reject(std::move(socket));
  } else {
    ++active;
    auto c = std::make_shared<connection>(shared_from_this(), std::move(socket));
    std::erase_if(connections, [](const std::weak_ptr<connection>& w) { return w.expired(); });
    connections.push_back(c);
    c->start();
  }
  do_accept();
}

// One "busy" line and close. The line is far smaller than a fresh socket's send buffer, so the write
// completes at once whether or not the client reads.
void control_server::state::reject(stream::socket socket) {
  auto rejected = std::make_shared<stream::socket>(std::move(socket));
  auto line = std::make_shared<std::string>(
      format_error({}, protocol_error{std::string(error_code::busy), "too many control clients (limit " +
                                                                         std::to_string(options.max_clients) +
                                                                         "); try again later"}) +
      "\n");
  asio::async_write(*rejected, asio::buffer(*line), [rejected, line](const boost_error&, std::size_t) {
    boost_error ignored;
    rejected->close(ignored);
  });
}

void control_server::state::do_stop() {
  if (stopped) return;
  stopped = true;
  boost_error ignored;
  acceptor.close(ignored);
  retry_timer.cancel();
  for (auto& weak : connections)
    if (auto c = weak.lock()) c->close();
  connections.clear();
}

core::expected<std::unique_ptr<control_server>> control_server::open(asio::io_context& io,
                                                                     const server_options& options,
                                                                     const command_parser& parser,
                                                                     command_handler& handler) {
  const std::string& path = options.socket_path;
  // A path too long for sun_path is bound through its folder (common/core/unix_socket_address.hpp).
  auto address = core::unix_socket_address::resolve(path);
  if (!address) return core::wrap("control socket", address.error());
  if (options.max_clients == 0 || options.idle_timeout <= std::chrono::milliseconds::zero())
    return core::fail(core::errc::invalid_argument,
                      "control socket " + path + ": max_clients and idle_timeout must be positive");

  auto lock = claim_socket_path(path);
  if (!lock) return std::unexpected(lock.error());
  if (auto ok = remove_stale_socket(path); !ok) return std::unexpected(ok.error());

  auto shared = std::make_shared<state>(io, options, parser, handler);
  shared->lock = std::move(*lock);
  boost_error ec;
  shared->acceptor.open(stream(), ec);
  if (ec) return fail_asio("open control socket", path, ec);
  // 1. The file bind() creates takes the socket inode's mode (less the umask): never more open than 0660.
  if (::fchmod(shared->acceptor.native_handle(), socket_mode) != 0)
    return core::fail_errno("chmod control socket", path, errno);
  shared->acceptor.bind(stream::endpoint(address->address()), ec);
  if (ec) return fail_asio("bind control socket", path, ec);

  // From here on the file exists and is ours: remove it again on any failure.
  auto fail_bound = [&](std::unexpected<core::error> failure) {
    ::unlink(path.c_str());
    return failure;
  };
  if (::chmod(path.c_str(), socket_mode) != 0) return fail_bound(core::fail_errno("chmod control socket", path, errno));
  auto identity = identify_file(path);
  if (!identity) return fail_bound(std::unexpected(identity.error()));
  shared->identity = *identity;
  shared->acceptor.listen(options.listen_backlog, ec);
  if (ec) return fail_bound(fail_asio("listen on control socket", path, ec));

  asio::post(shared->strand, [shared] { shared->do_accept(); });
  return std::unique_ptr<control_server>(new control_server(std::move(shared)));
}

control_server::control_server(std::shared_ptr<state> shared) : state_(std::move(shared)) {}

control_server::~control_server() { stop(); }

void control_server::stop() {
  asio::post(state_->strand, [shared = state_] { shared->do_stop(); });
}

core::status control_server::remove_socket_file() {
  return remove_socket_if_same(state_->options.socket_path, state_->identity);
}

const std::string& control_server::socket_path() const noexcept { return state_->options.socket_path; }

}  // namespace bodycam::firmware::control

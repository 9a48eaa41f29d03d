// The fault proxy (fault_proxy.hpp): one io_context, a session per accepted connection holding both sockets,
// callbacks that pump bytes each way and apply the connection's fault to the answer (server → client) stream.
#include "tests/support/fault_proxy.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <functional>
#include <string_view>
#include <stdexcept>

namespace bodycam::tests {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

constexpr std::size_t buffer_bytes = 16 * 1024;

const std::string slow_down_answer =
    "HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\nConnection: close\r\nContent-Length: 110\r\n\r\n"
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code><Message>Please reduce</Message></Error>";

// What a fault is for one request: its kind and, for reset and truncate, after how many answer bytes.
struct drawn_fault {
  proxy_fault fault = proxy_fault::none;
  std::size_t cut_after = 1;
};

// One client connection and its upstream. A fault is drawn for every request, from its first bytes: the first
// chunk on the connection, then the first the client sends after an answer began (the next request on a
// keep-alive connection). drop, slow_down and blackhole act on the request before it is forwarded; delay, reset_mid_body
// and truncate act on its answer.
class session : public std::enable_shared_from_this<session> {
 public:
  session(tcp::socket client, std::function<drawn_fault(std::string_view)> draw, std::chrono::milliseconds delay)
      : client_(std::move(client)),
        upstream_(client_.get_executor()),
        timer_(client_.get_executor()),
        draw_(std::move(draw)),
        delay_(delay) {}

  void start(const tcp::endpoint& upstream) {
    auto self = shared_from_this();
    upstream_.async_connect(upstream, [self](const boost::system::error_code& ec) {
      if (ec) return self->close_both();
      self->pump_request();
      self->pump_answer();
    });
  }

  void close_both() {
    boost::system::error_code ignored;
    client_.close(ignored);
    upstream_.close(ignored);
    timer_.cancel();
  }

 private:
  void next_request(std::string_view head) {
    current_ = draw_(head);
    new_request_ = false;
    forwarded_ = 0;
    delayed_ = false;
    answer_seen_ = false;
  }

  void swallow() {
    auto self = shared_from_this();
    client_.async_read_some(asio::buffer(up_), [self](const boost::system::error_code& ec, std::size_t) {
      if (ec) return self->close_both();
      self->swallow();
    });
  }

  void pump_request() {
    auto self = shared_from_this();
    client_.async_read_some(asio::buffer(up_), [self](const boost::system::error_code& ec, std::size_t n) {
      if (ec) return self->close_both();
      if (self->answer_seen_ || self->new_request_) self->next_request(std::string_view(self->up_.data(), n));
      switch (self->current_.fault) {
        case proxy_fault::drop: return self->close_both();
        case proxy_fault::blackhole: {
          boost::system::error_code ignored;
          self->upstream_.close(ignored);
          return self->swallow();
        }
        case proxy_fault::slow_down:
          asio::async_write(self->client_, asio::buffer(slow_down_answer),
                            [self](const boost::system::error_code&, std::size_t) { self->close_both(); });
          return;
        default: break;
      }
      asio::async_write(self->upstream_, asio::buffer(self->up_.data(), n),
                        [self](const boost::system::error_code& e, std::size_t) {
                          if (e) return self->close_both();
                          self->pump_request();
                        });
    });
  }

  void pump_answer() {
    auto self = shared_from_this();
    upstream_.async_read_some(asio::buffer(down_), [self](const boost::system::error_code& ec, std::size_t n) {
      if (ec && self->current_.fault == proxy_fault::blackhole) return;  // the client waits for nothing
      if (ec) return self->close_both();
      self->answer_seen_ = true;
      if (self->current_.fault == proxy_fault::delay && !self->delayed_) {
        self->delayed_ = true;
        self->timer_.expires_after(self->delay_);
        self->timer_.async_wait([self, n](const boost::system::error_code& e) {
          if (e) return self->close_both();
          self->forward_answer(n);
        });
        return;
      }
      self->forward_answer(n);
    });
  }

  void forward_answer(std::size_t n) {
    auto self = shared_from_this();
    const auto fault = current_.fault;
    const bool cuts = fault == proxy_fault::reset_mid_body || fault == proxy_fault::truncate;
    std::size_t send = n;
    bool cut_now = false;
    if (cuts && forwarded_ + n >= current_.cut_after) {
      send = current_.cut_after > forwarded_ ? current_.cut_after - forwarded_ : 0;
      cut_now = true;
    }
    forwarded_ += send;
    asio::async_write(client_, asio::buffer(down_.data(), send),
                      [self, cut_now, fault](const boost::system::error_code& e, std::size_t) {
                        if (e) return self->close_both();
                        if (!cut_now) return self->pump_answer();
                        boost::system::error_code ignored;
                        if (fault == proxy_fault::reset_mid_body)
                          self->client_.set_option(asio::socket_base::linger(true, 0), ignored);  // close sends RST
                        else
                          self->client_.shutdown(tcp::socket::shutdown_send, ignored);
                        self->close_both();
                      });
  }

  tcp::socket client_;
  tcp::socket upstream_;
  asio::steady_timer timer_;
  std::function<drawn_fault(std::string_view)> draw_;
  bool new_request_ = true;
  std::chrono::milliseconds delay_;
  drawn_fault current_;
  bool delayed_ = false;
  bool answer_seen_ = false;
  std::size_t forwarded_ = 0;
  std::array<char, buffer_bytes> up_{};
  std::array<char, buffer_bytes> down_{};
};

}  // namespace

class fault_proxy::impl {
 public:
  impl(fault_proxy& owner, const std::string& host, std::uint16_t port)
      : owner_(owner), acceptor_(ioc_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    upstream_ = tcp::endpoint(asio::ip::make_address(host), port);
  }

  void accept() {
    acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
      if (ec) return;
      ++owner_.connections_;
      auto draw = [this](std::string_view head) {
        drawn_fault d;
        d.fault = owner_.next_fault(head);
        const std::lock_guard lock(owner_.mutex_);
        d.cut_after = 1 + static_cast<std::size_t>(owner_.random_engine_() % 600);  // in the headers or the body
        return d;
      };
      auto s = std::make_shared<session>(std::move(socket), draw, std::chrono::milliseconds(owner_.delay_ms_.load()));
      sessions_.push_back(s);
      s->start(upstream_);
      accept();
    });
  }

  void stop() {
    asio::post(ioc_, [this] {
      boost::system::error_code ignored;
      acceptor_.close(ignored);
      for (auto& w : sessions_)
        if (auto s = w.lock()) s->close_both();
    });
  }

  fault_proxy& owner_;
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  tcp::endpoint upstream_;
  std::vector<std::weak_ptr<session>> sessions_;  // only touched on the io_context's thread
};

fault_proxy::fault_proxy(std::string upstream_host, std::uint16_t upstream_port)
    : impl_(std::make_unique<impl>(*this, upstream_host, upstream_port)) {
  port_ = impl_->acceptor_.local_endpoint().port();
  impl_->accept();
  thread_ = std::thread([this] { impl_->ioc_.run(); });
}

fault_proxy::~fault_proxy() {
  impl_->stop();
  impl_->ioc_.stop();
  thread_.join();
}

void fault_proxy::set_fault(proxy_fault fault) {
  const std::lock_guard lock(mutex_);
  fixed_ = fault;
  random_ = false;
}

void fault_proxy::set_random_faults(std::uint64_t seed, double probability, std::vector<proxy_fault> kinds) {
  const std::lock_guard lock(mutex_);
  random_ = true;
  probability_ = probability;
  random_engine_.seed(seed);
  kinds_ = kinds.empty() ? std::vector<proxy_fault>{proxy_fault::drop, proxy_fault::delay, proxy_fault::reset_mid_body,
                                                    proxy_fault::truncate, proxy_fault::slow_down}
                         : std::move(kinds);
}

proxy_fault fault_proxy::next_fault(std::string_view head) {
  proxy_fault f = proxy_fault::none;
  {
    const std::lock_guard lock(mutex_);
    if (!only_method_.empty() && !head.starts_with(only_method_ + " ")) return proxy_fault::none;  // not counted
    if (!random_) {
      f = fixed_;
    } else if (std::uniform_real_distribution<double>(0, 1)(random_engine_) < probability_) {
      f = kinds_[random_engine_() % kinds_.size()];
    }
  }
  ++injected_[static_cast<std::size_t>(f)];
  return f;
}

std::uint64_t fault_proxy::injected_total() const noexcept {
  std::uint64_t total = 0;
  for (std::size_t i = 1; i < proxy_fault_kinds; ++i) total += injected_[i];
  return total;
}

}  // namespace bodycam::tests

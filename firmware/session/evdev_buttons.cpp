#include "firmware/session/evdev_buttons.hpp"

#include "firmware/session/button_map.hpp"

#include <fcntl.h>

#include <boost/asio/buffer.hpp>

#include <cerrno>
#include <cstdio>

namespace bodycam::firmware::session {

using namespace bodycam::common;

core::expected<std::unique_ptr<evdev_buttons>> evdev_buttons::open(boost::asio::io_context& io,
                                                                    const std::string& device, std::uint16_t key,
                                                                    std::function<void()> on_press) {
  const int fd = ::open(device.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return core::fail_errno("open button device", device, errno);
  std::unique_ptr<evdev_buttons> out(new evdev_buttons(io, fd, device, key, std::move(on_press)));
  out->read_more();
  return out;
}

evdev_buttons::evdev_buttons(boost::asio::io_context& io, int fd, std::string device, std::uint16_t key,
                             std::function<void()> on_press)
    : stream_(io, fd),
      device_(std::move(device)),
      key_(key),
      on_press_(std::move(on_press)),
      buffer_(input_event_size() * 16) {}

void evdev_buttons::stop() {
  boost::system::error_code ignored;
  stream_.close(ignored);
}

void evdev_buttons::read_more() {
  stream_.async_read_some(boost::asio::buffer(buffer_.data() + filled_, buffer_.size() - filled_),
                          [this](const boost::system::error_code& ec, std::size_t n) {
                            if (ec) {
                              if (ec != boost::asio::error::operation_aborted)
                                std::fprintf(stderr, "bodycam-recorder: button device %s: %s\n", device_.c_str(),
                                             ec.message().c_str());
                              return;
                            }
                            filled_ += n;
                            const std::size_t size = input_event_size();
                            std::size_t at = 0;
                            for (; at + size <= filled_; at += size)
                              if (is_press_of(decode_input_event(std::span(buffer_).subspan(at, size)), key_))
                                on_press_();
                            std::copy(buffer_.begin() + static_cast<std::ptrdiff_t>(at),
                                      buffer_.begin() + static_cast<std::ptrdiff_t>(filled_), buffer_.begin());
                            filled_ -= at;
                            read_more();
                          });
}

}  // namespace bodycam::firmware::session

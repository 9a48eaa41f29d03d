// Adapter: the record button from a Linux evdev device (/dev/input/eventN, configuration buttons.device),
// read asynchronously on the daemon's io_context. Each press of the configured key calls `on_press` on the
// io_context's thread. A device that disappears ends the reader with a log line; recording is unaffected.
#pragma once

#include "common/core/error.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace bodycam::firmware::session {

class evdev_buttons {
 public:
  [[nodiscard]] static common::core::expected<std::unique_ptr<evdev_buttons>> open(boost::asio::io_context& io,
                                                                                   const std::string& device,
                                                                                   std::uint16_t key,
                                                                                   std::function<void()> on_press);
  void stop();

 private:
  evdev_buttons(boost::asio::io_context& io, int fd, std::string device, std::uint16_t key,
                std::function<void()> on_press);
  void read_more();

  boost::asio::posix::stream_descriptor stream_;
  std::string device_;
  std::uint16_t key_;
  std::function<void()> on_press_;
  std::vector<std::uint8_t> buffer_;
  std::size_t filled_ = 0;
};

}  // namespace bodycam::firmware::session

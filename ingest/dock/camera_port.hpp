// The dock's port to one docked camera: offload requests out, responses back (docs/formats/offload.md). A
// request may be sent before the responses to earlier ones arrived (pipelining); responses come back in the
// order the requests were sent, because the camera's offload server answers one request at a time, in order,
// on one stream (firmware/offload/offload_server.hpp). The real adapter is link_camera_port (the secure link
// over TCP); tests put the camera's offload handler behind it in-process, with faults injected at any exchange.
// A port that only implements exchange() gets send/receive that hold each request and exchange it when its
// response is received: the same answers in the same order, without the overlap.
#pragma once

#include "common/crypto/ed25519.hpp"
#include "common/offload/message.hpp"

#include <cstddef>
#include <deque>

namespace bodycam::ingest::dock {

class camera_port {
 public:
  virtual ~camera_port() = default;
  // Sends `request` and returns the camera's response (an error_response is returned as a message, not an
  // error). Needs no request in flight. Errors: the link failed (timeout, closed, malformed, ...); after one,
  // the port is dead.
  [[nodiscard]] virtual common::core::expected<common::offload::message> exchange(
      const common::offload::message& request) = 0;
  // Puts `request` on its way without waiting for its response.
  [[nodiscard]] virtual common::core::status send(const common::offload::message& request) {
    held_.push_back(request);
    return {};
  }
  // The response to the oldest request sent and not yet received (internal error if none is in flight).
  [[nodiscard]] virtual common::core::expected<common::offload::message> receive() {
    if (held_.empty()) return common::core::fail(common::core::errc::internal, "receive with no request in flight");
    auto request = std::move(held_.front());
    held_.pop_front();
    return exchange(request);
  }
  // Requests sent whose responses were not yet received.
  [[nodiscard]] virtual std::size_t in_flight() const noexcept { return held_.size(); }
  // The camera's Ed25519 key as the link authenticated it.
  [[nodiscard]] virtual common::crypto::public_key peer_key() const = 0;
  // "127.0.0.1:7400", for messages.
  [[nodiscard]] virtual std::string describe() const = 0;

 private:
  std::deque<common::offload::message> held_;  // sent and not yet exchanged (the default send/receive)
};

}  // namespace bodycam::ingest::dock

// The dock's port to one docked camera: one offload request out, one response back (docs/formats/offload.md).
// The real adapter is link_camera_port (the secure link over TCP); tests put the camera's offload handler
// behind it in-process, with faults injected at any exchange.
#pragma once

#include "common/crypto/ed25519.hpp"
#include "common/offload/message.hpp"

namespace bodycam::ingest::dock {

class camera_port {
 public:
  virtual ~camera_port() = default;
  // Sends `request` and returns the camera's response (an error_response is returned as a message, not an
  // error). Errors: the link failed (timeout, closed, malformed, ...); after one, the port is dead.
  [[nodiscard]] virtual common::core::expected<common::offload::message> exchange(
      const common::offload::message& request) = 0;
  // The camera's Ed25519 key as the link authenticated it.
  [[nodiscard]] virtual common::crypto::public_key peer_key() const = 0;
  // "127.0.0.1:7400", for messages.
  [[nodiscard]] virtual std::string describe() const = 0;
};

}  // namespace bodycam::ingest::dock

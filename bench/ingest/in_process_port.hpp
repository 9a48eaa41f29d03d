// The dock's camera_port answered by a camera's offload handler in the same process (no TCP, no encryption: the
// dock's own work); every message still goes through the offload encoder and decoder both ways, as on the wire.
// For the ingest benchmarks only.
#pragma once

#include "common/offload/message.hpp"
#include "firmware/offload/offload_handler.hpp"
#include "ingest/dock/camera_port.hpp"

namespace bodycam::bench {

struct in_process_port final : ingest::dock::camera_port {
  in_process_port(firmware::offload::offload_handler& handler, common::crypto::public_key dock,
                  common::crypto::public_key camera)
      : handler_(handler), dock_(dock), camera_(camera) {}
  common::core::expected<common::offload::message> exchange(const common::offload::message& request) override {
    auto bytes = common::offload::encode(request);
    if (!bytes) return std::unexpected(bytes.error());
    auto decoded = common::offload::decode(*bytes);
    if (!decoded) return std::unexpected(decoded.error());
    auto answer = common::offload::encode(handler_.handle(*decoded, dock_));
    if (!answer) return std::unexpected(answer.error());
    return common::offload::decode(*answer);
  }
  common::crypto::public_key peer_key() const override { return camera_; }
  std::string describe() const override { return "in-process camera"; }

 private:
  firmware::offload::offload_handler& handler_;
  common::crypto::public_key dock_;
  common::crypto::public_key camera_;
};

}  // namespace bodycam::bench

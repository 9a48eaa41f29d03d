// The dock's camera port with the camera in the same process: requests go straight to the camera fixture's
// offload handler (as if the link had authenticated `dock_key`). Faults: the Nth exchange fails as a cut link
// (and every one after it), and file bytes served are counted; the kind of each request is kept in order.
// Pipelined requests (send) are held and each is exchanged when its response is received, so a cut at exchange
// N hits the Nth response the dock takes, with the requests sent after it still in flight; the most requests
// ever in flight at once is kept; `on_request`, if set, sees each request before it is answered.
#pragma once

#include "ingest/dock/camera_port.hpp"
#include "tests/firmware/offload/camera_fixture.hpp"

#include <algorithm>
#include <deque>
#include <functional>
#include <vector>

namespace bodycam::tests {

class in_process_port final : public ingest::dock::camera_port {
 public:
  in_process_port(camera_fixture& camera, const common::crypto::public_key& dock_key)
      : camera_(camera), dock_key_(dock_key) {}

  // The exchange number `n` (1-based) and all later ones fail with `closed`; 0 = never.
  void cut_at(std::uint64_t n) { cut_at_ = n; }

  [[nodiscard]] common::core::expected<common::offload::message> exchange(
      const common::offload::message& request) override {
    ++exchanges_;
    request_kinds_.push_back(request.index());
    if (on_request) on_request(request);
    if (cut_at_ != 0 && exchanges_ >= cut_at_)
      return common::core::fail(common::core::errc::closed, "link cut (test) at exchange " + std::to_string(exchanges_));
    // Through the encoding, as on the wire.
    auto bytes = common::offload::encode(request);
    if (!bytes) return std::unexpected(bytes.error());
    auto decoded = common::offload::decode(*bytes);
    if (!decoded) return std::unexpected(decoded.error());
    auto response = camera_.handler().handle(*decoded, dock_key_);
    if (const auto* f = std::get_if<common::offload::file_response>(&response)) file_bytes_ += f->data.size();
    auto out = common::offload::encode(response);
    if (!out) return std::unexpected(out.error());
    return common::offload::decode(*out);
  }
  [[nodiscard]] common::core::status send(const common::offload::message& request) override {
    pending_.push_back(request);
    most_in_flight_ = std::max(most_in_flight_, pending_.size());
    return {};
  }
  [[nodiscard]] common::core::expected<common::offload::message> receive() override {
    if (pending_.empty()) return common::core::fail(common::core::errc::internal, "receive with no request in flight");
    auto request = std::move(pending_.front());
    pending_.pop_front();
    return exchange(request);
  }
  [[nodiscard]] std::size_t in_flight() const noexcept override { return pending_.size(); }
  [[nodiscard]] common::crypto::public_key peer_key() const override { return camera_.key(); }
  [[nodiscard]] std::string describe() const override { return "in-process camera"; }

  [[nodiscard]] std::uint64_t exchanges() const noexcept { return exchanges_; }
  [[nodiscard]] std::uint64_t file_bytes_served() const noexcept { return file_bytes_; }
  [[nodiscard]] std::size_t most_in_flight() const noexcept { return most_in_flight_; }
  // The message variant index of each request, in exchange order (cut ones included).
  [[nodiscard]] const std::vector<std::size_t>& request_kinds() const noexcept { return request_kinds_; }
  std::function<void(const common::offload::message&)> on_request;  // on the session's thread

 private:
  camera_fixture& camera_;
  common::crypto::public_key dock_key_;
  std::uint64_t cut_at_ = 0;
  std::uint64_t exchanges_ = 0;
  std::uint64_t file_bytes_ = 0;
  std::vector<std::size_t> request_kinds_;
  std::deque<common::offload::message> pending_;
  std::size_t most_in_flight_ = 0;
};

}  // namespace bodycam::tests

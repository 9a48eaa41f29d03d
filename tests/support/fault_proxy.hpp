// A TCP proxy on 127.0.0.1 for fault tests: it sits between a client (the S3 backend, a dock) and a server
// (Ceph RGW) and, per accepted connection, forwards bytes both ways or injects one fault: drop the connection at
// once, delay the server's answer, reset the connection partway through the answer (RST), truncate the answer
// (a clean close partway through), answer "503 SlowDown" itself, or blackhole (read, never answer). A fault is
// chosen for every request (the first on a connection, then each one the client sends after an answer began,
// so keep-alive connections meet faults too) by a fixed setting or a seeded random plan (the seed is the
// caller's to print). It counts connections and each kind of fault injected, so a test can assert that its
// faults really happened. Boost.Asio, one io_context on a thread of its own; the destructor stops it and closes
// every connection.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace bodycam::tests {

enum class proxy_fault { none, drop, delay, reset_mid_body, truncate, slow_down, blackhole };
inline constexpr std::size_t proxy_fault_kinds = 7;

class fault_proxy {
 public:
  // Listens on 127.0.0.1 on a free port and forwards to upstream_host:upstream_port.
  fault_proxy(std::string upstream_host, std::uint16_t upstream_port);
  ~fault_proxy();
  fault_proxy(const fault_proxy&) = delete;
  fault_proxy& operator=(const fault_proxy&) = delete;

  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  [[nodiscard]] std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // Every new request gets `fault` (none: forward faithfully); a request already being answered keeps its own.
  void set_fault(proxy_fault fault);
  // Every new request gets a fault with probability `probability`, its kind drawn uniformly from `kinds`
  // (empty: drop, delay, reset_mid_body, truncate and slow_down), by a generator seeded with `seed`.
  void set_random_faults(std::uint64_t seed, double probability, std::vector<proxy_fault> kinds = {});
  // Faults only for requests of this HTTP method ("PUT"); others are forwarded faithfully. Empty: every request.
  void set_only_method(std::string method) {
    const std::lock_guard lock(mutex_);
    only_method_ = std::move(method);
  }
  // How long `delay` holds the first bytes of an answer (default 2 s).
  void set_delay(std::chrono::milliseconds delay) { delay_ms_ = delay.count(); }

  [[nodiscard]] std::uint64_t connections() const noexcept { return connections_; }
  [[nodiscard]] std::uint64_t injected(proxy_fault fault) const noexcept {
    return injected_[static_cast<std::size_t>(fault)];
  }
  [[nodiscard]] std::uint64_t injected_total() const noexcept;  // every fault but none
  [[nodiscard]] std::uint64_t requests() const noexcept { return injected_total() + injected(proxy_fault::none); }

  class impl;

 private:
  [[nodiscard]] proxy_fault next_fault(std::string_view request_head);

  std::unique_ptr<impl> impl_;
  std::uint16_t port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  proxy_fault fixed_ = proxy_fault::none;  // guarded by mutex_
  bool random_ = false;
  double probability_ = 0;
  std::vector<proxy_fault> kinds_;
  std::string only_method_;
  std::mt19937_64 random_engine_;
  std::atomic<std::int64_t> delay_ms_{2000};
  std::atomic<std::uint64_t> connections_{0};
  std::array<std::atomic<std::uint64_t>, proxy_fault_kinds> injected_{};
};

}  // namespace bodycam::tests

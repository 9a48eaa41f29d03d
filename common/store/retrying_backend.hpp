// A store_backend decorator that retries transient failures and fails over between endpoints: it wraps one
// backend per endpoint of one store (S3 gateways in front of the same bucket) and runs every operation on the
// endpoint that last answered, moving to the next after each transient error and waiting as retry_policy.hpp
// says. The backends stay as they are: retry is not inside the S3 client. Guarantees (with the port's contract
// 1-9, which it passes through unchanged):
//  T1 Only transient errors (retry_policy.hpp R1) are retried; any other answer is returned as the inner
//     backend gave it, from whichever endpoint gave it.
//  T2 Idempotent by content hash: every attempt of a create gives the same bytes, read again from a source that
//     can start over (a file: byte_source::rewind) or replayed from a copy in memory of any other; the inner
//     create checks them against the expected digest each time. A create whose earlier attempt was stored but whose reply was lost is answered `already_exists`
//     by the inner backend's create-only check (contract 4), never stored twice. A remove whose reply was lost
//     and whose retry finds the key gone is success.
//  T3 A listing retried after a partial one never shows a child twice.
//  T4 A reader handed out by open retries its own transient read failures under the same budget per read,
//     failing over like every other operation: on the endpoint it was opened on it retries in place (the S3
//     reader has not advanced past a failed range); on another endpoint it reads the rest of the object as
//     ranged reads of at most 8 MiB from where it stopped, and never goes back to the first stream. A reader
//     opened through a gateway that then died reads on through the next one.
//  T5 When an operation's budget is spent the error is errc::timeout, "store unreachable: <operation>
//     <item>: no answer from <endpoints> after N attempts in T ms; last error: ...".
// Thread-safe as its backends are; the random source is behind a mutex.
#pragma once

#include "common/store/retry_policy.hpp"
#include "common/store/store_backend.hpp"

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

namespace bodycam::common::store {

// Time and waiting as ports, so tests run hours of outage in milliseconds.
struct retry_clock {
  std::function<std::chrono::steady_clock::time_point()> now = [] { return std::chrono::steady_clock::now(); };
  std::function<void(std::chrono::milliseconds)> sleep;  // empty: std::this_thread::sleep_for
};

// What the backend and its readers share: the policy, the clock, the random source, the endpoints' names.
class retry_context {
 public:
  retry_context(retry_policy policy, retry_clock clock, std::uint64_t seed, std::string endpoints);

  // Runs `attempt(index)` for endpoint indexes starting at `first`, moving to the next one after each
  // transient error, until an answer or the budget is spent (T1, T5). Returns the last answer and the index
  // that gave it.
  template <class T>
  [[nodiscard]] core::expected<T> run(const std::string& operation, std::size_t endpoints, std::size_t& index,
                                      const std::function<core::expected<T>(std::size_t)>& attempt);

  [[nodiscard]] const std::string& endpoints() const noexcept { return endpoints_; }

 private:
  [[nodiscard]] std::optional<std::chrono::milliseconds> next_wait(retry_budget& budget,
                                                                   std::chrono::steady_clock::time_point start);
  void wait(std::chrono::milliseconds delay) const;
  [[nodiscard]] core::error unreachable(const std::string& operation, unsigned attempts,
                                        std::chrono::steady_clock::time_point start, const core::error& last) const;

  retry_policy policy_;
  retry_clock clock_;
  std::mutex random_mutex_;
  std::mt19937_64 random_;  // guarded by random_mutex_
  std::string endpoints_;
};

class retrying_backend final : public store_backend {
 public:
  // `backends`: one per endpoint, at least one, the preferred first. `seed` seeds the jitter.
  retrying_backend(std::vector<std::unique_ptr<store_backend>> backends, retry_policy policy, retry_clock clock = {},
                   std::uint64_t seed = std::random_device{}());

  [[nodiscard]] core::expected<create_outcome> create(const store_key& key, byte_source& source,
                                                      const crypto::sha256_digest& expected_sha256) override;
  [[nodiscard]] core::expected<std::optional<create_outcome>> adopt(const store_key& key,
                                                                    const adoptable_file& file) override;
  [[nodiscard]] core::expected<std::unique_ptr<object_reader>> open(const store_key& key) const override;
  [[nodiscard]] core::expected<core::byte_buffer> read_range(const store_key& key, std::uint64_t offset,
                                                             std::size_t length) const override;
  [[nodiscard]] core::expected<std::optional<std::uint64_t>> stat(const store_key& key) const override;
  [[nodiscard]] core::status list(const store_key& folder, const list_visitor& visit) const override;
  [[nodiscard]] core::status list_starting(const store_key& folder, std::string_view name_prefix,
                                           const list_visitor& visit) const override;
  [[nodiscard]] core::expected<space_info> space() const override;
  [[nodiscard]] core::status remove(const store_key& key) override;
  // Setting a legal hold to a state is idempotent, so both are retried like reads.
  [[nodiscard]] core::expected<bool> set_legal_hold(const store_key& key, bool on) override;
  [[nodiscard]] core::expected<std::optional<bool>> legal_hold(const store_key& key) const override;
  [[nodiscard]] core::expected<recovery_report> recover() override;
  // The first endpoint's description, with the others it fails over to: "s3 store http://a/b (failover: ...)".
  [[nodiscard]] std::string describe() const override { return description_; }

 private:
  template <class T>
  [[nodiscard]] core::expected<T> run(const std::string& operation,
                                      const std::function<core::expected<T>(store_backend&)>& attempt) const;

  // Shared with the readers open hands out (T4), which may outlive this backend.
  std::shared_ptr<const std::vector<std::unique_ptr<store_backend>>> backends_;
  std::shared_ptr<retry_context> context_;
  mutable std::atomic<std::size_t> current_{0};  // the endpoint that answered last
  std::string description_;
};

}  // namespace bodycam::common::store

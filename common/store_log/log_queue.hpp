// What a dock has stored and not yet logged: keys queue here after their put and leave only once their leaves
// are claimed in the store log, so a failed append is retried by the next flush and never drops or doubles a
// leaf (a claimed leaf is in the log whether or not its batch is finished yet). A process that dies with keys
// queued loses only the queue; reconcile at start-up logs those items. Safe to use from several threads.
#pragma once

#include "common/store_log/log_appender.hpp"

#include <mutex>
#include <vector>

namespace bodycam::common::store_log {

class log_queue {
 public:
  explicit log_queue(log_appender& log) noexcept : log_(log) {}

  void add(std::span<const store::store_key> keys);
  // Appends every queued key; on error the unclaimed keys stay queued and the error is returned.
  [[nodiscard]] core::expected<append_result> flush();
  [[nodiscard]] std::size_t pending() const;

 private:
  log_appender& log_;
  mutable std::mutex mutex_;
  std::vector<store::store_key> queued_;
};

}  // namespace bodycam::common::store_log

// Reconcile: nothing stored escapes the store log. An item stored by a process that crashed between its put and
// its append (or written by a tool that does not append) is found by comparing every loggable key in the store
// with the leaves of the log, and appended. Run at dock start-up. Guarantees: after a successful reconcile,
// every item that was stored when it began has a leaf in the log; a key already logged is not logged again, and
// a key logged with a digest other than its stored bytes' is reported (`mismatched`), never re-logged silently.
// Two reconciles (or a reconcile and a dock's append of the same new item) racing may log one key twice; readers
// take its first leaf.
#pragma once

#include "common/store_log/log_appender.hpp"

#include <string>
#include <vector>

namespace bodycam::common::store_log {

struct reconcile_report {
  std::uint64_t log_size_before = 0;
  std::size_t stored_items = 0;
  std::size_t appended = 0;
  std::vector<std::string> mismatched;  // keys whose logged digest differs from the stored bytes'
};

[[nodiscard]] core::expected<reconcile_report> reconcile(store::store& s, log_appender& log);

// Encoded leaves of items just stored (their keys), for log_appender::append.
[[nodiscard]] core::expected<std::vector<core::byte_buffer>> leaves_for_keys(const store::store_backend& backend,
                                                                           std::span<const store::store_key> keys);

}  // namespace bodycam::common::store_log

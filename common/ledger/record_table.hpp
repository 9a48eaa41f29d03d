// Internal: the SQL of the records table, used by ledger and its checks. Every row read back is validated
// (kind within u16, hash 32 bytes, seq not negative) and a row that fails is reported as errc::corrupt.
#pragma once

#include "common/core/error.hpp"
#include "common/ledger/stored_record.hpp"

#include <cstdint>
#include <optional>

namespace bodycam::common::ledger {

class connection;

[[nodiscard]] core::expected<chain_head> select_head(connection& db);
[[nodiscard]] core::expected<std::optional<stored_record>> select_last_record(connection& db);
[[nodiscard]] core::expected<stored_record> select_record(connection& db, std::uint64_t seq);
[[nodiscard]] core::expected<std::uint64_t> count_records(connection& db);
// Streams records with seq >= from_seq in seq order; stops at the first error, its own or the visitor's.
[[nodiscard]] core::status scan_records(connection& db, std::uint64_t from_seq, const record_visitor& visit);
[[nodiscard]] core::status insert_record(connection& db, const stored_record& record);
[[nodiscard]] core::expected<bool> record_exists(connection& db, std::uint64_t seq);

// Invariant 2 re-checked: "stored hash == SHA-256(bytes minus the signature)"; corrupt if not.
[[nodiscard]] core::status check_record_hash(const connection& db, std::string_view operation,
                                             const stored_record& record);

}  // namespace bodycam::common::ledger

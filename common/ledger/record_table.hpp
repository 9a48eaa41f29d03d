// Internal: the SQL of the records table, used by ledger and its checks. Every row read back is validated
// (kind within u16, hash 32 bytes, seq not negative) and a row that fails is reported as errc::corrupt.
#pragma once

#include "common/core/error.hpp"
#include "common/ledger/stored_record.hpp"

#include <cstdint>
#include <optional>

namespace bodycam::common::sqlite {
class connection;
}  // namespace bodycam::common::sqlite

namespace bodycam::common::ledger {

[[nodiscard]] core::expected<chain_head> select_head(sqlite::connection& db);
[[nodiscard]] core::expected<std::optional<stored_record>> select_last_record(sqlite::connection& db);
[[nodiscard]] core::expected<stored_record> select_record(sqlite::connection& db, std::uint64_t seq);
[[nodiscard]] core::expected<std::uint64_t> count_records(sqlite::connection& db);
// Streams records with seq >= from_seq in seq order; stops at the first error, its own or the visitor's.
[[nodiscard]] core::status scan_records(sqlite::connection& db, std::uint64_t from_seq, const record_visitor& visit);
[[nodiscard]] core::status insert_record(sqlite::connection& db, const stored_record& record);
[[nodiscard]] core::expected<bool> record_exists(sqlite::connection& db, std::uint64_t seq);

// Invariant 2 re-checked: "stored hash == SHA-256(bytes minus the signature)"; corrupt if not.
[[nodiscard]] core::status check_record_hash(const sqlite::connection& db, std::string_view operation,
                                             const stored_record& record);

}  // namespace bodycam::common::ledger

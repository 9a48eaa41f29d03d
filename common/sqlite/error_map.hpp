// How an SQLite result code becomes a core::errc, as one table for every SQLite file bodycam owns, so the
// ledger, the dock queue and the catalogue report the same failure with the same code. Only the primary
// code (the low 8 bits of an extended code) counts; a code not in the table is errc::internal.
#pragma once

#include "common/core/error.hpp"

#include <span>

namespace bodycam::common::sqlite {

struct error_mapping {
  int primary_code;  // SQLITE_FULL, SQLITE_CORRUPT, …
  core::errc code;
};

// The table errc_from_sqlite reads, in the order of SQLite's result codes.
[[nodiscard]] std::span<const error_mapping> error_mappings() noexcept;
[[nodiscard]] core::errc errc_from_sqlite(int result_code) noexcept;

}  // namespace bodycam::common::sqlite

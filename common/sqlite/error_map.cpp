// The result-code table; see error_map.hpp.
#include "common/sqlite/error_map.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <array>

namespace bodycam::common::sqlite {
namespace {

constexpr std::array mappings{
    error_mapping{SQLITE_PERM, core::errc::permission},
    error_mapping{SQLITE_BUSY, core::errc::timeout},
    error_mapping{SQLITE_LOCKED, core::errc::timeout},
    error_mapping{SQLITE_READONLY, core::errc::permission},
    error_mapping{SQLITE_IOERR, core::errc::io},
    error_mapping{SQLITE_CORRUPT, core::errc::corrupt},
    error_mapping{SQLITE_FULL, core::errc::no_space},
    error_mapping{SQLITE_CANTOPEN, core::errc::io},
    error_mapping{SQLITE_PROTOCOL, core::errc::io},
    error_mapping{SQLITE_TOOBIG, core::errc::invalid_argument},
    error_mapping{SQLITE_CONSTRAINT, core::errc::conflict},
    error_mapping{SQLITE_MISMATCH, core::errc::invalid_argument},
    error_mapping{SQLITE_AUTH, core::errc::permission},
    error_mapping{SQLITE_RANGE, core::errc::invalid_argument},
    error_mapping{SQLITE_NOTADB, core::errc::corrupt},
};

}  // namespace

std::span<const error_mapping> error_mappings() noexcept { return mappings; }

core::errc errc_from_sqlite(int result_code) noexcept {
  const int primary = result_code & 0xff;
  const auto* found = std::find_if(mappings.begin(), mappings.end(),
                                   [&](const error_mapping& m) { return m.primary_code == primary; });
  return found == mappings.end() ? core::errc::internal : found->code;
}

}  // namespace bodycam::common::sqlite

// The checks a bodycam SQLite file passes before it is trusted: SQLite's header read with plain file I/O
// (so a file that is not SQLite is refused before SQLite could write to it), PRAGMA quick_check or
// integrity_check, and PRAGMA foreign_key_check. Each check only reads; a failure is errc::malformed (not
// SQLite at all) or errc::corrupt, naming the file and what was found.
#pragma once

#include "common/core/error.hpp"

#include <cstdint>
#include <filesystem>
#include <string_view>

namespace bodycam::common::sqlite {

class connection;

// The file at `path` (of `size` bytes; an empty file passes) starts with "SQLite format 3\0".
[[nodiscard]] core::status check_sqlite_header(const std::filesystem::path& path, std::uint64_t size,
                                               std::string_view noun);
// Runs `pragma_sql` (quick_check or integrity_check); anything but a single "ok" row is corruption, and the
// first few problems are quoted.
[[nodiscard]] core::status run_check_pragma(connection& db, const char* pragma_sql, std::string_view operation);
[[nodiscard]] core::status check_foreign_keys(connection& db);

}  // namespace bodycam::common::sqlite

// Header, quick/integrity and foreign-key checks; see checks.hpp.
#include "common/sqlite/checks.hpp"

#include "common/core/unique_fd.hpp"
#include "common/sqlite/connection.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <string>

namespace bodycam::common::sqlite {
namespace {

constexpr std::size_t sqlite_header_size = 16;
constexpr std::string_view sqlite_header{"SQLite format 3\0", sqlite_header_size};
constexpr std::size_t max_reported_problems = 5;

}  // namespace

core::status check_sqlite_header(const std::filesystem::path& path, std::uint64_t size, std::string_view noun) {
  if (size == 0) return {};
  const std::string refusal = "open " + std::string(noun) + " " + path.string() +
                              ": not an SQLite database (no 'SQLite format 3' header), so not a bodycam " +
                              std::string(noun);
  if (size < sqlite_header_size) return core::fail(core::errc::malformed, refusal);
  const std::string object = std::string(noun) + " " + path.string();
  core::unique_fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.is_open()) return core::fail_errno("open", object, errno);
  std::array<char, sqlite_header_size> header{};
  ssize_t got = -1;
  do {
    got = ::pread(fd.get(), header.data(), header.size(), 0);
  } while (got < 0 && errno == EINTR);
  if (got < 0) return core::fail_errno("read header of", object, errno);
  if (static_cast<std::size_t>(got) != header.size() || std::string_view(header.data(), header.size()) != sqlite_header)
    return core::fail(core::errc::malformed, refusal);
  return {};
}

core::status run_check_pragma(connection& db, const char* pragma_sql, std::string_view operation) {
  auto stmt = db.prepare(operation, pragma_sql);
  if (!stmt) return std::unexpected(stmt.error());
  std::string problems;
  std::size_t count = 0;
  for (;;) {
    auto row = stmt->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    std::string line = stmt->column_text(0);
    if (count == 0 && line == "ok") return {};
    if (count < max_reported_problems) {
      for (char& c : line)
        if (c == '\n') c = ' ';
      problems += problems.empty() ? "" : "; ";
      problems += line;
    }
    ++count;
  }
  if (count > max_reported_problems) problems += "; … " + std::to_string(count - max_reported_problems) + " more";
  return db.fail(operation, core::errc::corrupt, problems.empty() ? "no result" : problems);
}

core::status check_foreign_keys(connection& db) {
  const std::string_view operation = "foreign_key_check";
  auto stmt = db.prepare(operation, "PRAGMA foreign_key_check");
  if (!stmt) return std::unexpected(stmt.error());
  auto row = stmt->step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return {};
  return db.fail(operation, core::errc::corrupt,
                 "a row of " + stmt->column_text(0) + " (rowid " + std::to_string(stmt->column_int(1)) +
                     ") refers to a missing row of " + stmt->column_text(2));
}

}  // namespace bodycam::common::sqlite

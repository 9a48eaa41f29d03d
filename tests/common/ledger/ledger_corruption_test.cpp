// Integration tests: a damaged ledger is reported as corrupt (naming the file and what failed) and left byte
// for byte as it was — never repaired, never rebuilt over. Each case is named for the damage.
#include "tests/support/text_match.hpp"
#include "common/core/durable_file.hpp"
#include "common/core/unique_fd.hpp"
#include "common/ledger/ledger.hpp"
#include "tests/common/ledger/ledger_test_support.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <random>

#include <catch2/catch.hpp>

using namespace bodycam::common;
using namespace bodycam::tests::ledger;
using bodycam::tests::temp_dir;

namespace {

using bodycam::tests::contains;

constexpr int record_count = 100;

// A ledger of `record_count` records, cleanly closed (WAL checkpointed into the main file).
std::filesystem::path make_ledger(const temp_dir& dir) {
  const auto path = dir / "ledger.db";
  auto l = ledger::open(path, test_options()).value();
  for (int i = 0; i < record_count; ++i) REQUIRE(l.append_record(test_record_builder(3, 600)).has_value());
  REQUIRE(l.add_file({"000001.mp4", ledger::file_kind::segment, "s"}).has_value());
  return path;
}

// Tampering that SQLite's own checks cannot see: the raw connection drops the append-only trigger first.
void tamper(const std::filesystem::path& path, const std::string& sql) {
  auto raw = open_raw(path);
  REQUIRE(raw_exec(raw.get(), "DROP TRIGGER records_no_update; DROP TRIGGER records_no_delete; " + sql).empty());
}

// Opens, expects errc::corrupt naming the file and `what`, and checks the files did not change.
void expect_corrupt_and_unchanged(const std::filesystem::path& path, std::string_view what, bool read_only) {
  const auto before = snapshot(path);
  auto options = test_options(false);
  options.read_only = read_only;
  auto l = ledger::open(path, options);
  REQUIRE_FALSE(l.has_value());
  INFO(l.error().context);
  CHECK(l.error().code == core::errc::corrupt);
  CHECK(contains(l.error().context, path.string()));
  CHECK(contains(l.error().context, what));
  CHECK(changes_since(before, path).empty());
}

// Flips one bit of a record's bytes in place (same length): the B-tree stays intact, the hash stops matching.
// Raw SQLite on purpose: the ledger and common/sqlite have no way to rewrite a record, which is the point.
void flip_byte_in_record(const std::filesystem::path& path, std::int64_t seq) {
  auto raw = open_raw(path);
  REQUIRE(raw_exec(raw.get(), "DROP TRIGGER records_no_update").empty());
  sqlite3_stmt* read = nullptr;
  REQUIRE(sqlite3_prepare_v2(raw.get(), "SELECT bytes FROM records WHERE seq = ?1", -1, &read, nullptr) == SQLITE_OK);
  sqlite::statement_ptr select(read);
  sqlite3_bind_int64(select.get(), 1, seq);
  REQUIRE(sqlite3_step(select.get()) == SQLITE_ROW);
  const auto* data = static_cast<const unsigned char*>(sqlite3_column_blob(select.get(), 0));
  std::vector<unsigned char> bytes(data, data + sqlite3_column_bytes(select.get(), 0));
  select.reset();
  bytes[bytes.size() / 3] ^= 0x01;
  sqlite3_stmt* write = nullptr;
  REQUIRE(sqlite3_prepare_v2(raw.get(), "UPDATE records SET bytes = ?2 WHERE seq = ?1", -1, &write, nullptr) ==
          SQLITE_OK);
  sqlite::statement_ptr update(write);
  sqlite3_bind_int64(update.get(), 1, seq);
  sqlite3_bind_blob(update.get(), 2, bytes.data(), static_cast<int>(bytes.size()), nullptr);
  REQUIRE(sqlite3_step(update.get()) == SQLITE_DONE);
}

}  // namespace

TEST_CASE("overwrite_page_with_garbage: reported as corrupt, file unchanged", "[integration]") {
  temp_dir dir;
  const auto path = make_ledger(dir);
  auto raw = open_raw(path);
  const auto page_size = raw_int(raw.get(), "PRAGMA page_size");
  const auto pages = raw_int(raw.get(), "PRAGMA page_count");
  raw.reset();
  REQUIRE(pages > 8);
  std::mt19937 rng(7);
  std::vector<unsigned char> garbage(static_cast<std::size_t>(page_size));
  for (auto& b : garbage) b = static_cast<unsigned char>(rng());
  {
    core::unique_fd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
    REQUIRE(fd.is_open());
    REQUIRE(::pwrite(fd.get(), garbage.data(), garbage.size(), (pages / 2) * page_size) == page_size);
  }
  const bool read_only = GENERATE(false, true);
  expect_corrupt_and_unchanged(path, "quick_check", read_only);
}

TEST_CASE("truncate_ledger_file: reported as corrupt, file unchanged", "[integration]") {
  temp_dir dir;
  const auto path = make_ledger(dir);
  std::filesystem::resize_file(path, std::filesystem::file_size(path) / 2);
  expect_corrupt_and_unchanged(path, "", false);
}

TEST_CASE("flip_byte_in_head_record: the head hash check at open reports it, file unchanged", "[integration]") {
  temp_dir dir;
  const auto path = make_ledger(dir);
  const auto last = std::to_string(record_count - 1);
  flip_byte_in_record(path, record_count - 1);
  expect_corrupt_and_unchanged(path, "record " + last + ": stored hash", false);
}

TEST_CASE("flip_byte_in_middle_record: integrity_check reports it, open does not need to", "[integration]") {
  temp_dir dir;
  const auto path = make_ledger(dir);
  flip_byte_in_record(path, 57);
  auto l = ledger::open(path, test_options(false)).value();
  auto check = l.integrity_check();
  REQUIRE_FALSE(check.has_value());
  CHECK(check.error().code == core::errc::corrupt);
  CHECK(contains(check.error().context, "integrity_check ledger " + path.string()));
  CHECK(contains(check.error().context, "record 57: stored hash"));
}

TEST_CASE("remove_middle_record: integrity_check names the missing seq", "[integration]") {
  temp_dir dir;
  const auto path = make_ledger(dir);
  tamper(path, "DELETE FROM records WHERE seq = 42");
  auto l = ledger::open(path, test_options(false)).value();
  auto check = l.integrity_check();
  REQUIRE_FALSE(check.has_value());
  CHECK(check.error().code == core::errc::corrupt);
  CHECK(contains(check.error().context, "record 42 is missing"));
}

TEST_CASE("replace_record_hash: integrity_check reports the mismatch", "[integration]") {
  temp_dir dir;
  const auto path = make_ledger(dir);
  tamper(path, "UPDATE records SET hash = randomblob(32) WHERE seq = 0");
  auto l = ledger::open(path, test_options(false)).value();
  auto check = l.integrity_check();
  REQUIRE_FALSE(check.has_value());
  CHECK(contains(check.error().context, "record 0: stored hash"));
}

TEST_CASE("an intact ledger passes integrity_check", "[integration]") {
  temp_dir dir;
  const auto path = make_ledger(dir);
  auto l = ledger::open(path, test_options(false)).value();
  CHECK(l.integrity_check().has_value());
  CHECK(chain_problems(l).empty());
}

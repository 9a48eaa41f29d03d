// Integration tests of the ledger on real SQLite files: opening, creating, migrating and refusing files;
// appending records and reading them back; the boot counter and the device id.
#include "tests/support/text_match.hpp"
#include "common/core/durable_file.hpp"
#include "common/ledger/ledger.hpp"
#include "common/ledger/migrations.hpp"
#include "common/sqlite/connection.hpp"
#include "tests/common/ledger/ledger_test_support.hpp"

#include <random>

#include <catch2/catch.hpp>

using namespace bodycam::common;
using namespace bodycam::tests::ledger;
using bodycam::tests::temp_dir;

namespace {

using bodycam::tests::contains;

ledger::ledger open_ok(const std::filesystem::path& path, ledger::open_options options = test_options()) {
  auto l = ledger::open(path, std::move(options));
  if (!l) FAIL("open " << path << ": " << l.error().context);
  return std::move(*l);
}

std::vector<ledger::stored_record> append_n(ledger::ledger& l, int n) {
  std::vector<ledger::stored_record> out;
  for (int i = 0; i < n; ++i) {
    auto r = l.append_record(test_record_builder());
    if (!r) FAIL("append: " << r.error().context);
    out.push_back(std::move(*r));
  }
  return out;
}

}  // namespace

TEST_CASE("creating a ledger at a missing path applies every migration", "[integration]") {
  temp_dir dir;
  const auto path = dir / "ledger.db";
  {
    auto l = open_ok(path);
    CHECK(l.head().value() == ledger::chain_head{});
    CHECK(l.record_count().value() == 0);
    CHECK(chain_problems(l).empty());
  }
  auto raw = open_raw(path);
  CHECK(raw_int(raw.get(), "PRAGMA user_version") == ledger::latest_schema_version());
  CHECK(raw_int(raw.get(), "PRAGMA application_id") == ledger::ledger_application_id);
  CHECK(raw_text(raw.get(), "PRAGMA journal_mode") == "wal");
  for (const char* table : {"meta", "records", "files", "fragments"})
    CHECK(raw_int(raw.get(), std::string("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '") +
                                 table + "'") == 1);
}

TEST_CASE("opening a missing ledger without create names the path and creates nothing", "[integration]") {
  temp_dir dir;
  const auto path = dir / "no-such-ledger.db";
  auto l = ledger::open(path, test_options(false));
  REQUIRE_FALSE(l.has_value());
  CHECK(l.error().code == core::errc::not_found);
  CHECK(contains(l.error().context, path.string()));
  CHECK_FALSE(std::filesystem::exists(path));
}

TEST_CASE("an empty file becomes a ledger only when creating is allowed", "[integration]") {
  temp_dir dir;
  const auto path = dir / "empty.db";
  REQUIRE(core::write_file_durably(path, core::byte_buffer{}).has_value());
  auto refused = ledger::open(path, test_options(false));
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == core::errc::malformed);
  CHECK(contains(refused.error().context, "empty SQLite database"));
  CHECK(std::filesystem::file_size(path) == 0);
  auto created = open_ok(path, test_options(true));
  CHECK(created.record_count().value() == 0);
}

TEST_CASE("a reopened ledger has the same records, head and hashes", "[integration]") {
  temp_dir dir;
  const auto path = dir / "ledger.db";
  std::vector<ledger::stored_record> appended;
  {
    auto l = open_ok(path);
    appended = append_n(l, 7);
  }
  auto l = open_ok(path, test_options(false));
  REQUIRE(chain_problems(l).empty());
  const auto head = l.head().value();
  CHECK(head.next_seq == 7);
  CHECK(head.last_hash == appended.back().hash);
  for (const auto& want : appended) {
    const auto got = l.record(want.seq).value();
    CHECK(got.kind == want.kind);
    CHECK(got.hash == want.hash);
    CHECK(got.bytes == want.bytes);
    CHECK(got.appended_at == want.appended_at);
  }
}

TEST_CASE("opening and closing an up-to-date ledger writes nothing", "[integration]") {
  temp_dir dir;
  const auto path = dir / "ledger.db";
  {
    auto l = open_ok(path);
    (void)append_n(l, 3);
  }
  const auto before = snapshot(path);
  { auto l = open_ok(path, test_options(false)); }
  CHECK(changes_since(before, path).empty());
}

TEST_CASE("append_record gives make the head and stores the record with the hash it computes", "[integration]") {
  temp_dir dir;
  auto l = open_ok(dir / "ledger.db");
  std::vector<ledger::chain_head> seen;
  auto make = [&](const ledger::chain_head& head) -> core::expected<ledger::new_record> {
    seen.push_back(head);
    return make_test_record(head, 9, 40);
  };
  const auto first = l.append_record(make).value();
  const auto second = l.append_record(make).value();
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].next_seq == 0);
  CHECK(seen[0].last_hash.is_zero());
  CHECK(seen[1].next_seq == 1);
  CHECK(seen[1].last_hash == first.hash);
  CHECK(first.seq == 0);
  CHECK(second.seq == 1);
  CHECK(second.kind == 9);
  CHECK(second.hash == ledger::compute_record_hash(second.bytes).value());
  CHECK(second.appended_at == test_options().clock());
  CHECK(chain_problems(l).empty());
}

TEST_CASE("append_record refuses a seq that is not the next one", "[integration]") {
  temp_dir dir;
  auto l = open_ok(dir / "ledger.db");
  (void)append_n(l, 3);
  const auto before = l.head().value();
  for (std::uint64_t wrong : {std::uint64_t{2}, std::uint64_t{4}, std::uint64_t{0}, std::uint64_t{1000}}) {
    INFO("seq " << wrong);
    auto r = l.append_record([&](const ledger::chain_head& head) -> core::expected<ledger::new_record> {
      auto rec = make_test_record(head);
      rec.seq = wrong;
      return rec;
    });
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == core::errc::conflict);
    CHECK(contains(r.error().context, "is not the next seq 3"));
    CHECK(contains(r.error().context, l.path().string()));
  }
  CHECK(l.head().value() == before);
  CHECK(chain_problems(l).empty());
}

TEST_CASE("append_record refuses a record not longer than its signature", "[integration]") {
  temp_dir dir;
  auto l = open_ok(dir / "ledger.db");
  auto r = l.append_record([](const ledger::chain_head& head) -> core::expected<ledger::new_record> {
    return ledger::new_record{head.next_seq, 1, core::byte_buffer(64, 0xab)};
  });
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == core::errc::invalid_argument);
  CHECK(l.record_count().value() == 0);
}

TEST_CASE("the same record bytes cannot be stored twice", "[integration]") {
  temp_dir dir;
  auto l = open_ok(dir / "ledger.db");
  const auto first = l.append_record(test_record_builder()).value();
  auto replay = l.append_record([&](const ledger::chain_head& head) -> core::expected<ledger::new_record> {
    return ledger::new_record{head.next_seq, first.kind, first.bytes};
  });
  REQUIRE_FALSE(replay.has_value());
  CHECK(replay.error().code == core::errc::conflict);
  CHECK(contains(replay.error().context, "insert record 1 into ledger"));
  CHECK(l.record_count().value() == 1);
}

TEST_CASE("an error from make or from the also step stores nothing", "[integration]") {
  temp_dir dir;
  auto l = open_ok(dir / "ledger.db");
  (void)append_n(l, 2);
  const auto before = l.head().value();

  auto unsigned_record = l.append_record([](const ledger::chain_head&) -> core::expected<ledger::new_record> {
    return core::fail(core::errc::bad_signature, "sign record 2: secure element refused");
  });
  REQUIRE_FALSE(unsigned_record.has_value());
  CHECK(unsigned_record.error().code == core::errc::bad_signature);
  CHECK(unsigned_record.error().context == "sign record 2: secure element refused");

  auto half =
      l.append_record(test_record_builder(), [](ledger::transaction& tx, const ledger::stored_record&) -> core::status {
        if (auto ok = tx.add_file({"000001.mp4", ledger::file_kind::segment, "session-1"}); !ok) return ok;
        return core::fail(core::errc::io, "fsync segment 000001.mp4: No space left on device");
      });
  REQUIRE_FALSE(half.has_value());
  CHECK(half.error().code == core::errc::io);
  CHECK(l.head().value() == before);
  CHECK(l.file("000001.mp4").error().code == core::errc::not_found);
  CHECK(chain_problems(l).empty());
}

TEST_CASE("rows written in the also step commit with the record", "[integration]") {
  temp_dir dir;
  auto l = open_ok(dir / "ledger.db");
  REQUIRE(l.add_file({"000001.mp4", ledger::file_kind::segment, "session-1"}).has_value());
  const auto digest = crypto::sha256(std::string_view("segment bytes"));
  (void)append_n(l, 2);
  const auto sealing =
      l.append_record(
           test_record_builder(),
           [&](ledger::transaction& tx, const ledger::stored_record& r) -> core::status {
             return tx.set_file_state("000001.mp4", {ledger::file_state::sealed, r.seq, ledger::file_seal{13, digest}});
           })
          .value();
  CHECK(sealing.seq == 2);
  const auto file = l.file("000001.mp4").value();
  CHECK(file.state == ledger::file_state::sealed);
  CHECK(file.sealing_seq == sealing.seq);
  REQUIRE(file.seal.has_value());
  CHECK(file.seal->byte_length == 13);
  CHECK(file.seal->sha256 == digest);
}

TEST_CASE("for_each_record streams from a seq in order and stops at the visitor's error", "[integration]") {
  temp_dir dir;
  auto l = open_ok(dir / "ledger.db");
  const auto appended = append_n(l, 10);
  std::vector<std::uint64_t> seqs;
  REQUIRE(l.for_each_record(4, [&](const ledger::stored_record& r) -> core::status {
             seqs.push_back(r.seq);
             CHECK(r.bytes == appended[r.seq].bytes);
             return {};
           }).has_value());
  CHECK(seqs == std::vector<std::uint64_t>{4, 5, 6, 7, 8, 9});

  seqs.clear();
  auto stopped = l.for_each_record(0, [&](const ledger::stored_record& r) -> core::status {
    seqs.push_back(r.seq);
    if (r.seq == 2) return core::fail(core::errc::bad_signature, "record 2: signature does not verify");
    return {};
  });
  REQUIRE_FALSE(stopped.has_value());
  CHECK(stopped.error().code == core::errc::bad_signature);
  CHECK(seqs == std::vector<std::uint64_t>{0, 1, 2});
  CHECK(l.record(10).error().code == core::errc::not_found);
  CHECK(contains(l.record(10).error().context, "read record 10 of ledger"));
}

TEST_CASE("the boot counter increments durably and never goes backwards", "[integration]") {
  temp_dir dir;
  const auto path = dir / "ledger.db";
  {
    auto l = open_ok(path);
    CHECK(l.boot_counter().value() == 0);
    CHECK(l.next_boot_counter().value() == 1);
    CHECK(l.next_boot_counter().value() == 2);
    CHECK(l.next_boot_counter().value() == 3);
  }
  {
    auto l = open_ok(path, test_options(false));
    CHECK(l.boot_counter().value() == 3);
    CHECK(l.next_boot_counter().value() == 4);
  }
  // The schema refuses a writer that bypasses the ledger, too.
  auto raw = open_raw(path);
  CHECK(contains(raw_exec(raw.get(), "UPDATE meta SET value = 2 WHERE key = 'boot_counter'"), "never goes backwards"));
  CHECK(contains(raw_exec(raw.get(), "UPDATE meta SET value = 4 WHERE key = 'boot_counter'"), "never goes backwards"));
  CHECK(contains(raw_exec(raw.get(), "DELETE FROM meta WHERE key = 'boot_counter'"), "never removed"));
  CHECK(raw_int(raw.get(), "SELECT value FROM meta WHERE key = 'boot_counter'") == 4);
}

TEST_CASE("a ledger's device id is set once", "[integration]") {
  temp_dir dir;
  auto l = open_ok(dir / "ledger.db");
  CHECK_FALSE(l.device_id().value().has_value());
  REQUIRE(l.set_device_id("cam-0042").has_value());
  CHECK(l.set_device_id("cam-0042").has_value());
  auto other = l.set_device_id("cam-0043");
  REQUIRE_FALSE(other.has_value());
  CHECK(other.error().code == core::errc::conflict);
  CHECK(contains(other.error().context, "cam-0042"));
  CHECK(l.device_id().value() == std::optional<std::string>("cam-0042"));
  CHECK(l.set_device_id("").error().code == core::errc::invalid_argument);
}

TEST_CASE("a read-only ledger reads and refuses every write", "[integration]") {
  temp_dir dir;
  const auto path = dir / "ledger.db";
  {
    auto l = open_ok(path);
    (void)append_n(l, 3);
  }
  const auto before = snapshot(path);
  auto options = test_options(false);
  options.read_only = true;
  {
    auto l = open_ok(path, options);
    CHECK(l.is_read_only());
    CHECK(chain_problems(l).empty());
    auto append = l.append_record(test_record_builder());
    REQUIRE_FALSE(append.has_value());
    CHECK(append.error().code == core::errc::permission);
    CHECK(l.next_boot_counter().error().code == core::errc::permission);
    CHECK(l.add_file({"000001.mp4", ledger::file_kind::segment, "s"}).error().code == core::errc::permission);
  }
  CHECK(changes_since(before, path).empty());
  options.create_if_missing = true;
  CHECK(ledger::open(dir / "other.db", options).error().code == core::errc::invalid_argument);
}

TEST_CASE("a writer waits out another's write lock only for the busy timeout", "[integration]") {
  temp_dir dir;
  const auto path = dir / "ledger.db";
  auto options = test_options();
  options.busy_timeout = std::chrono::milliseconds(50);
  auto l = open_ok(path, options);
  auto other = open_raw(path);
  REQUIRE(raw_exec(other.get(), "BEGIN IMMEDIATE").empty());
  auto blocked = l.append_record(test_record_builder());
  REQUIRE_FALSE(blocked.has_value());
  CHECK(blocked.error().code == core::errc::timeout);
  CHECK(blocked.error().context == "begin transaction on ledger " + path.string() + ": database is locked");
  REQUIRE(raw_exec(other.get(), "ROLLBACK").empty());
  CHECK(l.append_record(test_record_builder()).has_value());
}

TEST_CASE("open refuses options it cannot honour", "[integration]") {
  temp_dir dir;
  auto no_clock = test_options();
  no_clock.clock = nullptr;
  CHECK(ledger::open(dir / "a.db", no_clock).error().code == core::errc::invalid_argument);
  auto no_checkpoint = test_options();
  no_checkpoint.wal_autocheckpoint_pages = 0;
  CHECK(ledger::open(dir / "a.db", no_checkpoint).error().code == core::errc::invalid_argument);
  CHECK_FALSE(std::filesystem::exists(dir / "a.db"));
  std::filesystem::create_directory(dir / "a-directory");
  CHECK(ledger::open(dir / "a-directory", test_options()).error().code == core::errc::invalid_argument);
}

TEST_CASE("an SQLite file of another application is refused and left unchanged", "[integration]") {
  temp_dir dir;
  const auto path = dir / "other.db";
  {
    auto raw = open_raw(path);
    REQUIRE(raw_exec(raw.get(), "CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('x');").empty());
  }
  const auto before = file_digest(path);
  auto l = ledger::open(path, test_options(true));
  REQUIRE_FALSE(l.has_value());
  CHECK(l.error().code == core::errc::malformed);
  CHECK(contains(l.error().context, path.string()));
  CHECK(contains(l.error().context, "not a bodycam ledger"));
  CHECK(file_digest(path) == before);
}

TEST_CASE("a file of random bytes is refused and left unchanged", "[integration]") {
  temp_dir dir;
  const auto path = dir / "random.db";
  std::mt19937 rng(20240611);
  core::byte_buffer noise(3 * 4096);
  for (auto& b : noise) b = static_cast<std::uint8_t>(rng());
  REQUIRE(core::write_file_durably(path, noise).has_value());
  auto l = ledger::open(path, test_options(true));
  REQUIRE_FALSE(l.has_value());
  CHECK(l.error().code == core::errc::malformed);
  CHECK(contains(l.error().context, "not an SQLite database"));
  CHECK(contains(l.error().context, path.string()));
  CHECK(core::read_file(path, 1 << 20).value() == noise);
}

TEST_CASE("a ledger from a newer build is refused and left unchanged", "[integration]") {
  temp_dir dir;
  const auto path = dir / "ledger.db";
  { auto l = open_ok(path); }
  {
    auto raw = open_raw(path);
    REQUIRE(
        raw_exec(raw.get(), "PRAGMA user_version = " + std::to_string(ledger::latest_schema_version() + 1)).empty());
  }
  const auto before = snapshot(path);
  auto l = ledger::open(path, test_options(false));
  REQUIRE_FALSE(l.has_value());
  CHECK(l.error().code == core::errc::unsupported);
  CHECK(contains(l.error().context, "newer than this build"));
  CHECK(changes_since(before, path).empty());
}

namespace {

// Migration 1 as shipped plus a migration 2 of the kind a later version adds.
std::vector<ledger::migration> with_second(const char* sql) {
  std::vector<ledger::migration> list(ledger::ledger_migrations().begin(), ledger::ledger_migrations().end());
  list.push_back({static_cast<int>(list.size()) + 1, "test: a later migration", sql});
  return list;
}

sqlite::connection raw_connection(const std::filesystem::path& path) {
  return sqlite::connection(open_raw(path), path, "ledger");
}

}  // namespace

TEST_CASE("a later migration upgrades an existing ledger in place and keeps its records", "[integration]") {
  temp_dir dir;
  const auto path = dir / "ledger.db";
  {
    auto l = open_ok(path);
    (void)append_n(l, 4);
  }
  auto db = raw_connection(path);
  const auto list = with_second("CREATE TABLE receipts (seq INTEGER PRIMARY KEY REFERENCES records (seq)) STRICT;");
  REQUIRE(ledger::apply_migrations(db, list).has_value());
  CHECK(raw_int(db.handle(), "PRAGMA user_version") == list.back().version);
  CHECK(raw_int(db.handle(), "SELECT count(*) FROM records") == 4);
  CHECK(raw_int(db.handle(), "SELECT count(*) FROM receipts") == 0);
  // Applying again is a no-op.
  REQUIRE(ledger::apply_migrations(db, list).has_value());
}

TEST_CASE("a migration that fails leaves the ledger at its previous version", "[integration]") {
  temp_dir dir;
  const auto path = dir / "ledger.db";
  { auto l = open_ok(path); }
  auto db = raw_connection(path);
  const auto list = with_second("CREATE TABLE half_done (x INTEGER); INSERT INTO no_such_table VALUES (1);");
  auto migrated = ledger::apply_migrations(db, list);
  REQUIRE_FALSE(migrated.has_value());
  CHECK(contains(migrated.error().context, "apply migration " + std::to_string(list.back().version)));
  CHECK(contains(migrated.error().context, "no_such_table"));
  CHECK(raw_int(db.handle(), "PRAGMA user_version") == ledger::latest_schema_version());
  CHECK(raw_int(db.handle(), "SELECT count(*) FROM sqlite_schema WHERE name = 'half_done'") == 0);
}

TEST_CASE("the schema refuses record writes that bypass the ledger", "[integration]") {
  temp_dir dir;
  const auto path = dir / "ledger.db";
  {
    auto l = open_ok(path);
    (void)append_n(l, 3);
  }
  auto raw = open_raw(path);
  CHECK(contains(raw_exec(raw.get(), "UPDATE records SET kind = 7 WHERE seq = 1"), "append-only"));
  CHECK(contains(raw_exec(raw.get(), "DELETE FROM records WHERE seq = 2"), "append-only"));
  CHECK(contains(raw_exec(raw.get(), "INSERT INTO records VALUES (5, 1, zeroblob(32), zeroblob(100), 0)"),
                 "not the next seq"));
  CHECK(contains(raw_exec(raw.get(), "INSERT INTO records VALUES (3, 1, zeroblob(31), zeroblob(100), 0)"), "CHECK"));
  CHECK(contains(raw_exec(raw.get(), "INSERT INTO records VALUES (3, 1, randomblob(32), zeroblob(64), 0)"), "CHECK"));
  CHECK(raw_int(raw.get(), "SELECT count(*) FROM records") == 3);
}

// Integration tests of the files and fragments tables: adding partial files, fragment rows in file order,
// the file state machine (allowed and forbidden moves) and the schema triggers that back it.
#include "tests/support/text_match.hpp"
#include "common/ledger/ledger.hpp"
#include "common/ledger/migrations.hpp"
#include "tests/common/ledger/ledger_test_support.hpp"

#include <map>

#include <catch2/catch.hpp>

using namespace bodycam::common;
using namespace bodycam::tests::ledger;
using bodycam::tests::temp_dir;
using ledger::file_state;

namespace {

using bodycam::tests::contains;

struct fixture {
  temp_dir dir;
  ledger::ledger l = ledger::open(dir / "ledger.db", test_options()).value();

  std::uint64_t append() { return l.append_record(test_record_builder()).value().seq; }

  ledger::fragment_entry fragment(std::string name, std::uint64_t index, std::uint64_t offset, std::uint64_t length) {
    return {std::move(name), index, offset, length, crypto::sha256(std::to_string(index))};
  }

  // Moves `name` along the allowed path until it is in `target`.
  void bring_to(const std::string& name, file_state target) {
    for (const auto& t : ledger::file_state_transitions) {
      if (l.file(name).value().state == target) return;
      std::optional<ledger::file_seal> seal;
      if (t.to == file_state::sealed) seal = ledger::file_seal{100, crypto::sha256(name)};
      REQUIRE(l.set_file_state(name, {t.to, append(), seal}).has_value());
    }
    REQUIRE(l.file(name).value().state == target);
  }
};

}  // namespace

TEST_CASE("a new file enters the ledger as partial", "[integration]") {
  fixture f;
  REQUIRE(f.l.add_file({"000001.mp4", ledger::file_kind::segment, "session-7"}).has_value());
  REQUIRE(f.l.add_file({"000001-start.opus", ledger::file_kind::annotation, "session-7"}).has_value());
  const auto file = f.l.file("000001.mp4").value();
  CHECK(file.kind == ledger::file_kind::segment);
  CHECK(file.session_id == "session-7");
  CHECK(file.state == file_state::partial);
  CHECK_FALSE(file.seal.has_value());
  CHECK_FALSE(file.sealing_seq.has_value());
  CHECK(file.created_at == test_options().clock());
  CHECK(f.l.file("000001-start.opus").value().kind == ledger::file_kind::annotation);
  CHECK(f.l.files_in_state(file_state::partial).value().size() == 2);
  CHECK(f.l.files_in_state(file_state::sealed).value().empty());
}

TEST_CASE("a file is added once and its name is one path component", "[integration]") {
  fixture f;
  REQUIRE(f.l.add_file({"000001.mp4", ledger::file_kind::segment, "s"}).has_value());
  auto again = f.l.add_file({"000001.mp4", ledger::file_kind::annotation, "t"});
  REQUIRE_FALSE(again.has_value());
  CHECK(again.error().code == core::errc::already_exists);
  CHECK(contains(again.error().context, "add file '000001.mp4' to ledger"));
  for (const char* bad : {"", ".", "..", "dir/000002.mp4", "/abs.mp4"}) {
    INFO("name '" << bad << "'");
    CHECK(f.l.add_file({bad, ledger::file_kind::segment, "s"}).error().code == core::errc::invalid_argument);
  }
  CHECK(f.l.add_file({"000003.mp4", ledger::file_kind::segment, ""}).error().code == core::errc::invalid_argument);
  CHECK(f.l.file("nope.mp4").error().code == core::errc::not_found);
}

TEST_CASE("fragments are recorded in file order, without gaps in index or overlaps", "[integration]") {
  fixture f;
  REQUIRE(f.l.add_file({"000001.mp4", ledger::file_kind::segment, "s"}).has_value());
  const std::vector<ledger::fragment_entry> wanted{f.fragment("000001.mp4", 0, 1200, 5000),
                                                   f.fragment("000001.mp4", 1, 6200, 4800),
                                                   f.fragment("000001.mp4", 2, 11000, 5100)};
  for (const auto& fr : wanted) REQUIRE(f.l.add_fragment(fr).has_value());
  CHECK(f.l.fragments("000001.mp4").value() == wanted);

  SECTION("index_skipped") {
    auto r = f.l.add_fragment(f.fragment("000001.mp4", 4, 16100, 10));
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == core::errc::conflict);
    INFO(r.error().context);
    CHECK(contains(r.error().context, "not the next fragment index"));
  }
  SECTION("index_repeated") {
    CHECK(f.l.add_fragment(f.fragment("000001.mp4", 2, 16100, 10)).error().code == core::errc::conflict);
  }
  SECTION("overlaps_previous_fragment") {
    auto r = f.l.add_fragment(f.fragment("000001.mp4", 3, 16000, 10));
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == core::errc::conflict);
    CHECK(contains(r.error().context, "overlaps"));
  }
  SECTION("empty_fragment") {
    CHECK(f.l.add_fragment(f.fragment("000001.mp4", 3, 16100, 0)).error().code == core::errc::invalid_argument);
  }
  SECTION("unknown_file") {
    CHECK(f.l.add_fragment(f.fragment("000009.mp4", 0, 0, 10)).error().code == core::errc::not_found);
  }
  SECTION("sealed_file") {
    f.bring_to("000001.mp4", file_state::sealed);
    auto r = f.l.add_fragment(f.fragment("000001.mp4", 3, 16100, 10));
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == core::errc::conflict);
    CHECK(contains(r.error().context, "not partial"));
  }
  CHECK(f.l.fragments("000001.mp4").value() == wanted);
}

TEST_CASE("a file moves partial → sealed → stored → reclaimed, citing a record at each step", "[integration]") {
  fixture f;
  REQUIRE(f.l.add_file({"000001.mp4", ledger::file_kind::segment, "s"}).has_value());
  const auto digest = crypto::sha256(std::string_view("whole segment"));
  const auto sealing = f.append();
  REQUIRE(f.l.set_file_state("000001.mp4", {file_state::sealed, sealing, ledger::file_seal{777, digest}}).has_value());
  const auto receipt = f.append();
  REQUIRE(f.l.set_file_state("000001.mp4", {file_state::stored, receipt, std::nullopt}).has_value());
  const auto reclaim = f.append();
  REQUIRE(f.l.set_file_state("000001.mp4", {file_state::reclaimed, reclaim, std::nullopt}).has_value());
  const auto file = f.l.file("000001.mp4").value();
  CHECK(file.state == file_state::reclaimed);
  REQUIRE(file.seal.has_value());
  CHECK(file.seal->byte_length == 777);
  CHECK(file.seal->sha256 == digest);
  CHECK(file.sealing_seq == sealing);
  CHECK(file.receipt_seq == receipt);
  CHECK(file.reclaim_seq == reclaim);
  CHECK(f.l.files_in_state(file_state::reclaimed).value().size() == 1);
}

TEST_CASE("every move outside the table is a conflict and changes nothing", "[integration]") {
  for (file_state from : ledger::all_file_states)
    for (file_state to : ledger::all_file_states) {
      if (ledger::is_allowed_transition(from, to)) continue;
      DYNAMIC_SECTION(ledger::to_string(from) << " → " << ledger::to_string(to)) {
        fixture f;
        REQUIRE(f.l.add_file({"000001.mp4", ledger::file_kind::segment, "s"}).has_value());
        f.bring_to("000001.mp4", from);
        const auto before = f.l.file("000001.mp4").value();
        std::optional<ledger::file_seal> seal;
        if (to == file_state::sealed) seal = ledger::file_seal{1, crypto::sha256(std::string_view("other"))};
        auto moved = f.l.set_file_state("000001.mp4", {to, f.append(), seal});
        REQUIRE_FALSE(moved.has_value());
        CHECK(moved.error().code == core::errc::conflict);
        CHECK(contains(moved.error().context, "is not allowed"));
        const auto after = f.l.file("000001.mp4").value();
        CHECK(after.state == before.state);
        CHECK(after.sealing_seq == before.sealing_seq);
        CHECK(after.updated_at == before.updated_at);
      }
    }
}

TEST_CASE("a move must cite a record in the ledger, and only sealing fixes length and hash", "[integration]") {
  fixture f;
  REQUIRE(f.l.add_file({"000001.mp4", ledger::file_kind::segment, "s"}).has_value());
  const ledger::file_seal seal{10, crypto::sha256(std::string_view("x"))};
  auto uncited = f.l.set_file_state("000001.mp4", {file_state::sealed, 99, seal});
  REQUIRE_FALSE(uncited.has_value());
  CHECK(uncited.error().code == core::errc::not_found);
  CHECK(contains(uncited.error().context, "cites record 99"));
  const auto seq = f.append();
  CHECK(f.l.set_file_state("000001.mp4", {file_state::sealed, seq, std::nullopt}).error().code ==
        core::errc::invalid_argument);
  REQUIRE(f.l.set_file_state("000001.mp4", {file_state::sealed, seq, seal}).has_value());
  CHECK(f.l.set_file_state("000001.mp4", {file_state::stored, f.append(), seal}).error().code ==
        core::errc::invalid_argument);
  CHECK(f.l.set_file_state("nope.mp4", {file_state::stored, seq, std::nullopt}).error().code == core::errc::not_found);
}

TEST_CASE("files_in_state lists oldest first", "[integration]") {
  temp_dir dir;
  std::int64_t now_ms = 1'000;
  auto options = test_options();
  options.clock = [&] { return ledger::ledger_time(std::chrono::milliseconds(now_ms)); };
  auto l = ledger::open(dir / "ledger.db", options).value();
  for (const char* name : {"c.mp4", "a.mp4", "b.mp4"}) {
    REQUIRE(l.add_file({name, ledger::file_kind::segment, "s"}).has_value());
    now_ms += 10;
  }
  std::vector<std::string> names;
  const auto partial = l.files_in_state(file_state::partial).value();
  for (const auto& file : partial) names.push_back(file.name);
  CHECK(names == std::vector<std::string>{"c.mp4", "a.mp4", "b.mp4"});
}

TEST_CASE("the schema's state trigger agrees with the file state table", "[integration]") {
  // Builds one file per state through the ledger, then tries every move with plain SQL that satisfies the
  // column CHECKs, so only the state trigger can refuse it.
  fixture f;
  std::map<file_state, std::string> names;
  for (file_state s : ledger::all_file_states) {
    names[s] = std::string(ledger::to_string(s)) + ".mp4";
    REQUIRE(f.l.add_file({names[s], ledger::file_kind::segment, "s"}).has_value());
    f.bring_to(names[s], s);
  }
  const auto seq = std::to_string(f.append());
  const auto path = f.l.path();
  for (file_state from : ledger::all_file_states)
    for (file_state to : ledger::all_file_states) {
      INFO(ledger::to_string(from) << " → " << ledger::to_string(to));
      auto raw = open_raw(path);
      // Inside a transaction that is rolled back: only the state trigger may refuse the move.
      REQUIRE(raw_exec(raw.get(), "BEGIN; DROP TRIGGER files_seal_is_final;").empty());
      const std::string columns =
          to == file_state::partial
              ? "sealing_seq = NULL, byte_length = NULL, sha256 = NULL, receipt_seq = NULL, reclaim_seq = NULL"
          : to == file_state::sealed ? "sealing_seq = ifnull(sealing_seq, " + seq +
                                           "), byte_length = ifnull(byte_length, 1), sha256 = ifnull(sha256, "
                                           "zeroblob(32)), receipt_seq = NULL, reclaim_seq = NULL"
          : to == file_state::stored ? "receipt_seq = ifnull(receipt_seq, " + seq + "), reclaim_seq = NULL"
                                     : "reclaim_seq = " + seq;
      const auto error = raw_exec(raw.get(), "UPDATE files SET state = '" + std::string(ledger::to_string(to)) + "', " +
                                                 columns + " WHERE name = '" + names[from] + "'");
      if (ledger::is_allowed_transition(from, to))
        CHECK(error.empty());
      else
        CHECK(contains(error, "state transition not allowed"));
      CHECK(raw_exec(raw.get(), "ROLLBACK").empty());
    }
}

TEST_CASE("the schema keeps what sealing fixed and keeps file and fragment rows", "[integration]") {
  fixture f;
  REQUIRE(f.l.add_file({"000001.mp4", ledger::file_kind::segment, "s"}).has_value());
  REQUIRE(f.l.add_fragment(f.fragment("000001.mp4", 0, 0, 10)).has_value());
  f.bring_to("000001.mp4", file_state::sealed);
  auto raw = open_raw(f.l.path());
  CHECK(contains(raw_exec(raw.get(), "UPDATE files SET sha256 = zeroblob(32) WHERE name = '000001.mp4'"),
                 "never changes"));
  CHECK(contains(raw_exec(raw.get(), "UPDATE files SET byte_length = 5 WHERE name = '000001.mp4'"), "never changes"));
  CHECK(contains(raw_exec(raw.get(), "DELETE FROM files"), "never deleted"));
  CHECK(contains(raw_exec(raw.get(), "UPDATE fragments SET byte_length = 11"), "never change"));
  CHECK(contains(raw_exec(raw.get(), "DELETE FROM fragments"), "never deleted"));
  CHECK(contains(raw_exec(raw.get(), "INSERT INTO fragments VALUES ('000001.mp4', 1, 10, 10, zeroblob(32))"),
                 "not partial"));
  REQUIRE(raw_exec(raw.get(), "PRAGMA foreign_keys = ON").empty());
  CHECK(
      contains(raw_exec(raw.get(), "UPDATE files SET state = 'stored', receipt_seq = 12345 WHERE name = '000001.mp4'"),
               "FOREIGN KEY"));
}

TEST_CASE("migration 2: a schema-1 ledger keeps every file and fragment row and then accepts photos", "[integration]") {
  temp_dir dir;
  const auto path = dir / "ledger.db";
  {
    auto raw = open_raw(path);
    REQUIRE(raw_exec(raw.get(), ledger::ledger_migrations()[0].sql).empty());
    REQUIRE(raw_exec(raw.get(), "PRAGMA application_id = " + std::to_string(ledger::ledger_application_id) +
                                    "; PRAGMA user_version = 1;")
                .empty());
    REQUIRE(raw_exec(raw.get(), "INSERT INTO files (name, kind, session_id, state, created_at, updated_at) "
                                "VALUES ('000001.mp4', 'segment', 's-1', 'partial', 5, 6)")
                .empty());
    REQUIRE(raw_exec(raw.get(), "INSERT INTO fragments VALUES ('000001.mp4', 0, 0, 10, zeroblob(32)), "
                                "('000001.mp4', 1, 10, 7, zeroblob(32))")
                .empty());
    // Schema 1 refuses a photo: this is what migration 2 changes.
    CHECK(contains(raw_exec(raw.get(), "INSERT INTO files (name, kind, session_id, state, created_at, updated_at) "
                                       "VALUES ('p.jpg', 'photo', 's-1', 'partial', 5, 6)"),
                   "CHECK constraint failed"));
  }
  auto l = ledger::open(path, test_options(false));
  INFO((l ? std::string() : l.error().context));
  REQUIRE(l.has_value());
  {
    auto raw = open_raw(path);
    CHECK(raw_int(raw.get(), "PRAGMA user_version") == 2);
  }
  const auto kept = l->file("000001.mp4");
  REQUIRE(kept.has_value());
  CHECK(kept->kind == ledger::file_kind::segment);
  CHECK(kept->state == file_state::partial);
  CHECK(kept->created_at == ledger::ledger_time(std::chrono::milliseconds(5)));
  CHECK(l->fragments("000001.mp4").value().size() == 2);
  REQUIRE(l->add_file({"s-1-photo.jpg", ledger::file_kind::photo, "s-1"}).has_value());
  CHECK(l->file("s-1-photo.jpg").value().kind == ledger::file_kind::photo);
  CHECK(l->integrity_check().has_value());
  auto raw = open_raw(path);
  // The rebuilt table keeps its triggers and its one foreign key from fragments.
  CHECK(contains(raw_exec(raw.get(), "DELETE FROM files WHERE name = '000001.mp4'"), "never deleted"));
  CHECK(contains(raw_exec(raw.get(), "INSERT INTO files (name, kind, session_id, state, created_at, updated_at) "
                                     "VALUES ('x', 'other', 's-1', 'partial', 5, 6)"),
                 "CHECK constraint failed"));
  CHECK(raw_int(raw.get(), "SELECT count(*) FROM pragma_foreign_key_list('fragments') WHERE \"table\" = 'files'") ==
        1);
  CHECK(raw_int(raw.get(), "SELECT count(*) FROM pragma_foreign_key_check") == 0);
  CHECK(raw_int(raw.get(), "SELECT count(*) FROM sqlite_schema WHERE name = 'files_before_2'") == 0);
}

// Fault tests: the Nth write or sync fails (once, from then on, or as a power cut that drops unsynced writes)
// during an append, a boot-counter increment or the creation of a ledger, for N = 1, 2, … until the
// operation gets through. After every failure the ledger is reopened with SQLite's normal VFS and must
// satisfy every invariant: no half record, head unchanged by the failed operation, hashes match bytes, seqs
// contiguous from 0, rows written with a record present exactly when the record is.
#include "tests/support/text_match.hpp"
#include "common/ledger/ledger.hpp"
#include "common/ledger/migrations.hpp"
#include "tests/common/ledger/fault_vfs.hpp"
#include "tests/common/ledger/ledger_test_support.hpp"

#include <iostream>

#include <catch2/catch.hpp>

using namespace bodycam::common;
using namespace bodycam::tests::ledger;
using bodycam::tests::temp_dir;
using fault = fault_vfs::fault;
using call = fault_vfs::call;
using effect = fault_vfs::effect;

namespace {

using bodycam::tests::contains;

constexpr std::uint64_t max_n = 200;  // far more writes than one append or one creation makes
constexpr const char* segment_name = "000006.mp4";

std::unique_ptr<fault_vfs> make_vfs() {
  static int instances = 0;
  return fault_vfs::create("bodycam-fault-" + std::to_string(++instances)).value();
}

ledger::open_options through(const fault_vfs& vfs, int autocheckpoint_pages, bool create = false) {
  auto options = test_options(create);
  options.vfs = vfs.name();
  options.wal_autocheckpoint_pages = autocheckpoint_pages;
  return options;
}

std::string describe(effect e) {
  switch (e) {
    case effect::fail_once: return "fails once";
    case effect::fail_from_then_on: return "fails from then on";
    case effect::power_cut: return "cuts the power";
  }
  return "?";
}

// A ledger with five records and one partial segment.
std::filesystem::path prepare(const temp_dir& dir) {
  const auto path = dir / "ledger.db";
  auto l = ledger::open(path, test_options()).value();
  for (int i = 0; i < 5; ++i) REQUIRE(l.append_record(test_record_builder()).has_value());
  REQUIRE(l.add_file({segment_name, ledger::file_kind::segment, "session-1"}).has_value());
  return path;
}

// A new partial segment for the next append to seal (through the normal VFS).
std::string add_segment(const std::filesystem::path& path, std::uint64_t n) {
  const std::string name = "seg-" + std::to_string(n) + ".mp4";
  auto l = ledger::open(path, test_options(false)).value();
  REQUIRE(l.add_file({name, ledger::file_kind::segment, "session-1"}).has_value());
  return name;
}

// The append under test: a record, and in the same transaction the seal of the segment it describes.
core::expected<ledger::stored_record> append_sealing(ledger::ledger& l, const std::string& segment) {
  return l.append_record(test_record_builder(4, 300), [&](ledger::transaction& tx, const ledger::stored_record& r) {
    return tx.set_file_state(segment, {ledger::file_state::sealed, r.seq,
                                       ledger::file_seal{4096, crypto::sha256(std::string_view("segment"))}});
  });
}

enum class outcome { absent, present, either };

// Reopens with the normal VFS and checks the invariants. The record under test (and the seal written with it)
// must be `expected` — `either` still means all or nothing: the record with its seal, or neither.
void check_after(const std::filesystem::path& path, const ledger::chain_head& before, outcome expected,
                 const std::string& segment) {
  auto l = ledger::open(path, test_options(false));
  REQUIRE(l.has_value());
  const auto problems = chain_problems(*l);
  INFO(problems);
  CHECK(problems.empty());
  const auto head = l->head().value();
  const auto file = l->file(segment).value();
  const bool present = head.next_seq == before.next_seq + 1;
  CHECK((present || head == before));
  if (expected != outcome::either) CHECK(present == (expected == outcome::present));
  if (present) {
    CHECK(file.state == ledger::file_state::sealed);
    CHECK(file.sealing_seq == before.next_seq);
  } else {
    CHECK(file.state == ledger::file_state::partial);
    CHECK_FALSE(file.sealing_seq.has_value());
  }
  CHECK(l->file(segment_name).value().state == ledger::file_state::partial);
}

}  // namespace

TEST_CASE("the fault vfs fails the Nth write and a power cut drops what was not synced", "[fault]") {
  temp_dir dir;
  const auto path = prepare(dir);
  auto vfs = make_vfs();
  {
    auto l = ledger::open(path, through(*vfs, 1000)).value();
    vfs->arm({call::write, 1, effect::fail_once});
    auto failed = l.append_record(test_record_builder());
    REQUIRE_FALSE(failed.has_value());
    CHECK(vfs->has_fired());
    CHECK(failed.error().code == core::errc::io);
    CHECK(contains(failed.error().context, "ledger " + path.string()));
    CHECK(contains(failed.error().context, "disk I/O error"));
    CHECK(l.head().value().next_seq == 5);
    vfs->disarm();
    REQUIRE(l.append_record(test_record_builder()).has_value());  // the same connection carries on
    CHECK(vfs->writes() > 0);
    CHECK(vfs->syncs() > 0);

    vfs->arm({call::sync, 1, effect::power_cut});
    CHECK_FALSE(l.append_record(test_record_builder()).has_value());
    CHECK(vfs->is_powered_off());
    CHECK(vfs->undone_writes() > 0);
  }
  vfs->disarm();
  auto l = ledger::open(path, test_options(false)).value();
  CHECK(l.head().value().next_seq == 6);
  CHECK(chain_problems(l).empty());
}

TEST_CASE("append_record when the Nth write or sync fails: all or nothing, for every N", "[fault]") {
  const call on = GENERATE(call::write, call::sync);
  const effect what = GENERATE(effect::fail_once, effect::fail_from_then_on);
  const int autocheckpoint = GENERATE(1000, 1);  // 1: every commit also checkpoints into the main file
  DYNAMIC_SECTION((on == call::write ? "write" : "sync")
                  << " " << describe(what) << ", checkpoint every " << autocheckpoint << " pages") {
    temp_dir dir;
    const auto path = prepare(dir);
    auto vfs = make_vfs();
    std::uint64_t failures = 0;
    bool fired = true;
    // Until the fault no longer fires: past the last write or sync the append (and its checkpoint) makes.
    std::uint64_t n = 1;
    for (; n <= max_n && fired; ++n) {
      INFO("fault at call " << n);
      const auto segment = add_segment(path, n);
      ledger::chain_head before;
      bool appended = false;
      {
        auto l = ledger::open(path, through(*vfs, autocheckpoint)).value();
        before = l.head().value();
        vfs->arm({on, n, what});
        auto r = append_sealing(l, segment);
        fired = vfs->has_fired();
        appended = r.has_value();
        if (!fired) CHECK(appended);
        if (!appended) {
          ++failures;
          CHECK(fired);
          CHECK(contains(r.error().context, path.string()));
          CHECK(r.error().code == core::errc::io);
          CHECK(l.head().value() == before);  // not visible, not even to the connection that failed
        }
        if (what == effect::fail_once) vfs->disarm();  // a dead disk stays dead while the ledger closes
      }
      vfs->disarm();
      // When the fsync of the commit itself fails on a disk that then stays dead, the WAL frames were
      // written and may survive (as after a real failed fsync): the record may appear on reopen — whole,
      // with its seal. Every other failure here must leave it absent.
      const bool ambiguous = !appended && on == call::sync && what == effect::fail_from_then_on;
      check_after(path, before, appended ? outcome::present : ambiguous ? outcome::either : outcome::absent, segment);
    }
    CHECK_FALSE(fired);
    CHECK(failures >= 1);
    std::cout << "fault loop, append, " << (on == call::write ? "write" : "sync") << " " << describe(what)
              << ", checkpoint every " << autocheckpoint << ": N = 1.." << n - 1 << ", " << failures
              << " appends failed, invariants held after each\n";
  }
}

TEST_CASE("append_record when the power is cut at the Nth write or sync: acknowledged means durable", "[fault]") {
  const call on = GENERATE(call::write, call::sync);
  const int autocheckpoint = GENERATE(1000, 1);
  DYNAMIC_SECTION((on == call::write ? "write" : "sync") << ", checkpoint every " << autocheckpoint << " pages") {
    temp_dir dir;
    const auto path = prepare(dir);
    auto vfs = make_vfs();
    std::uint64_t cuts = 0;
    std::uint64_t lost = 0;
    bool reached_end = false;
    std::uint64_t n = 1;
    for (; n <= max_n && !reached_end; ++n) {
      INFO("power cut at call " << n);
      const auto segment = add_segment(path, n);
      ledger::chain_head before;
      bool acknowledged = false;
      {
        auto l = ledger::open(path, through(*vfs, autocheckpoint)).value();
        before = l.head().value();
        vfs->arm({on, n, effect::power_cut});
        acknowledged = append_sealing(l, segment).has_value();
        if (vfs->has_fired()) ++cuts;
        if (vfs->has_fired() && !acknowledged) ++lost;
        reached_end = !vfs->has_fired();  // the append made fewer than n such calls: nothing left to cut
        if (reached_end) CHECK(acknowledged);
        // The ledger closes with the power still off: every write of its close fails too.
      }
      vfs->disarm();
      // In this model an unacknowledged append's unsynced writes are all lost, so it must be absent; an
      // acknowledged one (cut after COMMIT, e.g. in the checkpoint) must be present.
      check_after(path, before, acknowledged ? outcome::present : outcome::absent, segment);
    }
    CHECK(reached_end);
    CHECK(cuts >= 1);
    CHECK(lost >= 1);
    std::cout << "power-cut loop, append, " << (on == call::write ? "write" : "sync") << ", checkpoint every "
              << autocheckpoint << ": N = 1.." << n - 1 << ", " << cuts << " cuts, " << lost
              << " unacknowledged appends lost, " << cuts - lost << " acknowledged appends kept\n";
  }
}

TEST_CASE("next_boot_counter when the Nth write or sync fails never goes backwards", "[fault]") {
  const call on = GENERATE(call::write, call::sync);
  const effect what = GENERATE(effect::fail_once, effect::power_cut);
  temp_dir dir;
  const auto path = prepare(dir);
  auto vfs = make_vfs();
  bool incremented = false;
  std::uint64_t failures = 0;
  for (std::uint64_t n = 1; n <= max_n && !incremented; ++n) {
    INFO("fault at call " << n << ", " << describe(what));
    std::uint64_t before = 0;
    {
      auto l = ledger::open(path, through(*vfs, 1000)).value();
      before = l.boot_counter().value();
      vfs->arm({on, n, what});
      auto next = l.next_boot_counter();
      incremented = next.has_value();
      if (incremented)
        CHECK(*next == before + 1);
      else
        ++failures;
    }
    vfs->disarm();
    auto l = ledger::open(path, test_options(false)).value();
    CHECK(l.boot_counter().value() == (incremented ? before + 1 : before));
  }
  CHECK(incremented);
  CHECK(failures >= 1);
}

TEST_CASE("creating a ledger when the Nth write or sync fails leaves no half-migrated file", "[fault]") {
  const call on = GENERATE(call::write, call::sync);
  const effect what = GENERATE(effect::fail_once, effect::power_cut);
  temp_dir dir;
  const auto path = dir / "ledger.db";
  auto vfs = make_vfs();
  bool fired = true;
  std::uint64_t failures = 0;
  std::uint64_t n = 1;
  for (; n <= max_n && fired; ++n) {
    INFO("fault at call " << n << ", " << describe(what));
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
    vfs->arm({on, n, what});
    bool created = false;
    {
      auto l = ledger::open(path, through(*vfs, 1000, true));
      created = l.has_value();
      if (!created) ++failures;
    }
    fired = vfs->has_fired();
    if (!fired) CHECK(created);
    vfs->disarm();
    {
      // Without create: a missing or empty file, or a complete ledger — never anything in between.
      auto plain = ledger::open(path, test_options(false));
      if (created) CHECK(plain.has_value());
      if (!plain) {
        INFO(plain.error().context);
        const bool missing = plain.error().code == core::errc::not_found;
        const bool empty =
            plain.error().code == core::errc::malformed && contains(plain.error().context, "empty SQLite database");
        CHECK((missing || empty));
      }
    }
    auto l = ledger::open(path, test_options(true));
    REQUIRE(l.has_value());
    CHECK(chain_problems(*l).empty());
    auto raw = open_raw(path);
    CHECK(raw_int(raw.get(), "PRAGMA user_version") == ledger::latest_schema_version());
    CHECK(raw_int(raw.get(), "PRAGMA application_id") == ledger::ledger_application_id);
  }
  CHECK_FALSE(fired);
  CHECK(failures >= 1);
  std::cout << "fault loop, create, " << (on == call::write ? "write" : "sync") << " " << describe(what) << ": N = 1.."
            << n - 1 << ", " << failures << " opens failed, never half migrated\n";
}

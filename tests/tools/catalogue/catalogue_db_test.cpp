// The console catalogue on real SQLite files (tools/catalogue/catalogue_db.hpp): FTS5 is compiled in; a
// store made by the evidence builder and the test agency is catalogued with officers, units, statements,
// uploads and notes; searches by every filter; incremental refresh re-derives only what changed and agrees
// with a full rebuild; foreign and corrupt files are moved aside and rebuilt, never trusted (K1-K4).
#include "common/store/memory_backend.hpp"
#include "tools/catalogue/catalogue_db.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/tools/evidence_store_builder.hpp"
#include "tests/tools/test_agency.hpp"
#include "tools/enrollment/enrollment_entry.hpp"
#include "tools/registers/metadata_book.hpp"

#include <sqlite3.h>

#include <catch2/catch.hpp>

#include <fstream>

namespace cat = bodycam::tools::catalogue;
namespace reg = bodycam::tools::registers;
namespace en = bodycam::tools::enrollment;
using namespace bodycam::common;
using bodycam::tests::temp_dir;
using namespace std::chrono;

namespace {

struct agency_store {
  temp_dir dir{"bodycam-catalogue"};
  store::store s{std::make_unique<store::memory_backend>()};
  bodycam::tests::test_agency agency{s, dir / "agency"};
  bodycam::tests::evidence_camera cam1{s, "cam-0001", 11};
  bodycam::tests::evidence_camera cam2{s, "cam-0002", 12};
  crypto::software_signer officer{crypto::secret_key::generate().value()};
  crypto::software_signer clerk{crypto::secret_key::generate().value()};
  crypto::software_signer outsider{crypto::secret_key::generate().value()};  // an officer of another unit
  static constexpr std::uint8_t officer_role = static_cast<std::uint8_t>(en::role::officer);
  static constexpr std::uint8_t clerk_role = static_cast<std::uint8_t>(en::role::clerk);
  int notes_made = 0;

  agency_store() {
    bodycam::tests::record_shift(cam1, 3, minutes(30));
    bodycam::tests::record_shift(cam2, 2, hours(30));  // stored 30 h later: late
    bodycam::tests::record_shift(cam1, 1, minutes(10));
    agency.enroll(en::subject_kind::camera, {"cam-0001", cam1_key()}, 0, "north");
    agency.enroll(en::subject_kind::camera, {"cam-0002", cam2_key()}, 0, "south");
    agency.enroll(en::subject_kind::person, {"officer-7", officer.public_key()}, officer_role, "north");
    agency.enroll(en::subject_kind::person, {"officer-9", outsider.public_key()}, officer_role, "south");
    agency.enroll(en::subject_kind::person, {"clerk-1", clerk.public_key()}, clerk_role, "records");
  }
  crypto::public_key cam1_key() const { return s.get_public_key(cam1.device()).value().key; }
  crypto::public_key cam2_key() const { return s.get_public_key(cam2.device()).value().key; }
  cat::refresh_options options(bool full = false) const {
    cat::refresh_options o;
    o.now = record::utc_time(sys_days(year(2026) / 12 / 5));
    o.full = full;
    o.root = crypto::load_public_key(agency.root_file()).value().key;
    return o;
  }
  void note(const record::session_id& session, const record::device_id& device,
            std::vector<reg::field_value> fields, bool by_clerk = false) {
    reg::metadata_entry e;
    e.utc = record::utc_time(sys_days(year(2026) / 12 / 1)) + minutes(++notes_made);  // later notes win
    e.device = device;
    e.session = session;
    e.fields = std::move(fields);
    REQUIRE(reg::append_note(s, by_clerk ? "clerk-1" : "officer-7", e, by_clerk ? clerk : officer,
                             reg::default_note_categories()));
  }
};

std::vector<std::string> sessions_of(const cat::search_page& page) {
  std::vector<std::string> out;
  for (const auto& r : page.rows) out.push_back(r.device + "/" + r.session.substr(0, 4));
  return out;
}

}  // namespace

TEST_CASE("Debian's SQLite has FTS5 compiled in", "[integration]") {
  CHECK(sqlite3_compileoption_used("ENABLE_FTS5") == 1);
  temp_dir dir{"bodycam-catalogue"};
  auto db = cat::catalogue_db::open(dir / "c.db").value();
  // The migration made a real FTS5 table; a MATCH over it answers.
  REQUIRE(db.connection().exec("probe fts5", "INSERT INTO notes_fts(rowid, note_text) VALUES(1, 'suspect fled')"));
  CHECK(db.connection().read_integer("probe", "SELECT count(*) FROM notes_fts WHERE notes_fts MATCH '\"fled\"'").value() == 1);
}

TEST_CASE("a store is catalogued: one row per session, officers, units, statements, uploads, notes", "[integration]") {
  agency_store f;
  auto db = cat::catalogue_db::open(f.dir / "catalogue.db").value();
  // Sessions are known by their ids; take them from a first refresh.
  auto first = db.refresh(f.s, f.options()).value();
  CHECK(first.devices_refreshed == 2);
  CHECK(first.sessions_written == 3);
  auto all = db.search({}).value();
  REQUIRE(all.total == 3);
  REQUIRE(all.rows.size() == 3);
  const auto& s1 = all.rows[0];
  CHECK(s1.device == "cam-0001");
  CHECK(s1.officer == "officer-7");
  CHECK(s1.unit == "north");
  CHECK(s1.segments == 3);
  CHECK(s1.statements_present == 2);
  CHECK(s1.statements_missing == 0);
  CHECK(s1.late_uploads == 0);
  REQUIRE(s1.time_to_storage);
  CHECK(*s1.time_to_storage < hours(1));
  CHECK(s1.duration > minutes(3));
  const auto cam2_row = std::find_if(all.rows.begin(), all.rows.end(), [](auto& r) { return r.device == "cam-0002"; });
  REQUIRE(cam2_row != all.rows.end());
  CHECK(cam2_row->unit == "south");
  CHECK(cam2_row->late_uploads == 2);
  CHECK(all.rows[0].start <= all.rows[1].start);
  CHECK(all.rows[1].start <= all.rows[2].start);

  const auto sid = [](const cat::session_row& r) { return record::session_id::parse(r.session).value(); };
  const auto dev = [](const cat::session_row& r) { return record::device_id::parse(r.device).value(); };
  f.note(sid(all.rows[0]), dev(all.rows[0]),
         {{reg::note_field::place, "Rue de la Gare 4"}, {reg::note_field::case_number, "CASE-2026-0042"},
          {reg::note_field::category, "traffic"}, {reg::note_field::text, "Driver refused the breath test"}});
  f.note(sid(*cam2_row), dev(*cam2_row),
         {{reg::note_field::party, "Jeanne Dupont"}, {reg::note_field::category, "complaint"}}, true);
  f.note(sid(all.rows[0]), dev(all.rows[0]), {{reg::note_field::category, "evidence"}}, true);
  auto noted = db.refresh(f.s, f.options()).value();
  CHECK(noted.devices_refreshed == 0);
  CHECK(noted.devices_unchanged == 2);
  CHECK(noted.notes_applied == 2);

  SECTION("search by every filter, sorted by start, with paging") {
    cat::search_query q;
    q.officer = "officer-7";
    q.from = all.rows[2].start;
    const auto from_third = static_cast<std::uint64_t>(
        std::count_if(all.rows.begin(), all.rows.end(), [&](auto& r) { return r.start >= all.rows[2].start; }));
    CHECK(from_third >= 1);
    CHECK(db.search(q).value().total == from_third);
    q.to = all.rows[2].start;
    CHECK(db.search(q).value().total == 0);
    q = {};
    q.case_number = "CASE-2026-0042";
    auto by_case = db.search(q).value();
    REQUIRE(by_case.total == 1);
    CHECK(by_case.rows[0].category == "evidence");  // the clerk's later note is the current value
    CHECK(by_case.rows[0].place == "Rue de la Gare 4");
    CHECK(by_case.rows[0].note_entries == 2);
    q = {};
    q.text = "breath";
    CHECK(db.search(q).value().total == 1);
    q.text = "CASE-2026-0042";  // case numbers are in the free-text index too
    CHECK(db.search(q).value().total == 1);
    q.text = "dupont";  // case-insensitive, parties included
    CHECK(sessions_of(db.search(q).value()) == std::vector<std::string>{"cam-0002/" + cam2_row->session.substr(0, 4)});
    q = {};
    q.party = "Jeanne";
    CHECK(db.search(q).value().total == 1);
    q.party = "Gare";  // a place is not a party
    CHECK(db.search(q).value().total == 0);
    q = {};
    q.place = "gare";
    CHECK(db.search(q).value().total == 1);
    q = {};
    q.category = "complaint";
    CHECK(db.search(q).value().total == 1);
    q = {};
    q.unit = "north";
    CHECK(db.search(q).value().total == 2);
    q = {};
    q.device = "cam-0002";
    CHECK(db.search(q).value().total == 1);
    q = {};
    q.text = "\" OR 1 NEAR( *";  // operators are words to find, not syntax
    CHECK(db.search(q).value().total == 0);
    q = {};
    q.limit = 2;
    auto page1 = db.search(q).value();
    q.offset = 2;
    auto page2 = db.search(q).value();
    CHECK(page1.total == 3);
    CHECK(page1.rows.size() == 2);
    CHECK(page2.rows.size() == 1);
    CHECK(page2.rows[0] == all.rows[2]);
    q.limit = 0;
    CHECK_FALSE(db.search(q));
  }
  SECTION("a note by an officer who neither wore the camera nor joined is left out, named, and changes nothing") {
    reg::metadata_entry e;
    e.utc = record::utc_time(sys_days(year(2026) / 12 / 2));
    e.device = dev(all.rows[0]);
    e.session = sid(all.rows[0]);
    e.fields = {{reg::note_field::category, "other"}};
    REQUIRE(reg::append_note(f.s, "officer-9", e, f.outsider, reg::default_note_categories()));
    const auto r = db.refresh(f.s, f.options()).value();
    REQUIRE(r.register_findings.size() == 1);
    CHECK(r.register_findings[0] == "unauthorized_author notes/officer-9.0");
    cat::search_query q;
    q.case_number = "CASE-2026-0042";
    CHECK(db.search(q).value().rows.at(0).category == "evidence");
    q = {};
    q.category = "other";
    CHECK(db.search(q).value().total == 0);
  }
  SECTION("an officer's note counts once the session's records show them joining; until then it is named") {
    cat::search_query arrests;
    arrests.category = "arrest";
    REQUIRE(db.search(arrests).value().total == 0);
    f.cam2.after(hours(2)).wearer("officer-7").boot().precheck().start().after(seconds(20)).segment("worn");
    f.cam2.receipt(f.cam2.now() + minutes(1));
    const record::session_id joined_later = f.cam2.session();
    reg::metadata_entry e;
    e.utc = record::utc_time(sys_days(year(2026) / 12 / 2));
    e.device = f.cam2.device();
    e.session = joined_later;
    e.fields = {{reg::note_field::category, "arrest"}};
    REQUIRE(reg::append_note(f.s, "officer-9", e, f.outsider, reg::default_note_categories()));
    const auto before = db.refresh(f.s, f.options()).value();
    REQUIRE(before.register_findings.size() == 1);
    CHECK(before.register_findings[0] == "unauthorized_author notes/officer-9.0");
    CHECK(db.search(arrests).value().total == 0);
    // Unchanged device, roster from the catalogue's rows: still named.
    CHECK(db.refresh(f.s, f.options()).value().register_findings.size() == 1);
    f.cam2.after(seconds(30)).officer("officer-9", record::officer_change::join);
    f.cam2.after(minutes(1)).segment("joined").after(seconds(5)).stop().receipt(f.cam2.now() + minutes(1));
    const auto after = db.refresh(f.s, f.options()).value();
    CHECK(after.register_findings.empty());
    const auto found = db.search(arrests).value();
    REQUIRE(found.total == 1);
    CHECK(found.rows.at(0).session == joined_later.to_hex());
    CHECK(found.rows.at(0).joined == std::vector<std::string>{"officer-9"});
    // The same answer from the rows alone (device unchanged since) and from a full rebuild.
    CHECK(db.refresh(f.s, f.options()).value().register_findings.empty());
    CHECK(db.refresh(f.s, f.options(true)).value().register_findings.empty());
    CHECK(db.search(arrests).value().total == 1);
  }
  SECTION("incremental refresh re-derives only the device that changed, and agrees with a full rebuild") {
    CHECK(db.refresh(f.s, f.options()).value().sessions_written == 0);
    bodycam::tests::record_shift(f.cam2, 1, minutes(5));  // a new session and receipt: receipts change
    auto again = db.refresh(f.s, f.options()).value();
    CHECK(again.devices_refreshed == 2);  // a new receipt may change any device's upload times
    CHECK(db.session_count().value() == 4);
    auto incremental = db.search({}).value();
    auto full = cat::catalogue_db::open(f.dir / "full.db").value();
    REQUIRE(full.refresh(f.s, f.options(true)));
    CHECK(full.search({}).value().rows == incremental.rows);
    CHECK(db.refresh(f.s, f.options(true)).value().sessions_written == 4);
    CHECK(db.search({}).value().rows == incremental.rows);
  }
}

TEST_CASE("a foreign, corrupt or non-SQLite catalogue file is moved aside and rebuilt, never trusted",
          "[integration]") {
  temp_dir dir{"bodycam-catalogue"};
  const auto path = dir / "catalogue.db";
  SECTION("not SQLite") {
    std::ofstream(path) << "this is not a database";
  }
  SECTION("another application's SQLite file") {
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
    REQUIRE(sqlite3_exec(raw, "PRAGMA application_id = 1234; CREATE TABLE t(x);", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(raw);
  }
  SECTION("a catalogue with garbled pages") {
    {
      auto db = cat::catalogue_db::open(path).value();
      std::vector<cat::session_row> rows(200);
      for (std::size_t i = 0; i < rows.size(); ++i) {
        rows[i].device = "cam-1";
        rows[i].session = std::to_string(i);
        rows[i].text = "note " + std::to_string(i);
      }
      REQUIRE(db.insert_rows(rows));
      REQUIRE(db.connection().exec("checkpoint", "PRAGMA wal_checkpoint(TRUNCATE)"));
    }
    // Garble the b-tree page header of every page after the first.
    const auto size = std::filesystem::file_size(path);
    REQUIRE(size > 3 * 4096);
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    for (std::uint64_t page = 4096; page < size; page += 4096) {
      file.seekp(static_cast<std::streamoff>(page));
      for (int i = 0; i < 12; ++i) file.put(static_cast<char>(0xA5));
    }
  }
  std::error_code ec;
  const auto original_size = std::filesystem::file_size(path, ec);
  REQUIRE(original_size > 0);
  cat::open_report report;
  auto db = cat::catalogue_db::open(path, &report);
  REQUIRE(db);
  REQUIRE(report.rejected);
  CHECK(std::filesystem::file_size(*report.rejected) == original_size);  // moved, not deleted
  CHECK_FALSE(report.reason.empty());
  CHECK(db->session_count().value() == 0);
}

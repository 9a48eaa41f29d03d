// `bodycam audit` as a library (tools/audit) over stores built as the dock fills them: what it reports for
// an ordinary shift, for each kind of gap and missing statement, for late uploads, and for each attack on
// the store's files, receipts and registers.
#include "common/store/memory_backend.hpp"
#include "tests/support/files.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/tools/evidence_store_builder.hpp"
#include "tools/audit/catalogue.hpp"
#include "tools/audit/render.hpp"
#include "tools/audit/store_audit.hpp"
#include "tools/audit/store_findings.hpp"
#include "tools/registers/register_book.hpp"

#include <algorithm>
#include <fstream>

#include <catch2/catch.hpp>

using namespace bodycam::common;
namespace audit = bodycam::tools::audit;
using bodycam::tests::evidence_camera;
using record::annotation_purpose;

namespace {

struct memory_fixture {
  store::memory_backend* backend = nullptr;
  store::store s;
  memory_fixture() : s(make()) {}
  store::store make() {
    auto b = std::make_unique<store::memory_backend>();
    backend = b.get();
    return store::store(std::move(b));
  }
};

audit::audit_report run(const store::store& s, std::uint32_t slice = 1, std::uint32_t slices = 1) {
  audit::audit_options o;
  o.now = record::utc_time(std::chrono::milliseconds(bodycam::tests::old_shift_ms)) + std::chrono::days(3);
  o.sample_slice = slice;
  o.sample_slices = slices;
  return audit::audit_store(s, o).value();
}

bool has_problem(const audit::device_audit& d, const std::string& text) {
  return std::any_of(d.problems.begin(), d.problems.end(),
                     [&](const auto& p) { return p.find(text) != std::string::npos; });
}

}  // namespace

TEST_CASE("audit of an ordinary shift: authentic, every file verified, stored in time, statements present") {
  memory_fixture f;
  evidence_camera cam(f.s, "cam-0001", 1);
  cam.timesync();
  bodycam::tests::record_shift(cam, 3, std::chrono::minutes(90));
  const auto report = run(f.s);
  CHECK(report.verdict == chain::verdict::authentic);
  REQUIRE(report.devices.size() == 1);
  const auto& d = report.devices[0];
  CHECK(d.problems.empty());
  CHECK(d.late_count == 0);
  REQUIRE(d.sessions.size() == 1);
  const auto& s = d.sessions[0];
  CHECK(s.notes.empty());
  REQUIRE(s.segments.size() == 3);
  for (const auto& o : s.segments) {
    CHECK(o.state == audit::object_state::verified);
    REQUIRE(o.upload_delay.has_value());
    CHECK(*o.upload_delay > std::chrono::minutes(90));
    CHECK(*o.upload_delay < std::chrono::minutes(95));
  }
  CHECK(s.statements.size() == 2);
  CHECK(d.receipts.size() == 1);
  CHECK(d.receipts[0].signature_ok);
  CHECK(d.prechecks.size() == 1);
  REQUIRE(d.clock.size() >= 2);
  CHECK(d.clock[1].offset == std::chrono::milliseconds(3));
  const auto json = audit::render_json(report);
  CHECK(json["verdict"] == "authentic");
  CHECK(json["devices"][0]["sessions"][0]["segments"].size() == 3);
  const auto text = audit::render_text(report);
  CHECK(text.find("Authentic: all " + std::to_string(d.chain.records.size()) +
                  " records of the store's 1 device(s) verify and none is missing.") != std::string::npos);
  CHECK(json["exit_code"] == 0);
  const auto html = audit::render_html(report);
  CHECK(html.find("<svg") != std::string::npos);
  CHECK(html.find(audit::html_recording_colour) != std::string::npos);
  CHECK(html.find("http") == std::string::npos);  // self-contained: nothing fetched
}

TEST_CASE("audit reports gaps, statements and late uploads as a clerk must see them") {
  memory_fixture f;
  evidence_camera cam(f.s, "cam-0002", 2);
  bodycam::tests::record_gap_shift(cam);

  const auto report = run(f.s);
  CHECK(report.verdict == chain::verdict::authentic_with_gaps);  // the interruptions are documented gaps
  const auto& d = report.devices.at(0);
  const auto& s = d.sessions.at(0);
  REQUIRE(s.gaps.size() == 2);
  CHECK(s.gaps[0].reason == record::interruption_reason::power_loss);
  // One explanation per event: the one resume statement explains the low-battery interruption it follows,
  // not the power loss before it too.
  CHECK_FALSE(s.gaps[0].resume_statement);
  CHECK(s.gaps[0].statement == audit::statement_need::missing);
  CHECK(s.gaps[1].resume_statement);
  CHECK(s.gaps[1].statement == audit::statement_need::present);
  CHECK(std::count_if(s.notes.begin(), s.notes.end(), [](const std::string& n) {
          return n.find("resume statement missing") == 0;
        }) == 1);
  CHECK(std::find(s.notes.begin(), s.notes.end(), "start statement missing") != s.notes.end());
  CHECK(std::find(s.notes.begin(), s.notes.end(), "stop statement has no speech") != s.notes.end());
  CHECK(d.late_count == 3);
  for (const auto& o : s.segments) CHECK(o.late);
  REQUIRE(d.prechecks.size() == 1);
  REQUIRE(d.prechecks[0].warnings.size() == 1);
  CHECK(d.prechecks[0].warnings[0].check == "clock");
  const auto text = audit::render_text(report);
  CHECK(text.find("LATE") != std::string::npos);
  CHECK(text.find("power_loss") != std::string::npos);
  CHECK(text.find("warn clock: last dock sync 30 h ago") != std::string::npos);
}

TEST_CASE("each interruption the camera resumed from needs its own resume statement") {
  memory_fixture f;
  evidence_camera cam(f.s, "cam-0004", 4);
  cam.boot().start().annotation(annotation_purpose::start, "hello").segment("a");
  cam.interruption(record::interruption_reason::power_loss, std::chrono::seconds(5));
  cam.annotation(annotation_purpose::resume, "first resume").segment("b");
  cam.interruption(record::interruption_reason::crash, std::chrono::seconds(5));
  cam.annotation(annotation_purpose::resume, "second resume").segment("c").stop();
  cam.annotation(annotation_purpose::stop, "bye");
  const auto report = run(f.s);
  const auto& s = report.devices.at(0).sessions.at(0);
  REQUIRE(s.gaps.size() == 2);
  CHECK(s.gaps[0].statement == audit::statement_need::present);
  CHECK(s.gaps[1].statement == audit::statement_need::present);
  CHECK(std::none_of(s.notes.begin(), s.notes.end(),
                     [](const std::string& n) { return n.find("resume statement missing") == 0; }));
}

TEST_CASE("back-pressure and skipped frames ask for no statement; an automatic stop ends the session") {
  memory_fixture f;
  evidence_camera cam(f.s, "cam-0005", 5);
  cam.boot().start().annotation(annotation_purpose::start, "hello").segment("a");
  cam.interruption(record::interruption_reason::back_pressure, std::chrono::seconds(1));
  cam.interruption(record::interruption_reason::source_gap, std::chrono::seconds(1)).segment("b");
  cam.interruption(record::interruption_reason::low_battery, std::chrono::seconds(0));
  cam.stop(record::stop_reason::low_battery);
  cam.annotation(annotation_purpose::stop, "battery");
  const auto report = run(f.s);
  const auto& s = report.devices.at(0).sessions.at(0);
  REQUIRE(s.gaps.size() == 3);
  CHECK(s.gaps[0].statement == audit::statement_need::not_needed);
  CHECK(s.gaps[1].statement == audit::statement_need::not_needed);
  CHECK(s.gaps[2].statement == audit::statement_need::session_ended);
  CHECK(std::none_of(s.notes.begin(), s.notes.end(),
                     [](const std::string& n) { return n.find("resume statement missing") == 0; }));
  const auto text = audit::render_text(report);
  CHECK(text.find("recording went on, no statement asked") != std::string::npos);
  CHECK(text.find("the camera ended the session here") != std::string::npos);
  CHECK(text.find("MISSING") == std::string::npos);
}

TEST_CASE("an interruption without a resume statement is flagged") {
  memory_fixture f;
  evidence_camera cam(f.s, "cam-0003", 3);
  cam.boot().start().annotation(annotation_purpose::start, "hello").segment("a");
  cam.interruption(record::interruption_reason::crash, std::chrono::seconds(5)).segment("b").stop();
  cam.annotation(annotation_purpose::stop, "bye");
  const auto report = run(f.s);
  const auto& s = report.devices.at(0).sessions.at(0);
  REQUIRE(s.gaps.size() == 1);
  CHECK_FALSE(s.gaps[0].resume_statement);
  CHECK(s.notes.back().find("resume statement missing after the interruption at record") == 0);
  // No receipt at all and more than 24 h old when audited: not confirmed stored in time.
  CHECK(report.devices[0].late_count == 2);
}

TEST_CASE("attacks on the store's files and receipts make the audit say not authentic, naming the file") {
  memory_fixture f;
  evidence_camera cam(f.s, "cam-0004", 4);
  bodycam::tests::record_shift(cam, 2, std::chrono::minutes(10));
  const auto segment = std::get<record::segment_payload>(cam.records()[4].body.body);
  REQUIRE(segment.index == 0);
  SECTION("flip_byte_in_stored_segment: mismatch with the actual hash") {
    auto bytes = f.s.read_object_range(segment.file_sha256, 0, 1000).value();
    bytes[0] ^= 0x01;
    f.backend->tamper(store::store_key::object(segment.file_sha256), bytes);
    const auto report = run(f.s);
    CHECK(report.verdict == chain::verdict::not_authentic);
    CHECK(report.devices[0].sessions[0].segments[0].state == audit::object_state::mismatch);
    CHECK(has_problem(report.devices[0], "object_mismatch: objects/sha256/" + segment.file_sha256.to_hex()));
    SECTION("with --sample on another slice it is not re-hashed, so reported present, never verified") {
      for (std::uint32_t slice = 1; slice <= 4; ++slice) {
        if (audit::in_sample(segment.file_sha256, slice, 4)) continue;
        const auto sampled = run(f.s, slice, 4);
        CHECK(sampled.devices[0].sessions[0].segments[0].state == audit::object_state::present);
        break;
      }
    }
  }
  SECTION("truncate_stored_segment: the length no longer matches") {
    auto bytes = f.s.read_object_range(segment.file_sha256, 0, 1000).value();
    bytes.pop_back();
    f.backend->tamper(store::store_key::object(segment.file_sha256), bytes);
    CHECK(run(f.s).devices[0].sessions[0].segments[0].state == audit::object_state::mismatch);
  }
  SECTION("forged_receipt: signed by a dock key that is not enrolled") {
    receipt::receipt r;
    r.issuer = "dock-1";
    crypto::software_signer rogue(bodycam::tests::fixed_key(99));
    r.issuer_key = rogue.public_key();
    r.device = cam.device();
    r.first_seq = 0;
    r.end_seq = 2;
    r.head_hash = cam.records()[1].hash;
    auto doc = receipt::sign(r, rogue).value();
    REQUIRE(f.s.put_entry(store::entry_namespace::receipts, receipt::store_name(r), doc.document));
    const auto report = run(f.s);
    CHECK(report.verdict == chain::verdict::not_authentic);
    CHECK(has_problem(report.devices[0], "wrong_issuer_key"));
  }
  SECTION("forged_access_entry in the register: the store is not authentic") {
    crypto::software_signer clerk(bodycam::tests::fixed_key(50));
    bodycam::tools::registers::register_entry e;
    e.action = "export";
    REQUIRE(bodycam::tools::registers::append_entry(f.s, store::entry_namespace::access, "clerk-1", e, clerk));
    crypto::software_signer forger(bodycam::tests::fixed_key(51));
    e.clerk = "clerk-1";
    e.seq = 1;
    auto forged = bodycam::tools::registers::sign_entry(e, forger).value();
    REQUIRE(f.s.put_entry(store::entry_namespace::access, "clerk-1.1", forged.bytes));
    const auto report = run(f.s);
    CHECK(report.verdict == chain::verdict::not_authentic);
    CHECK_FALSE(report.access->is_intact());
    CHECK(audit::render_text(report).find("wrong_clerk_key") != std::string::npos);
  }
  SECTION("an object deleted with a signed expiry event is 'expired under policy', not missing") {
    crypto::software_signer clerk(bodycam::tests::fixed_key(50));
    bodycam::tools::registers::register_entry e;
    e.kind = bodycam::tools::registers::entry_kind::expiry;
    e.action = "retention 183 days";
    e.objects.push_back({segment.file_sha256, segment.byte_length});
    auto stored = bodycam::tools::registers::append_entry(f.s, store::entry_namespace::retention, "clerk-1", e, clerk);
    REQUIRE(stored);
    REQUIRE(f.s.remove_expired_object(segment.file_sha256, "clerk-1.0"));
    const auto report = run(f.s);
    CHECK(report.verdict == chain::verdict::authentic_with_gaps);
    CHECK(report.devices[0].sessions[0].segments[0].state == audit::object_state::expired);
    CHECK(audit::render_text(report).find("(expired under policy)") != std::string::npos);
  }
  SECTION("huge_record in the store: named, not authentic, and the other devices are still audited") {
    evidence_camera other(f.s, "cam-0005", 5);
    bodycam::tests::record_shift(other, 1, std::chrono::minutes(10));
    f.backend->tamper(store::store_key::record(cam.device(), 3), core::byte_buffer(std::size_t{2} << 20, 0x41));
    const auto report = run(f.s);
    CHECK(report.verdict == chain::verdict::not_authentic);
    REQUIRE(report.devices.size() == 2);
    CHECK(has_problem(report.devices[0], "records/cam-0004/3"));
    CHECK(report.devices[1].verdict == chain::verdict::authentic);
  }
  SECTION("an object gone without an expiry event is missing: not authentic") {
    f.backend->tamper(store::store_key::object(segment.file_sha256), {});
    const auto report = run(f.s);
    CHECK(report.verdict == chain::verdict::not_authentic);
  }
}

TEST_CASE("a device without an enrolled key cannot be verified; an empty store neither") {
  memory_fixture f;
  CHECK(run(f.s).verdict == chain::verdict::cannot_verify);
  auto records = bodycam::tests::chain_scenario("cam-0009").run("boot precheck").records();
  for (const auto& r : records) REQUIRE(f.s.put_record(r));
  const auto report = run(f.s);
  CHECK(report.verdict == chain::verdict::cannot_verify);
  CHECK(report.devices[0].problems.at(0).find("no enrolled key") == 0);
}

TEST_CASE("the catalogue is rebuilt from the store; a file that is not a catalogue is never overwritten",
          "[integration]") {
  memory_fixture f;
  evidence_camera cam(f.s, "cam-0001", 1);
  bodycam::tests::record_shift(cam, 2, std::chrono::minutes(30));
  const auto report = run(f.s);
  bodycam::tests::temp_dir dir;
  const std::string path = dir / "catalogue.db";
  REQUIRE(audit::write_catalogue(path, report));
  REQUIRE(audit::check_catalogue(path));
  REQUIRE(audit::write_catalogue(path, report));  // refreshed in place
  auto r = bodycam::tests::run_process({"/usr/bin/sqlite3", path,
                                        "select count(*), sum(late) from segments; select "
                                        "count(*) from annotations; select verdict from devices;"});
  INFO(r.err);
  CHECK(r.out == "2|0\n2\nauthentic\n");
  SECTION("corrupt catalogue: refused, bytes untouched") {
    const std::string junk = dir / "junk.db";
    std::ofstream(junk) << "this is not SQLite";
    auto e = audit::write_catalogue(junk, report);
    REQUIRE_FALSE(e.has_value());
    CHECK(e.error().code == core::errc::corrupt);
    CHECK(e.error().context.find("not overwritten") != std::string::npos);
    CHECK(bodycam::tests::slurp(junk) == "this is not SQLite");
  }
}

TEST_CASE("receipts cross-checked: what a verified receipt covers must still be in the store") {
  memory_fixture f;
  evidence_camera cam(f.s, "cam-0005", 5);
  bodycam::tests::record_shift(cam, 2, std::chrono::minutes(10));
  const auto& tail = cam.records().back();
  const auto statement = std::get<record::annotation_payload>(tail.body.body);
  auto findings_named = [](const audit::device_audit& d, audit::store_reason code) {
    std::vector<audit::store_finding> out;
    for (const auto& sf : d.store_findings)
      if (sf.code == code) out.push_back(sf);
    return out;
  };
  SECTION("cut_tail_record_keep_receipt: the receipt names the record the chain cannot miss") {
    REQUIRE(f.backend->remove(store::store_key::record(cam.device(), tail.body.seq)));
    const auto report = run(f.s);
    CHECK(report.devices[0].chain.result == chain::verdict::authentic);  // the chain alone sees nothing
    CHECK(report.verdict == chain::verdict::not_authentic);
    const auto missing = findings_named(report.devices[0], audit::store_reason::receipt_record_missing);
    REQUIRE(missing.size() == 1);
    CHECK(missing[0].first_seq == tail.body.seq);
    CHECK(missing[0].last_seq == tail.body.seq);
    CHECK(missing[0].receipt == "receipts/cam-0005.0-" + std::to_string(tail.body.seq + 1));
    CHECK(report.devices[0].store_findings.size() == 1);  // its file is still there: nothing else
  }
  SECTION("cut_tail_record_and_its_file: the receipt's object list names the file by its hash") {
    REQUIRE(f.backend->remove(store::store_key::record(cam.device(), tail.body.seq)));
    REQUIRE(f.backend->remove(store::store_key::object(statement.file_sha256)));
    const auto report = run(f.s);
    const auto gone = findings_named(report.devices[0], audit::store_reason::object_missing);
    REQUIRE(gone.size() == 1);
    CHECK(gone[0].object == statement.file_sha256);
    CHECK(gone[0].file_name.empty());  // no stored record describes it any more
    CHECK(audit::describe(gone[0]).find("A file no stored record describes (objects/sha256/" +
                                       statement.file_sha256.to_hex() + ")") == 0);
  }
  SECTION("an untouched store: no finding") {
    const auto report = run(f.s);
    CHECK(report.verdict == chain::verdict::authentic);
    CHECK(report.devices[0].store_findings.empty());
  }
  SECTION("receipt_for_another_chain: signed by the enrolled dock, but its head is not the stored record") {
    receipt::receipt r;
    r.issuer = "dock-1";
    crypto::software_signer dock(bodycam::tests::fixed_key(200));  // the builder's enrolled dock
    r.issuer_key = dock.public_key();
    r.device = cam.device();
    r.first_seq = 0;
    r.end_seq = 3;
    r.head_hash = cam.records()[1].hash;  // record 1's hash, named as the head (record 2)
    auto doc = receipt::sign(r, dock).value();
    REQUIRE(f.s.put_entry(store::entry_namespace::receipts, receipt::store_name(r), doc.document));
    const auto report = run(f.s);
    CHECK(report.verdict == chain::verdict::not_authentic);
    const auto wrong = findings_named(report.devices[0], audit::store_reason::receipt_head_mismatch);
    REQUIRE(wrong.size() == 1);
    CHECK(wrong[0].first_seq == 2);
    CHECK(wrong[0].receipt == "receipts/cam-0005.0-3");
    CHECK(audit::describe(wrong[0]).find("Receipt receipts/cam-0005.0-3 names another hash for record 2 of cam-0005") ==
          0);
  }
}

namespace {
std::size_t missing_notes(const audit::session_audit& s) {
  return static_cast<std::size_t>(std::count_if(s.notes.begin(), s.notes.end(), [](const std::string& n) {
    return n.find("resume statement missing") == 0;
  }));
}
}  // namespace

TEST_CASE("an automatic stop the officer resumed within the window, with a resume statement: explained") {
  memory_fixture f;
  evidence_camera cam(f.s, "cam-0011", 11);
  cam.boot().precheck().start().annotation(annotation_purpose::start, "hello").segment("a").segment("b");
  const auto gap_seq = cam.next_seq();
  cam.interruption(record::interruption_reason::low_battery, std::chrono::seconds(0));
  const auto stop_seq = cam.next_seq();
  cam.stop(record::stop_reason::low_battery);
  // Battery swapped: the camera reboots, the officer starts again within the window.
  cam.after(std::chrono::minutes(4)).boot().precheck();
  const auto resume_seq = cam.next_seq();
  cam.resume(stop_seq, std::chrono::seconds(95));
  cam.annotation(annotation_purpose::resume, "battery changed, same incident").segment("c").stop();
  cam.annotation(annotation_purpose::stop, "bye");
  const auto report = run(f.s);
  const auto& d = report.devices.at(0);
  REQUIRE(d.sessions.size() == 1);  // one session, two runs
  const auto& s = d.sessions[0];
  REQUIRE(s.gaps.size() == 1);
  CHECK(s.gaps[0].seq == gap_seq);
  CHECK(s.gaps[0].outcome == audit::interruption_outcome::explained);
  CHECK(s.gaps[0].statement == audit::statement_need::present);
  CHECK(s.gaps[0].resume_statement);
  REQUIRE(s.resumes.size() == 1);
  CHECK(s.resumes[0].seq == resume_seq);
  CHECK(s.resumes[0].resumes_seq == stop_seq);
  CHECK(s.resumes[0].pre_event == std::chrono::seconds(95));
  CHECK(s.pre_event == std::chrono::seconds(30));
  CHECK(s.segments.size() == 3);
  CHECK(s.stop_seqs.size() == 2);
  REQUIRE(s.stop_reason.has_value());
  CHECK(*s.stop_reason == record::stop_reason::officer_end);  // the last run's stop ends the session
  CHECK(s.notes.empty());
  const auto text = audit::render_text(report);
  CHECK(text.find("resume statement present [explained]") != std::string::npos);
  CHECK(text.find("resumed (record " + std::to_string(resume_seq) + ") after the stop at record " +
                  std::to_string(stop_seq) + ", pre-event 95000 ms") != std::string::npos);
  CHECK(text.find("pre-event 30000 ms") != std::string::npos);
}

TEST_CASE("resumed without a resume statement: unexplained, and noted once") {
  memory_fixture f;
  evidence_camera cam(f.s, "cam-0012", 12);
  cam.boot().start().annotation(annotation_purpose::start, "hello").segment("a");
  cam.interruption(record::interruption_reason::storage_full, std::chrono::seconds(0));
  const auto stop_seq = cam.next_seq();
  cam.stop(record::stop_reason::storage_full);
  cam.after(std::chrono::minutes(10)).resume(stop_seq);
  cam.missing_annotation(annotation_purpose::resume);
  cam.segment("b").stop();
  cam.annotation(annotation_purpose::stop, "bye");
  const auto report = run(f.s);
  const auto& s = report.devices.at(0).sessions.at(0);
  REQUIRE(s.gaps.size() == 1);
  CHECK(s.gaps[0].outcome == audit::interruption_outcome::unexplained);
  CHECK(s.gaps[0].statement == audit::statement_need::missing);
  CHECK_FALSE(s.gaps[0].resume_statement);
  CHECK(missing_notes(s) == 1);
  CHECK(audit::render_text(report).find("resume statement MISSING [unexplained]") != std::string::npos);
}

TEST_CASE("an automatic stop nothing resumed is closed for good: no statement invented") {
  memory_fixture f;
  evidence_camera cam(f.s, "cam-0013", 13);
  cam.boot().start().annotation(annotation_purpose::start, "hello").segment("a");
  cam.interruption(record::interruption_reason::pipeline_fault, std::chrono::seconds(0));
  cam.stop(record::stop_reason::fault);
  // After the window the officer starts a new session: it has its own start statement.
  cam.after(std::chrono::hours(2)).start().annotation(annotation_purpose::start, "new incident").segment("x").stop();
  cam.annotation(annotation_purpose::stop, "bye");
  const auto report = run(f.s);
  const auto& d = report.devices.at(0);
  REQUIRE(d.sessions.size() == 2);
  const auto& first = d.sessions[0];
  REQUIRE(first.gaps.size() == 1);
  CHECK(first.gaps[0].outcome == audit::interruption_outcome::closed_for_good);
  CHECK(first.gaps[0].statement == audit::statement_need::session_ended);
  CHECK(first.resumes.empty());
  // Neither a resume statement nor a stop statement is asked of an automatic stop.
  CHECK(first.notes.empty());
  CHECK(d.sessions[1].notes.empty());
  CHECK(d.sessions[1].gaps.empty());
  const auto text = audit::render_text(report);
  CHECK(text.find("[closed_for_good]") != std::string::npos);
  CHECK(text.find("MISSING") == std::string::npos);
}

TEST_CASE("a resume stopped automatically again: each interruption judged on its own") {
  memory_fixture f;
  evidence_camera cam(f.s, "cam-0014", 14);
  cam.boot().start().annotation(annotation_purpose::start, "hello").segment("a");
  cam.interruption(record::interruption_reason::low_battery, std::chrono::seconds(0));
  auto stop_seq = cam.next_seq();
  cam.stop(record::stop_reason::low_battery);
  cam.after(std::chrono::minutes(3)).resume(stop_seq);
  cam.annotation(annotation_purpose::resume, "swapped the battery").segment("b");
  cam.interruption(record::interruption_reason::low_battery, std::chrono::seconds(0));
  stop_seq = cam.next_seq();
  cam.stop(record::stop_reason::low_battery);
  const auto report = run(f.s);
  const auto& s = report.devices.at(0).sessions.at(0);
  REQUIRE(s.gaps.size() == 2);
  CHECK(s.gaps[0].outcome == audit::interruption_outcome::explained);
  CHECK(s.gaps[1].outcome == audit::interruption_outcome::closed_for_good);
  CHECK(missing_notes(s) == 0);
  REQUIRE(s.stop_reason.has_value());
  CHECK(*s.stop_reason == record::stop_reason::low_battery);
}

TEST_CASE("a power loss with nothing after it in the store is not resumed (yet); a bogus resume is noted") {
  memory_fixture f;
  evidence_camera cam(f.s, "cam-0015", 15);
  cam.boot().start().annotation(annotation_purpose::start, "hello").segment("a");
  cam.interruption(record::interruption_reason::power_loss, std::chrono::seconds(30));
  const auto report = run(f.s);
  const auto& s = report.devices.at(0).sessions.at(0);
  REQUIRE(s.gaps.size() == 1);
  CHECK(s.gaps[0].outcome == audit::interruption_outcome::not_resumed);
  CHECK(s.gaps[0].statement == audit::statement_need::not_resumed);
  CHECK(missing_notes(s) == 0);

  memory_fixture g;
  evidence_camera other(g.s, "cam-0016", 16);
  other.boot().start().annotation(annotation_purpose::start, "hello").segment("a");
  const auto officer_stop = other.next_seq();
  other.stop();
  other.annotation(annotation_purpose::stop, "bye");
  other.resume(officer_stop);  // an officer's stop is never resumed by the camera
  const auto bogus = run(g.s);
  const auto& notes = bogus.devices.at(0).sessions.at(0).notes;
  CHECK(std::any_of(notes.begin(), notes.end(), [&](const std::string& n) {
    return n.find("names record " + std::to_string(officer_stop) + ", which is not an automatic stop") !=
           std::string::npos;
  }));
}

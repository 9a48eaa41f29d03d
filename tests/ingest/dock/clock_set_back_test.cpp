// The camera's wall clock set back while recording (mid-segment and across a segment boundary) and again
// across a reboot: the chain stays valid (its order rests on seq and monotonic time, docs/formats/chain.md §8;
// a claimed UTC is a claim), the dock stores everything, and `bodycam audit` names each setting of the clock
// exactly once, at the record where the records show it, with nothing lost.
#include "tests/ingest/dock/dock_test_support.hpp"

#include "tests/support/temp_dir.hpp"

#ifdef BODYCAM_HAVE_AUDIT
#include "tools/audit/render.hpp"
#include "tools/audit/store_audit.hpp"
#endif

using namespace bodycam;
using namespace bodycam::common;
using bodycam::tests::camera_fixture;
using bodycam::tests::dock_fixture;
using bodycam::tests::temp_dir;

TEST_CASE("clock_set_back while recording and across a reboot: chain valid, every change reported once, nothing lost",
          "[fault]") {
  using std::chrono::hours;
  using std::chrono::milliseconds;
  temp_dir dir;
  camera_fixture cam("cam-1", 1, dir / "cam");
  std::vector<std::string> files{cam.add_segment(20'000), cam.add_segment(20'000)};
  // Set back one hour between two segments of the open session.
  cam.set_wall_clock_by(-hours(1));
  const auto first_after_step = cam.record_count();
  files.push_back(cam.add_segment(20'000));
  files.push_back(cam.add_segment(20'000));
  // A reboot, and the clock comes back two hours behind what the last record claimed.
  cam.set_wall_clock_by(-hours(2));
  cam.reboot();
  const auto boot_seq = cam.record_count() - 1;
  files.push_back(cam.add_segment(20'000));
  // Set forward 30 minutes: also a setting, also reported.
  cam.set_wall_clock_by(std::chrono::minutes(30));
  const auto forward_seq = cam.record_count();
  files.push_back(cam.add_segment(20'000));

  dock_fixture dock(dir / "dock");
  dock.enroll(cam);
  auto docked = dock.dock(cam);
  REQUIRE(docked.has_value());  // the dock's verifier accepted the chain: no time_backwards, no refusal
  CHECK(docked->files_stored == files.size());
  CHECK(cam.files_in(ledger::file_state::stored) == files);
  CHECK(dock.observer.alarms.empty());
  tests::check_invariants(dock, cam);

  // The whole chain, verified as the clerks do: authentic, no finding at all.
  auto inputs = store::read_record_inputs(*dock.store, cam.writer().device());
  REQUIRE(inputs.has_value());
  chain::verify_options options;
  options.device = cam.writer().device();
  options.key = cam.key();
  const auto report = chain::verify_chain(*inputs, options);
  CHECK(report.result == chain::verdict::authentic);
  for (const auto& rr : report.records) CHECK(rr.findings.empty());
  CHECK(report.chain_findings.empty());

#ifdef BODYCAM_HAVE_AUDIT
  const auto audited = tests::audit_one_camera(*dock.store, cam.key());
  const auto& d = audited.devices.front();
  CHECK(d.problems.empty());
  CHECK(d.verdict == chain::verdict::authentic);
  std::size_t verified = 0;
  for (const auto& s : d.sessions)
    for (const auto& o : s.segments) verified += o.state == tools::audit::object_state::verified ? 1 : 0;
  CHECK(verified == files.size());

  // Exactly one clock entry per setting, at the record that shows it, with its size.
  std::vector<tools::audit::clock_audit> changes;
  for (const auto& c : d.clock)
    if (c.change != tools::audit::clock_change::none) changes.push_back(c);
  REQUIRE(changes.size() == 3);
  CHECK(changes[0].change == tools::audit::clock_change::set_within_boot);
  CHECK(changes[0].seq == first_after_step);
  CHECK(changes[0].step <= -hours(1) + milliseconds(5));
  CHECK(changes[0].step >= -hours(1) - milliseconds(5));
  CHECK(changes[1].change == tools::audit::clock_change::behind_previous_boot);
  CHECK(changes[1].seq == boot_seq);
  CHECK(changes[1].step >= -hours(2));
  CHECK(changes[1].step <= -hours(2) + milliseconds(50));
  CHECK(changes[2].change == tools::audit::clock_change::set_within_boot);
  CHECK(changes[2].seq == forward_seq);
  CHECK(changes[2].step >= std::chrono::minutes(30) - milliseconds(5));
  CHECK(changes[2].step <= std::chrono::minutes(30) + milliseconds(5));

  const auto text = tools::audit::render_text(audited);
  CHECK(text.find("clock at record " + std::to_string(first_after_step) + ": rtc_only") != std::string::npos);
  CHECK(text.find("clock set back 3600.0 s within this boot") != std::string::npos);
  CHECK(text.find("s behind the previous boot's last record") != std::string::npos);
  CHECK(text.find("clock set forward 1800.0 s within this boot") != std::string::npos);
  const auto json = tools::audit::render_json(audited);
  std::size_t in_json = 0;
  for (const auto& c : json["devices"][0]["clock"])
    if (c.contains("change")) ++in_json;
  CHECK(in_json == 3);
#endif
}

TEST_CASE("a clock that only drifts is not reported as set", "[integration]") {
  temp_dir dir;
  camera_fixture cam("cam-1", 1, dir / "cam");
  cam.add_segment(1000);
  cam.set_wall_clock_by(std::chrono::milliseconds(-900));  // below the threshold: slewing, not a setting
  cam.add_segment(1000);
  dock_fixture dock(dir / "dock");
  dock.enroll(cam);
  REQUIRE(dock.dock(cam).has_value());
  tests::check_invariants(dock, cam);
#ifdef BODYCAM_HAVE_AUDIT
  const auto audited = tests::audit_one_camera(*dock.store, cam.key());
  CHECK(audited.devices.front().clock.size() >= 2);  // the boot and the dock's timesync
  for (const auto& c : audited.devices.front().clock) CHECK(c.change == tools::audit::clock_change::none);
#endif
}

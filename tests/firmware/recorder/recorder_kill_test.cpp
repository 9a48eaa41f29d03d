// Kill loop of the recorder and its session control: SIGKILL bodycam-recorder 22 times at random moments —
// during boot recovery, the start statement, recording and segment close (1-s segments: most kills land near
// one) — and restart it. The phases are dealt evenly and shuffled; delays are random; every second recovery
// kill lands 0-5 ms after the new boot record is seen, inside the recovery's own writes. The seed is printed
// and BODYCAM_TEST_SEED replays a run's choices (not the machine's timing). After every restart:
//   - every fragment the ledger had acknowledged before the kill is still in the ledger, its bytes on disk
//     with the recorded SHA-256 (in the salvaged segment or the .partial still being written);
//   - the chain verifies;
//   - a kill while recording came after at least one fragment of that run was acknowledged, so the loop
//     cannot pass having acknowledged nothing;
//   - in one recording run the battery drops to the reserve (automatic stop) and comes back, and the daemon
//     is killed while interrupted: a later start resumes that session (`session_resume` naming the low_battery
//     `session_stop` of an earlier boot, then a resume statement);
//   - while recording, photos are taken (one acknowledged before the kill, more racing it): every photo the
//     recorder acknowledged has its `photo` record and its file on disk with the recorded SHA-256, and at
//     least one photo per recording kill was acknowledged;
// and at the end (after a clean stop):
//   - every kill of a boot is explained by exactly one power_loss `interruption` of its own, starting at that
//     killed boot's last record, in the next boot (whose boot record says `unclean`) or, if that one was
//     killed before its recovery recorded it, in the next boot that recovers; no other power_loss
//     interruption exists; every salvaged segment has a `recovery` record naming it; every session_start
//     has its session_stop: unexplained gaps = 0.
// Prints the figures: kills per phase, fragments acknowledged and lost, footage not yet durable per kill.
#include "common/record/record.hpp"
#include "tests/firmware/recorder/recorder_test_support.hpp"
#include "tests/support/test_seed.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <optional>
#include <csignal>
#include <iterator>
#include <cstdio>
#include <map>
#include <random>
#include <set>
#include <stdexcept>
#include <thread>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace recorder_kill_test {

using namespace bodycam::common;
using namespace bodycam::tests;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

// Takes photos over the control socket until finished; keeps the file names the recorder acknowledged
// (a request the kill cut off is not acknowledged).
class photographer {
 public:
  explicit photographer(const test_camera& cam) : thread_([this, &cam] { run(cam); }) {}
  photographer(const photographer&) = delete;
  photographer& operator=(const photographer&) = delete;
  ~photographer() { (void)finish(); }
  std::vector<std::string> finish() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    return names_;
  }

 private:
  void run(const test_camera& cam) {
    while (!stop_) {
      const auto r = json::parse(cam.request(R"({"cmd":"photo"})"), nullptr, false);
      if (!r.is_discarded() && r.value("ok", false)) names_.push_back(photo_name(r));
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

 public:
  // "photo <file> (WxH, N bytes)" → <file>.
  static std::string photo_name(const json& response) {
    const std::string note = response.value("note", "");
    const auto end = note.find(" (");
    return note.starts_with("photo ") && end != std::string::npos ? note.substr(6, end - 6) : note;
  }

 private:
  std::atomic<bool> stop_{false};
  std::vector<std::string> names_;
  std::thread thread_;  // last: it starts once the members it uses exist
};

// False before the first boot, or while the first daemon, killed while creating the ledger, left one that does
// not open yet (the next daemon finishes it). Only until a boot record exists: after that it must open.
bool ledger_exists(const test_camera& cam, bool booted) {
  if (!fs::exists(cam.ledger_path)) return false;
  if (booted) return true;
  try {
    (void)cam.open_ledger();
    return true;
  } catch (const std::runtime_error&) {
    return false;
  }
}

// Fragment rows of every segment file, keyed by (file, index).
std::map<std::pair<std::string, std::uint64_t>, ledger::fragment_entry> acknowledged(const test_camera& cam,
                                                                                       bool booted = true) {
  std::map<std::pair<std::string, std::uint64_t>, ledger::fragment_entry> out;
  if (!ledger_exists(cam, booted)) return out;
  auto l = cam.open_ledger();
  for (auto state : {ledger::file_state::partial, ledger::file_state::sealed}) {
    const auto files = l.files_in_state(state).value();
    for (const auto& file : files) {
      if (file.kind != ledger::file_kind::segment) continue;
      const auto fragments = l.fragments(file.name).value();
      for (const auto& f : fragments) out[{file.name, f.index}] = f;
    }
  }
  return out;
}

bool on_disk(const test_camera& cam, const ledger::fragment_entry& f) {
  const fs::path final_path = fs::path(cam.segments) / f.file_name;
  fs::path partial = final_path;
  partial += ".partial";
  return hash_range(final_path, f.byte_offset, f.byte_length) == f.sha256 ||
         hash_range(partial, f.byte_offset, f.byte_length) == f.sha256;
}

json status_of(const test_camera& cam) {
  const auto text = cam.request(R"({"cmd":"status"})");
  return json::accept(text) ? json::parse(text) : json::object();
}

// The highest boot counter of any record (0 before the first boot).
std::uint32_t last_boot(const test_camera& cam, bool booted) {
  if (!ledger_exists(cam, booted)) return 0;
  std::uint32_t out = 0;
  for (const auto& r : cam.records()) out = std::max(out, r.body.boot_counter);
  return out;
}

// Waits until the ledger holds a record of a boot after `boot` (the new daemon's boot record); false after
// `limit`. Polls every millisecond, so a kill right after it lands inside that boot's recovery.
bool wait_for_boot_after(const test_camera& cam, std::uint32_t boot, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    try {
      auto l = cam.open_ledger();
      const auto head = l.head().value();
      if (head.next_seq > 0 && record::parse_signed_record(l.record(head.next_seq - 1).value().bytes)
                                       .value()
                                       .body.boot_counter > boot)
        return true;
    } catch (const std::exception&) {
      // The daemon is between two writes; read again.
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return false;
}

// Waits until the ledger acknowledges a fragment that is not in `before`; false after `limit`.
bool wait_for_new_fragment(const test_camera& cam, const std::map<std::pair<std::string, std::uint64_t>,
                                                                   ledger::fragment_entry>& before,
                           std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    for (const auto& [key, f] : acknowledged(cam))
      if (!before.contains(key)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

}  // namespace

TEST_CASE("SIGKILL at random moments: no acknowledged fragment lost, every gap explained", "[fault]") {
  test_camera cam(1);
  cam.use_statement_file(cam.spoken_wav("statement.wav", "Officer seven, resuming.", "0.2", "1.5"));
  const auto seed = test_seed("recorder kill loop");
  INFO("seed " << seed << " (replay: BODYCAM_TEST_SEED=" << seed << ")");
  std::mt19937 random(seed);
  constexpr int kills = 22;
  const char* phase_names[] = {"recovery", "statement", "recording"};
  std::vector<int> phases(kills);
  for (int run = 0; run < kills; ++run) phases[static_cast<std::size_t>(run)] = run % 3;
  std::shuffle(phases.begin(), phases.end(), random);
  // Resume across a kill: in the first recording run that a later recording or statement run follows, the
  // battery drops to the reserve (automatic stop, `interrupted`), comes back, and the daemon is killed while
  // interrupted; the next boot finds the stop in its window and the next start resumes that session.
  int resume_run = -1;
  for (int run = 0; run < kills && resume_run < 0; ++run)
    if (phases[static_cast<std::size_t>(run)] == 2)
      for (int later = run + 1; later < kills; ++later)
        if (phases[static_cast<std::size_t>(later)] != 0) {
          resume_run = run;
          break;
        }
  REQUIRE(resume_run >= 0);
  std::string interrupted_session;
  // The boot each run's daemon wrote before it was killed (none if killed before its boot record).
  std::vector<std::pair<int, std::uint32_t>> killed_boots;
  std::uint32_t boot_before = 0;
  std::map<std::string, int> per_phase;
  std::uint64_t acked_total = 0, lost_total = 0;
  double not_durable_total = 0.0;
  int recording_kills = 0;
  std::vector<std::string> acked_photos;

  for (int run = 0; run < kills; ++run) {
    const int phase = phases[static_cast<std::size_t>(run)];
    const auto before = acknowledged(cam, boot_before > 0);
    auto daemon = cam.start_daemon("kill-" + std::to_string(run));
    double recorded_wall = -1.0;
    std::string session;
    std::optional<photographer> racing;
    if (phase == 0 && (per_phase["recovery"] % 2 == 0 || boot_before == 0)) {
      // The very start of the daemon or its boot recovery: kill 0-400 ms after exec.
      std::this_thread::sleep_for(std::chrono::milliseconds(random() % 400));
    } else if (phase == 0) {
      // Inside boot recovery: 0-5 ms after the boot record is seen, before or while the config record, the
      // interruption and the salvage are written.
      INFO("run " << run << ": no boot record within 30 s" << daemon->log());
      REQUIRE(wait_for_boot_after(cam, boot_before, std::chrono::seconds(30)));
      std::this_thread::sleep_for(std::chrono::microseconds(random() % 5000));
    } else {
      REQUIRE(wait_for_socket(cam.socket, std::chrono::seconds(30)));
      // The previous boot's checks: everything acknowledged before is still there, hash for hash.
      for (const auto& [key, f] : before) {
        INFO("run " << run << ": " << f.file_name << " fragment " << f.index);
        CHECK(on_disk(cam, f));
      }
      auto s = status_of(cam);
      if (s.value("state", "") == "idle" || s.value("state", "") == "interrupted") {
        s = json::parse(cam.request(R"({"cmd":"start"})"));
        INFO(s.dump() << daemon->log());
        REQUIRE(s["ok"] == true);
      }
      const auto started = std::chrono::steady_clock::now();
      if (phase == 1) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100 + random() % 1200));
      } else {
        // Recording: at least one fragment of this run acknowledged before the kill, then up to 2.5 s more.
        INFO("run " << run << ": no fragment acknowledged within 30 s of recording" << daemon->log());
        REQUIRE(wait_for_new_fragment(cam, before, std::chrono::seconds(30)));
        const auto photo = json::parse(cam.request(R"({"cmd":"photo"})"));
        INFO(photo.dump());
        REQUIRE(photo["ok"] == true);
        acked_photos.push_back(photographer::photo_name(photo));
        racing.emplace(cam);
        std::this_thread::sleep_for(std::chrono::milliseconds(random() % 2500));
        if (run == resume_run) {
          cam.set_battery("5");
          const auto stopped = wait_for(cam, [](const json& st) { return st.at("state") == "interrupted"; },
                                        std::chrono::seconds(20));
          INFO(stopped.dump() << daemon->log());
          REQUIRE(stopped.at("state") == "interrupted");
          interrupted_session = stopped.at("session").get<std::string>();
          cam.set_battery("90");
        }
      }
      s = status_of(cam);
      session = s.value("session", json()).is_string() ? s["session"].get<std::string>() : "";
      recorded_wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    }
    daemon->signal(SIGKILL);
    REQUIRE(daemon->wait(std::chrono::seconds(10)) == 128 + SIGKILL);
    if (racing) {
      const auto names = racing->finish();
      acked_photos.insert(acked_photos.end(), names.begin(), names.end());
    }
    ++per_phase[phase_names[phase]];
    if (boot_before == 0 && !ledger_exists(cam, false)) {
      // Killed while creating the ledger, before any record: nothing to check yet; the next daemon finishes it.
      CHECK(phase == 0);
      std::printf("kill %2d (%s) before the ledger was created\n", run, phase_names[phase]);
      continue;
    }

    const auto after_kill = acknowledged(cam);
    std::uint64_t acked_this_run = 0;
    for (const auto& [key, f] : after_kill)
      if (!before.contains(key)) ++acked_this_run;
    acked_total += acked_this_run;
    for (const auto& [key, f] : before)
      if (!after_kill.contains(key)) ++lost_total;
    if (phase == 2) {
      INFO("run " << run << " (recording)");
      CHECK(acked_this_run >= 1);
    }
    if (const auto boot = last_boot(cam, true); boot > boot_before) {
      killed_boots.emplace_back(run, boot);
      boot_before = boot;
    }
    const auto report = cam.verify();
    CHECK(report.problem_count() == 0);
    if (recorded_wall > 0 && phase == 2) {
      std::uint64_t durable = 0;
      for (const auto& [key, f] : after_kill)
        if (!before.contains(key)) ++durable;
      const double not_durable = std::max(0.0, recorded_wall - static_cast<double>(durable));
      not_durable_total += not_durable;
      ++recording_kills;
      std::printf("kill %2d (%s) after %.1f s of recording: %llu new durable fragments, ~%.1f s not yet durable\n",
                  run, phase_names[phase], recorded_wall, static_cast<unsigned long long>(durable), not_durable);
    } else {
      std::printf("kill %2d (%s)\n", run, phase_names[phase]);
    }
  }

  // A last clean run: recovery finishes, the session (resumed or not) is stopped with a reason.
  const auto before = acknowledged(cam);
  auto daemon = cam.start_daemon("final");
  REQUIRE(wait_for_socket(cam.socket, std::chrono::seconds(30)));
  for (const auto& [key, f] : before) CHECK(on_disk(cam, f));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    const auto state = status_of(cam).value("state", "");
    if (state == "recording") {
      REQUIRE(json::parse(cam.request(R"({"cmd":"stop","reason":"officer_end"})"))["ok"] == true);
    } else if (state == "idle" || state == "interrupted") {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  daemon->signal(SIGTERM);
  REQUIRE(daemon->wait(std::chrono::seconds(30)) == 0);

  // Every gap explained.
  auto l = cam.open_ledger();
  const std::vector<record::signed_record> records = cam.records();

  // Every acknowledged photo: its record, its file, its hash.
  std::map<std::string, record::photo_payload> photo_records;
  for (const auto& r : records)
    if (const auto* p = std::get_if<record::photo_payload>(&r.body.body)) photo_records.emplace(p->file_name, *p);
  CHECK(acked_photos.size() >= static_cast<std::size_t>(recording_kills));
  CHECK_FALSE(acked_photos.empty());
  for (const auto& name : acked_photos) {
    INFO("photo " << name);
    const auto it = photo_records.find(name);
    REQUIRE(it != photo_records.end());
    const auto digest = hash_range(fs::path(cam.segments) / name, 0, it->second.byte_length);
    REQUIRE(digest.has_value());
    CHECK(*digest == it->second.file_sha256);
    CHECK(fs::file_size(fs::path(cam.segments) / name) == it->second.byte_length);
  }
  std::printf("photos: %zu acknowledged, all present and verified\n", acked_photos.size());
  std::vector<std::uint32_t> unclean_boots;
  struct boot_facts {
    bool has_boot_record = false;
    record::shutdown_kind previous = record::shutdown_kind::clean;
    record::utc_time last_utc{};
    std::vector<record::interruption_payload> power_loss;
  };
  std::map<std::uint32_t, boot_facts> boots;
  std::set<std::string> recovered_files;
  std::set<std::string> open_sessions;
  std::vector<std::string> salvaged;
  std::uint64_t resume_statements = 0;
  for (const auto& r : records) {
    auto& boot = boots[r.body.boot_counter];
    boot.last_utc = r.body.utc.time;
    if (auto* b = std::get_if<record::boot_payload>(&r.body.body)) {
      boot.has_boot_record = true;
      boot.previous = b->previous_shutdown;
      if (b->previous_shutdown == record::shutdown_kind::unclean) unclean_boots.push_back(r.body.boot_counter);
    }
    if (auto* i = std::get_if<record::interruption_payload>(&r.body.body);
        i && i->reason == record::interruption_reason::power_loss)
      boot.power_loss.push_back(*i);
    if (auto* rc = std::get_if<record::recovery_payload>(&r.body.body)) recovered_files.insert(rc->file_name);
    if (auto* s = std::get_if<record::segment_payload>(&r.body.body);
        s && s->closed_by == record::close_reason::power_loss_recovered)
      salvaged.push_back(s->file_name);
    if (auto* s = std::get_if<record::session_start_payload>(&r.body.body)) open_sessions.insert(s->session.to_hex());
    if (auto* s = std::get_if<record::session_resume_payload>(&r.body.body)) open_sessions.insert(s->session.to_hex());
    if (auto* s = std::get_if<record::session_stop_payload>(&r.body.body)) open_sessions.erase(s->session.to_hex());
    if (auto* a = std::get_if<record::annotation_payload>(&r.body.body); a && a->purpose == record::annotation_purpose::resume)
      ++resume_statements;
  }
  // Each killed boot to its own interruption: the next boot is unclean, and exactly one power_loss interruption,
  // in a later boot, starts at the killed boot's last record (or at its own end, if the clock went back). It is
  // in the next boot, or — when that boot was itself killed before its recovery recorded it — in the next boot
  // that recovers. Then every unclean boot is preceded by a killed boot, and no other interruption exists.
  int unexplained = 0;
  std::set<std::uint32_t> killed;
  for (const auto& [run, boot] : killed_boots) {
    INFO("run " << run << " killed boot " << boot);
    killed.insert(boot);
    auto next = boots.upper_bound(boot);
    while (next != boots.end() && !next->second.has_boot_record) ++next;
    REQUIRE(next != boots.end());
    INFO("next boot " << next->first);
    CHECK(next->second.previous == record::shutdown_kind::unclean);
    const auto killed_end = boots.at(boot).last_utc;
    int own = 0;
    for (auto later = boots.upper_bound(boot); later != boots.end(); ++later)
      for (const auto& gap : later->second.power_loss)
        if (gap.from == killed_end || (gap.from == gap.to && killed_end > gap.to)) ++own;
    CHECK(own == 1);
    if (own != 1 || next->second.previous != record::shutdown_kind::unclean) ++unexplained;
  }
  std::size_t power_loss_interruptions = 0, late_interruptions = 0;
  for (const auto& [counter, boot] : boots) {
    power_loss_interruptions += boot.power_loss.size();
    for (const auto& gap : boot.power_loss)
      if (gap.detail.find("ended before its recovery recorded") != std::string::npos) ++late_interruptions;
  }
  CHECK(power_loss_interruptions == killed_boots.size());
  for (auto boot : unclean_boots) {
    INFO("unclean boot " << boot);
    const auto at = boots.find(boot);
    const bool preceded_by_kill = at != boots.begin() && killed.contains(std::prev(at)->first);
    CHECK(preceded_by_kill);
    if (!preceded_by_kill) ++unexplained;
  }
  for (const auto& name : salvaged)
    if (!recovered_files.contains(name)) ++unexplained;
  unexplained += static_cast<int>(open_sessions.size());
  CHECK(l.files_in_state(ledger::file_state::partial).value().empty());
  CHECK(unexplained == 0);
  // Every kill after the daemon was up leaves an unclean boot (a kill in the first milliseconds may come
  // before the boot record, and then there is no boot to explain).
  CHECK(unclean_boots.size() >= static_cast<std::size_t>(per_phase["statement"] + per_phase["recording"]));
  CHECK(lost_total == 0);
  // Every recording kill came after at least one fragment of its run was acknowledged.
  CHECK(acked_total >= static_cast<std::uint64_t>(per_phase["recording"]));
  CHECK(per_phase["recording"] == kills / 3);
  CHECK(resume_statements >= 1);  // sessions killed while open resumed and asked for the statement
  // The low-battery stop killed while interrupted was resumed by the next start: a session_resume naming
  // that session_stop, in a later boot, followed by a resume statement of the same session.
  {
    INFO("resume run " << resume_run << ", session " << interrupted_session);
    REQUIRE_FALSE(interrupted_session.empty());
    std::map<std::uint64_t, std::pair<record::session_stop_payload, std::uint32_t>> stops;
    int resumed = 0;
    for (std::size_t k = 0; k < records.size(); ++k) {
      const auto& r = records[k];
      if (const auto* st = std::get_if<record::session_stop_payload>(&r.body.body))
        stops.emplace(r.body.seq, std::make_pair(*st, r.body.boot_counter));
      const auto* rs = std::get_if<record::session_resume_payload>(&r.body.body);
      if (!rs || rs->session.to_hex() != interrupted_session) continue;
      const auto stop = stops.find(rs->resumes_seq);
      REQUIRE(stop != stops.end());
      CHECK(stop->second.first.reason == record::stop_reason::low_battery);
      CHECK(stop->second.second < r.body.boot_counter);  // resumed across the kill
      bool statement = false;
      for (std::size_t m = k + 1; m < records.size() && !statement; ++m)
        if (const auto* a = std::get_if<record::annotation_payload>(&records[m].body.body))
          statement = a->purpose == record::annotation_purpose::resume && a->session == rs->session;
      CHECK(statement);
      ++resumed;
    }
    CHECK(resumed == 1);
  }
  CHECK(cam.verify().problem_count() == 0);

  std::printf("kill loop: %d kills (recovery %d, statement %d, recording %d); %zu records; %llu fragments "
              "acknowledged, %llu lost; %zu segments salvaged (power_loss_recovered), %llu resume statements; "
              "footage not yet durable per recording kill ~%.2f s (mean); %zu killed boots, each explained by the next "
              "boot that recovers (%zu of them late: the next boot was killed before recording it); unexplained "
              "gaps %d; resumed across a kill after a low-battery stop in run %d; seed %u\n",
              kills, per_phase["recovery"], per_phase["statement"], per_phase["recording"], records.size(),
              static_cast<unsigned long long>(acked_total), static_cast<unsigned long long>(lost_total),
              salvaged.size(), static_cast<unsigned long long>(resume_statements),
              recording_kills ? not_durable_total / recording_kills : 0.0, killed_boots.size(), late_interruptions,
              unexplained, resume_run, seed);
}

}  // namespace recorder_kill_test

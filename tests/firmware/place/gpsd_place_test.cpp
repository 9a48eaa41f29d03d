// The place component against a real gpsd: gpsfake (gpsd-clients) replays an NMEA track the test writes —
// a fix in Munich, the fix lost, a fix 500 km away in Berlin — to a gpsd on 127.0.0.1 and a free port, and
// recorder_place writes `place` records on a real chain (SQLite ledger, signed records) while the test
// appends the session's start and segments as the recorder would. Then gpsd is killed mid-session; and a
// camera whose gpsd is not there at all. Each case checks the exact place records and that recording (the
// segments) went on. Tier: integration (real gpsd, real ledger, loopback only, about 25 s in all).
#include "common/ledger/ledger.hpp"
#include "common/record/record.hpp"
#include "firmware/place/gpsd_place_source.hpp"
#include "firmware/recorder/recorder_place.hpp"
#include "firmware/records/chain_writer.hpp"
#include "tests/support/chain_scenario.hpp"
#include "tests/support/daemon.hpp"
#include "tests/support/loopback_port.hpp"
#include "tests/support/temp_dir.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <thread>

using namespace bodycam::common;
using namespace bodycam::firmware;
using bodycam::tests::background_process;
using bodycam::tests::free_loopback_port;
using bodycam::tests::temp_dir;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

std::string nmea(const std::string& body) {
  unsigned sum = 0;
  for (const char c : body) sum ^= static_cast<unsigned char>(c);
  char tail[8];
  std::snprintf(tail, sizeof tail, "*%02X\r\n", sum);
  return "$" + body + tail;
}

// One GNSS second: RMC + GGA, with a fix at (lat, lon) or without one.
void gnss_second(std::ofstream& out, int second, const char* lat, const char* ns, const char* lon, const char* ew) {
  char time[32];
  std::snprintf(time, sizeof time, "12%02d%02d.00", second / 60, second % 60);
  if (lat) {
    out << nmea(std::string("GPRMC,") + time + ",A," + lat + "," + ns + "," + lon + "," + ew + ",0.0,0.0,051226,,,A");
    out << nmea(std::string("GPGGA,") + time + "," + lat + "," + ns + "," + lon + "," + ew + ",1,08,0.9,519.0,M,47.0,M,,");
  } else {
    out << nmea(std::string("GPRMC,") + time + ",V,,,,,,,051226,,,N");
    out << nmea(std::string("GPGGA,") + time + ",,,,,0,00,99.9,,M,,M,,");
  }
}

// The track: `fix_a` seconds in Munich, `lost` without a fix, `fix_b` in Berlin.
fs::path write_track(const fs::path& file, int fix_a, int lost, int fix_b) {
  std::ofstream out(file, std::ios::binary);
  int t = 0;
  for (int i = 0; i < fix_a; ++i) gnss_second(out, t++, "4808.2320", "N", "01134.5300", "E");
  for (int i = 0; i < lost; ++i) gnss_second(out, t++, nullptr, nullptr, nullptr, nullptr);
  for (int i = 0; i < fix_b; ++i) gnss_second(out, t++, "5230.0000", "N", "01323.0000", "E");
  REQUIRE(out.good());
  return file;
}

// The gpsd that gpsfake started for `port` (its command line has "-S PORT"), 0 if none.
int gpsd_of_port(std::uint16_t port) {
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "cmdline", std::ios::binary);
    std::string cmdline((std::istreambuf_iterator<char>(in)), {});
    const std::string program = cmdline.substr(0, cmdline.find('\0'));
    for (auto& c : cmdline)
      if (c == '\0') c = ' ';
    if (program.ends_with("/gpsd") && cmdline.find(" -S " + std::to_string(port) + " ") != std::string::npos)
      return std::stoi(name);
  }
  return 0;
}

// gpsfake's gpsd outlives a gpsfake that is killed: the test ends it too.
struct gpsd_reaper {
  std::uint16_t port;
  ~gpsd_reaper() {
    if (const int pid = gpsd_of_port(port); pid > 0) ::kill(pid, SIGKILL);
  }
};

struct camera {
  temp_dir dir{"bodycam-place"};
  crypto::software_signer signer{bodycam::tests::fixed_key(3)};
  records::system_time_source clock{records::firmware_build_date()};
  std::unique_ptr<records::chain_writer> writer;
  record::session_id session;
  std::uint32_t next_segment = 0;
  std::vector<std::string> osd;

  camera() {
    ledger::open_options o;
    o.create_if_missing = true;
    auto l = ledger::open(dir / "ledger.db", o);
    REQUIRE(l);
    REQUIRE(l->set_device_id("cam-place"));
    writer = std::make_unique<records::chain_writer>(record::device_id::parse("cam-place").value(), std::move(*l), signer,
                                                     clock);
    REQUIRE(writer->begin_boot());
    session.bytes.fill(0x5a);
  }
  void start() { REQUIRE(writer->append(record::session_start_payload{session, "officer-1", record::start_trigger::control, 0ms})); }
  void segment() {
    record::segment_payload s;
    s.session = session;
    s.index = next_segment++;
    s.file_name = "seg-" + std::to_string(s.index) + ".mp4";
    REQUIRE(writer->append(std::move(s)));
  }
  void stop() {
    REQUIRE(writer->append(record::session_stop_payload{session, record::stop_reason::officer_end, "", next_segment}));
  }
  // Polls for `span`, a segment every `segment_every`; the way the daemon's loop and pipeline would.
  void run(recorder::recorder_place& place, std::chrono::milliseconds span, std::chrono::milliseconds segment_every) {
    const auto end = std::chrono::steady_clock::now() + span;
    auto next_segment_at = std::chrono::steady_clock::now() + segment_every;
    while (std::chrono::steady_clock::now() < end) {
      auto ok = place.poll();
      INFO((ok ? std::string() : ok.error().context));
      REQUIRE(ok);
      if (std::chrono::steady_clock::now() >= next_segment_at) {
        segment();
        next_segment_at += segment_every;
      }
      std::this_thread::sleep_for(100ms);
    }
  }
  std::vector<record::signed_record> records() {
    std::vector<record::signed_record> out;
    REQUIRE(writer->with_ledger([&](ledger::ledger& l) {
      return l.for_each_record(0, [&](const ledger::stored_record& r) -> core::status {
        out.push_back(record::parse_signed_record(r.bytes).value());
        return {};
      });
    }));
    return out;
  }
};

std::vector<record::place_payload> places(const std::vector<record::signed_record>& chain) {
  std::vector<record::place_payload> out;
  for (const auto& r : chain)
    if (const auto* p = std::get_if<record::place_payload>(&r.body.body)) out.push_back(*p);
  return out;
}

std::size_t count_trigger(const std::vector<record::place_payload>& ps, record::place_trigger t) {
  return static_cast<std::size_t>(std::count_if(ps.begin(), ps.end(), [t](const auto& p) { return p.trigger == t; }));
}

// Every segment record is followed at once by its `segment` place record; every place record names the
// session and lies between its start and its stop.
void check_segments_and_bracketing(const std::vector<record::signed_record>& chain, const record::session_id& session) {
  bool open = false;
  std::size_t segments = 0;
  for (std::size_t i = 0; i < chain.size(); ++i) {
    const auto kind = chain[i].body.kind();
    if (kind == record::record_kind::session_start) open = true;
    if (kind == record::record_kind::session_stop) open = false;
    if (const auto* p = std::get_if<record::place_payload>(&chain[i].body.body)) {
      CHECK(open);
      CHECK(p->session == session);
    }
    if (kind == record::record_kind::segment) {
      ++segments;
      REQUIRE(i + 1 < chain.size());
      const auto* next = std::get_if<record::place_payload>(&chain[i + 1].body.body);
      REQUIRE(next != nullptr);
      CHECK(next->trigger == record::place_trigger::segment);
    }
  }
  CHECK(segments >= 2);
}

place::place_settings settings_for(std::uint16_t port) {
  place::place_settings s;
  s.source = place::place_source_kind::gpsd;
  s.gpsd_port = port;
  s.interval = 2s;
  s.hold = 1s;
  s.stale_after = 3s;
  return s;
}

bool wait_for(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return done();
}

}  // namespace

TEST_CASE("gpsfake track: fix, lost fix, jump, gpsd killed mid-session — the right place records, recording goes on",
          "[integration]") {
  camera cam;
  const std::uint16_t port = free_loopback_port();
  // 0.1 s between sentences: one GNSS second (two sentences) every 0.2 s; 6 s Munich, 4 s no fix, 6 s Berlin.
  const auto track = write_track(cam.dir / "track.nmea", 30, 20, 30);
  gpsd_reaper reaper{port};  // declared before gpsfake: runs after gpsfake is gone
  background_process gpsfake({"gpsfake", "-q", "-1", "-c", "0.1", "-P", std::to_string(port), track.string()},
                             (cam.dir / "gpsfake").string());
  place::gpsd_place_source source(settings_for(port), 200ms);
  recorder::recorder_place place(*cam.writer, source, settings_for(port),
                                 [&cam](const std::string& text) { cam.osd.push_back(text); });
  place.attach();
  // gpsfake feeds once a client is connected; the session starts once the first fix is there.
  const bool fixed = wait_for([&] { return source.latest().fix.quality != record::fix_quality::none; }, 15s);
  INFO("gpsfake log: " << gpsfake.log());
  REQUIRE(fixed);
  REQUIRE(place.poll());
  cam.start();
  cam.run(place, 12s, 1500ms);  // through the lost fix and into Berlin
  const int gpsd_pid = gpsd_of_port(port);
  REQUIRE(gpsd_pid > 0);
  REQUIRE(::kill(gpsd_pid, SIGKILL) == 0);  // gpsd dies mid-session
  cam.run(place, 4s, 1500ms);               // 20 reconnect attempts at 200 ms
  cam.stop();
  REQUIRE(place.poll());
  const auto chain = cam.records();
  const auto ps = places(chain);
  REQUIRE(ps.size() >= 5);

  CHECK(ps.front().trigger == record::place_trigger::session_start);
  CHECK(ps.front().fix != record::fix_quality::none);
  CHECK(ps.front().latitude_e7 == 481'372'000);  // 48°08.2320' N
  CHECK(ps.front().longitude_e7 == 115'755'000);  // 11°34.5300' E
  CHECK(count_trigger(ps, record::place_trigger::fix_lost) == 1);
  CHECK(count_trigger(ps, record::place_trigger::fix_regained) == 1);
  CHECK(count_trigger(ps, record::place_trigger::source_lost) == 1);
  CHECK(count_trigger(ps, record::place_trigger::interval) >= 1);
  CHECK(count_trigger(ps, record::place_trigger::segment) >= 8);

  std::size_t lost_at = 0, regained_at = 0, source_lost_at = 0;
  for (std::size_t i = 0; i < ps.size(); ++i) {
    if (ps[i].trigger == record::place_trigger::fix_lost) lost_at = i;
    if (ps[i].trigger == record::place_trigger::fix_regained) regained_at = i;
    if (ps[i].trigger == record::place_trigger::source_lost) source_lost_at = i;
  }
  CHECK(0 < lost_at);
  CHECK(lost_at < regained_at);
  CHECK(regained_at < source_lost_at);
  CHECK(ps[lost_at].fix == record::fix_quality::none);
  CHECK(ps[regained_at].fix != record::fix_quality::none);
  CHECK(ps[regained_at].latitude_e7 == 525'000'000);  // the jump: 52°30' N
  CHECK(ps[regained_at].longitude_e7 == 133'833'333);  // 13°23' E
  CHECK(ps[source_lost_at].fix == record::fix_quality::none);
  CHECK(ps[source_lost_at].detail.find("gpsd 127.0.0.1:" + std::to_string(port)) == 0);
  // After the loss every segment still gets its record: recording went on, "no fix" written as such.
  bool segment_after_loss = false;
  for (std::size_t i = source_lost_at + 1; i < ps.size(); ++i)
    if (ps[i].trigger == record::place_trigger::segment) {
      segment_after_loss = true;
      CHECK(ps[i].fix == record::fix_quality::none);
    }
  CHECK(segment_after_loss);
  check_segments_and_bracketing(chain, cam.session);
  CHECK(place.records_written() == ps.size());
  CHECK(source.reports_read() > 20);

  // The OSD followed: Munich, no fix, Berlin, no receiver.
  REQUIRE_FALSE(cam.osd.empty());
  CHECK(cam.osd.front() == "POS 48.1372000 N 11.5755000 E");
  CHECK(std::find(cam.osd.begin(), cam.osd.end(), "NO FIX") != cam.osd.end());
  CHECK(std::find(cam.osd.begin(), cam.osd.end(), "POS 52.5000000 N 13.3833333 E") != cam.osd.end());
  CHECK(cam.osd.back() == "NO GNSS");
}

TEST_CASE("no gpsd listening: one source_lost at the start, segments go on with 'no fix', nothing more",
          "[integration]") {
  camera cam;
  const std::uint16_t port = free_loopback_port();
  place::gpsd_place_source source(settings_for(port), 100ms);
  recorder::recorder_place place(*cam.writer, source, settings_for(port));
  place.attach();
  // Until the first attempt fails the detail is "not connected yet", which also contains "connect".
  REQUIRE(wait_for([&] { return source.latest().detail.find(": connect: ") != std::string::npos; }, 5s));
  REQUIRE(place.poll());
  cam.start();
  cam.run(place, 5s, 1000ms);  // about 50 failed connection attempts
  cam.stop();
  const auto chain = cam.records();
  const auto ps = places(chain);
  REQUIRE(ps.size() >= 3);
  CHECK(ps[0].trigger == record::place_trigger::session_start);
  CHECK(ps[0].fix == record::fix_quality::none);
  CHECK(ps[1].trigger == record::place_trigger::source_lost);
  INFO("detail: " << ps[1].detail);
  CHECK(ps[1].detail.find("gpsd 127.0.0.1:" + std::to_string(port) + ": connect: ") == 0);
  CHECK(count_trigger(ps, record::place_trigger::source_lost) == 1);
  CHECK(count_trigger(ps, record::place_trigger::segment) == cam.next_segment);
  CHECK(count_trigger(ps, record::place_trigger::segment) >= 4);
  CHECK(ps.size() == 2 + cam.next_segment);
  for (const auto& p : ps) CHECK(p.fix == record::fix_quality::none);
  check_segments_and_bracketing(chain, cam.session);
}

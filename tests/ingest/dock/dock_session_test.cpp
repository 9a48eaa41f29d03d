// The dock session against in-process cameras (real ledgers, a real directory store): a full docking, the
// second docking that fetches nothing again, and the attacks and faults named for what they do.
#include "tests/ingest/dock/dock_test_support.hpp"

#include "common/core/durable_file.hpp"
#include "tests/common/store/forwarding_backend.hpp"
#include "tests/support/temp_dir.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <optional>
#include <mutex>
#include <thread>

#include <fcntl.h>
#include <unistd.h>

using namespace bodycam;
using namespace bodycam::common;
using bodycam::tests::camera_fixture;
using bodycam::tests::dock_fixture;
using bodycam::tests::temp_dir;
using ingest::dock::alarm_kind;

TEST_CASE("a docking stores every record and file, witnesses, and the camera records the receipt", "[integration]") {
  temp_dir dir;
  camera_fixture cam("cam-1", 1, dir / "cam");
  const auto a = cam.add_segment(150'000);
  const auto b = cam.add_segment(20'000);
  dock_fixture dock(dir / "dock");
  dock.enroll(cam);
  const auto before = cam.record_count();

  auto first = dock.dock(cam);
  REQUIRE(first.has_value());
  CHECK(first->files_stored == 2);
  CHECK(first->bytes_stored == 170'000);
  CHECK(first->bytes_fetched == 170'000);
  REQUIRE(first->timesync_seq.has_value());
  CHECK(*first->timesync_seq == before);
  REQUIRE(first->receipt_end.has_value());
  CHECK(*first->receipt_end == before + 1);  // everything up to and including the timesync record
  CHECK(cam.files_in(ledger::file_state::stored) == std::vector<std::string>{a, b});
  CHECK(cam.record_count() == before + 2);  // timesync + receipt
  auto receipt_doc = dock.store->get_entry(store::entry_namespace::receipts, "cam-1.0-" + std::to_string(before + 1));
  REQUIRE(receipt_doc.has_value());
  auto dock_key = dock.store->get_public_key(*record::device_id::parse("dock-1"));
  REQUIRE(dock_key.has_value());
  CHECK(dock_key->key == dock.signer.public_key());
  tests::check_invariants(dock, cam);

  // The next docking fetches no file again and receipts the tail (the receipt record).
  const auto c = cam.add_segment(1000);
  auto second = dock.dock(cam);
  REQUIRE(second.has_value());
  CHECK(second->bytes_fetched == 1000);
  CHECK(second->files_stored == 1);
  REQUIRE(second->receipt_end.has_value());
  CHECK(cam.files_in(ledger::file_state::stored) == std::vector<std::string>{a, b, c});
  tests::check_invariants(dock, cam);
  CHECK(dock.observer.alarms.empty());
}

namespace {

// Makes every record's create slow, so that the session goes on beside them (dock_session.hpp invariant 5), and
// notes how many of the device's records the store held when the first object was handed to it.
class slow_records_backend final : public bodycam::tests::forwarding_backend {
 public:
  slow_records_backend(store::store_backend& inner, std::string device) : forwarding_backend(inner), inner_(inner),
                                                                          device_(std::move(device)) {}
  core::expected<store::create_outcome> create(const store::store_key& key, store::byte_source& source,
                                               const crypto::sha256_digest& sha) override {
    if (key.kind() == "record") std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (key.kind() == "object") note_first_object();
    return forwarding_backend::create(key, source, sha);
  }
  core::expected<std::optional<store::create_outcome>> adopt(const store::store_key& key,
                                                             const store::adoptable_file& file) override {
    if (key.kind() == "object") note_first_object();
    return forwarding_backend::adopt(key, file);
  }
  std::optional<std::size_t> records_at_first_object() {
    const std::lock_guard lock(mutex_);
    return records_at_first_object_;
  }

 private:
  void note_first_object() {
    const std::lock_guard lock(mutex_);
    if (records_at_first_object_) return;
    std::size_t n = 0;
    const auto folder = store::store_key::device_records_folder(*record::device_id::parse(device_));
    REQUIRE(inner_.list(folder, [&](const store::list_entry&) { return ++n, true; }));
    records_at_first_object_ = n;
  }
  store::store_backend& inner_;
  std::string device_;
  std::mutex mutex_;
  std::optional<std::size_t> records_at_first_object_;
};

}  // namespace

TEST_CASE("records are stored beside the first fetch, and every one of them before any file (invariant 5)",
          "[integration]") {
  temp_dir dir;
  camera_fixture cam("cam-1", 1, dir / "cam");
  for (int i = 0; i < 12; ++i) cam.add_segment(2'000);
  dock_fixture dock(dir / "dock");
  dock.enroll(cam);
  auto& slow = dock.wrap_store<slow_records_backend>("cam-1");
  const auto before = cam.record_count();

  auto docked = dock.dock(cam);
  if (!docked) FAIL(docked.error().context);
  CHECK(docked->files_stored == 12);
  CHECK(docked->records_stored == before + 1);  // and the timesync record, stored in step 5
  REQUIRE(slow.records_at_first_object().has_value());
  CHECK(*slow.records_at_first_object() == before);
  tests::check_invariants(dock, cam);
  CHECK(dock.observer.alarms.empty());
}

TEST_CASE("unknown_camera: a camera not enrolled is refused and nothing is stored", "[integration]") {
  temp_dir dir;
  camera_fixture cam("cam-1", 1, dir / "cam");
  cam.add_segment(100);
  dock_fixture dock(dir / "dock");
  cam.trust_dock("dock-1", dock.signer.public_key());
  SECTION("not enrolled at all") {}
  SECTION("enrolled under another key (stolen device id)") {
    dock.cameras.add("cam-1", tests::fixed_key(7).public_key());
  }
  auto r = dock.dock(cam);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == core::errc::permission);
  CHECK(dock.observer.has_alarm(alarm_kind::unknown_camera));
  CHECK(dock.store->list_devices()->empty());
}

TEST_CASE("tampered_file_on_camera: caught, quarantined with a report, never stored or receipted", "[integration]") {
  temp_dir dir;
  camera_fixture cam("cam-1", 1, dir / "cam");
  const auto a = cam.add_segment(5000);
  const auto b = cam.add_segment(5000);
  const auto c = cam.add_segment(5000);
  // Flip one byte of b on the camera, after it was sealed.
  {
    const auto path = cam.recording_dir() / b;
    const int fd = ::open(path.c_str(), O_RDWR);
    REQUIRE(fd >= 0);
    std::uint8_t byte = 0;
    REQUIRE(::pread(fd, &byte, 1, 100) == 1);
    byte ^= 0x01;
    REQUIRE(::pwrite(fd, &byte, 1, 100) == 1);
    ::close(fd);
  }
  dock_fixture dock(dir / "dock");
  dock.enroll(cam);
  auto r = dock.dock(cam);
  REQUIRE(r.has_value());
  CHECK(r->files_quarantined == 1);
  CHECK(r->files_stored == 2);
  CHECK(dock.observer.has_alarm(alarm_kind::file_quarantined));
  const auto quarantined = dock.root / "quarantine" / "cam-1";
  bool report_found = false;
  for (const auto& e : std::filesystem::directory_iterator(quarantined)) {
    if (e.path().string().ends_with(".report.json")) {
      report_found = true;
      auto text = core::read_file(e.path(), 1 << 16);
      REQUIRE(text.has_value());
      const std::string s(text->begin(), text->end());
      CHECK(s.find("SHA-256 differs") != std::string::npos);
      CHECK(s.find(b) != std::string::npos);
    }
  }
  CHECK(report_found);
  // The receipt stops before b's record: a is stored on the camera, b and c stay sealed.
  CHECK(cam.files_in(ledger::file_state::stored) == std::vector<std::string>{a});
  CHECK(cam.files_in(ledger::file_state::sealed) == std::vector<std::string>{b, c});
  tests::check_invariants(dock, cam);
}

TEST_CASE("rolled_back_chain and forked_chain are refused and alarmed", "[integration]") {
  temp_dir dir;
  dock_fixture dock(dir / "dock");
  {
    camera_fixture cam("cam-1", 1, dir / "cam");
    cam.add_segment(100);
    cam.add_segment(100);
    dock.enroll(cam);
    REQUIRE(dock.dock(cam).has_value());
  }
  const auto stored = dock.store->list_record_seqs(*record::device_id::parse("cam-1"))->size();
  SECTION("replay_old_chain: the same device key, a fresh, shorter ledger") {
    camera_fixture again("cam-1", 1, dir / "cam-again");
    again.trust_dock("dock-1", dock.signer.public_key());
    auto r = dock.dock(again);
    REQUIRE_FALSE(r.has_value());
    CHECK(dock.observer.has_alarm(alarm_kind::chain_rolled_back));
  }
  SECTION("fork: the same key, a different history as long as the stored one and longer") {
    camera_fixture fork("cam-1", 1, dir / "cam-fork");
    fork.trust_dock("dock-1", dock.signer.public_key());
    for (int i = 0; i < 5; ++i) fork.add_segment(77);
    auto r = dock.dock(fork);
    REQUIRE_FALSE(r.has_value());
    CHECK(dock.observer.has_alarm(alarm_kind::chain_forked));
  }
  CHECK(dock.store->list_record_seqs(*record::device_id::parse("cam-1"))->size() == stored);
}

TEST_CASE("link cut at every exchange: the next docking resumes; nothing lost, nothing twice", "[fault]") {
  // A reference run counts the exchanges of an uninterrupted docking.
  std::uint64_t total = 0;
  {
    temp_dir dir;
    camera_fixture cam("cam-1", 1, dir / "cam");
    cam.add_segment(130'000);
    cam.add_segment(3000);
    dock_fixture dock(dir / "dock");
    dock.enroll(cam);
    tests::in_process_port port(cam, dock.signer.public_key());
    auto s = dock.session();
    REQUIRE(s.run(port).has_value());
    total = port.exchanges();
  }
  REQUIRE(total > 8);
  for (std::uint64_t cut = 1; cut <= total; ++cut) {
    INFO("link cut at exchange " << cut << " of " << total);
    temp_dir dir;
    camera_fixture cam("cam-1", 1, dir / "cam");
    cam.add_segment(130'000);
    cam.add_segment(3000);
    dock_fixture dock(dir / "dock");
    dock.enroll(cam);
    tests::in_process_port cut_port(cam, dock.signer.public_key());
    cut_port.cut_at(cut);
    {
      auto s = dock.session();
      auto r = s.run(cut_port);
      CHECK_FALSE(r.has_value());
    }
    tests::check_invariants(dock, cam);
    CHECK(cam.reclaimer().reclaim_space(1).has_value());  // only what a receipt allows
    tests::check_invariants(dock, cam);
    tests::in_process_port port(cam, dock.signer.public_key());
    auto s = dock.session();
    auto r = s.run(port);
    REQUIRE(r.has_value());
    // Network cut mid-file resumes without re-sending what is done: file bytes over both links = the files.
    CHECK(cut_port.file_bytes_served() + port.file_bytes_served() == 133'000);
    tests::check_invariants(dock, cam);
    CHECK(cam.files_in(ledger::file_state::sealed).empty());
  }
}

namespace {

// The docking ended on a full store: no_space, and the alarm store_full raised.
void check_stopped_full(const core::expected<ingest::dock::session_summary>& r, tests::recording_observer& observer) {
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == core::errc::no_space);
  CHECK(observer.has_alarm(alarm_kind::store_full));
}

}  // namespace

TEST_CASE("store full: the dock stops, alarms, loses nothing, and resumes when space returns", "[fault]") {
  temp_dir dir;
  camera_fixture cam("cam-1", 1, dir / "cam");
  cam.add_segment(50'000);
  cam.add_segment(50'000);
  bool full = true;
  store::directory_store_options options;
  options.faults = [&](store::write_step step, const store::store_key& key) {
    // A full disk answers the put's write, or the adoption's fsync of the spooled file (delayed allocation).
    const bool writes = step == store::write_step::write || step == store::write_step::sync_file;
    return full && writes && key.str().starts_with("objects/") ? ENOSPC : 0;
  };
  dock_fixture dock(dir / "dock", options);
  dock.enroll(cam);
  check_stopped_full(dock.dock(cam), dock.observer);
  CHECK(cam.files_in(ledger::file_state::stored).empty());  // no receipt, so nothing may be reclaimed
  auto freed = cam.reclaimer().reclaim_space(1 << 20);
  REQUIRE(freed.has_value());
  CHECK(*freed == 0);
  tests::check_invariants(dock, cam);
  full = false;
  auto again = dock.dock(cam);
  REQUIRE(again.has_value());
  CHECK(again->files_stored == 2);
  CHECK(cam.files_in(ledger::file_state::stored).size() == 2);
  tests::check_invariants(dock, cam);
}

TEST_CASE("the scheduler seam can stop a docking between files; the receipt stops there", "[integration]") {
  temp_dir dir;
  camera_fixture cam("cam-1", 1, dir / "cam");
  const auto a = cam.add_segment(1000);
  cam.add_segment(1000);
  dock_fixture dock(dir / "dock");
  dock.enroll(cam);
  dock.observer.fetch_budget = 1;
  auto r = dock.dock(cam);
  REQUIRE(r.has_value());
  CHECK(r->stopped_by_scheduler);
  CHECK(cam.files_in(ledger::file_state::stored) == std::vector<std::string>{a});
  tests::check_invariants(dock, cam);
}

namespace {

// The camera's answers, except that records sent after the timesync have one signature byte flipped.
class forging_tail_port final : public ingest::dock::camera_port {
 public:
  forging_tail_port(camera_fixture& camera, const crypto::public_key& dock_key) : inner_(camera, dock_key) {}
  core::expected<offload::message> exchange(const offload::message& request) override {
    if (std::holds_alternative<offload::timesync_request>(request)) after_timesync_ = true;
    auto response = inner_.exchange(request);
    if (response && after_timesync_)
      if (auto* records = std::get_if<offload::records_response>(&*response))
        for (auto& bytes : records->records) {
          bytes.back() ^= 0x01;
          ++forged_;
        }
    return response;
  }
  crypto::public_key peer_key() const override { return inner_.peer_key(); }
  std::string describe() const override { return "forging camera"; }
  [[nodiscard]] std::size_t forged() const noexcept { return forged_; }

 private:
  tests::in_process_port inner_;
  bool after_timesync_ = false;
  std::size_t forged_ = 0;
};

}  // namespace

TEST_CASE("step 4 fetches the next file while the one before is stored, and reports each file once", "[integration]") {
  temp_dir dir;
  camera_fixture cam("cam-1", 1, dir / "cam");
  std::vector<std::string> files;
  for (int i = 0; i < 4; ++i) files.push_back(cam.add_segment(20'000));
  // The first file's adoption waits (bounded) until the session has asked to fetch the next one under its
  // slot: a session that stored before fetching on would never ask, and this test would fail.
  tests::recording_observer* watched = nullptr;
  std::atomic<int> adoptions = 0;
  bool overlapped = false;
  store::directory_store_options options;
  options.faults = [&](store::write_step step, const store::store_key& key) {
    if (step != store::write_step::sync_file || !key.str().starts_with("objects/") || adoptions++ != 0) return 0;
    std::unique_lock lock(watched->mutex);
    overlapped = watched->changed.wait_for(lock, std::chrono::seconds(10), [&] { return watched->fetches_more > 0; });
    return 0;
  };
  dock_fixture dock(dir / "dock", options);
  watched = &dock.observer;
  dock.enroll(cam);
  REQUIRE(dock.settings.store_depth >= 2);
  auto r = dock.dock(cam);
  REQUIRE(r.has_value());
  CHECK(overlapped);
  CHECK(dock.observer.fetches_more >= 1);
  CHECK(r->files_stored == 4);
  CHECK(r->bytes_stored == 80'000);
  CHECK_FALSE(r->stopped_by_scheduler);
  auto stored = dock.observer.stored_files;
  std::sort(stored.begin(), stored.end());
  CHECK(stored.size() == 4);
  CHECK(std::adjacent_find(stored.begin(), stored.end()) == stored.end());  // one report per file
  CHECK(cam.files_in(ledger::file_state::stored) == files);
  tests::check_invariants(dock, cam);
  CHECK(dock.observer.alarms.empty());

  // store_depth 0 is stop-and-wait: every file stored before the next is fetched.
  temp_dir again;
  camera_fixture cam2("cam-2", 2, again / "cam");
  for (int i = 0; i < 3; ++i) cam2.add_segment(10'000);
  dock_fixture serial(again / "dock");
  serial.enroll(cam2);
  serial.settings.store_depth = 0;
  auto s = serial.dock(cam2);
  REQUIRE(s.has_value());
  CHECK(s->files_stored == 3);
  CHECK(serial.observer.fetches_more == 0);
  CHECK(serial.observer.stored_files.size() == 3);
  tests::check_invariants(serial, cam2);
}

TEST_CASE("a store error while files are being stored: fetching stops, every file fetched is stored or kept, "
          "nothing is lost", "[fault]") {
  temp_dir dir;
  camera_fixture cam("cam-1", 1, dir / "cam");
  for (int i = 0; i < 5; ++i) cam.add_segment(30'000);
  // The third object the store is given fails its write (a full disk); the others are stored.
  std::atomic<int> adoptions = 0;
  bool full = true;
  store::directory_store_options options;
  options.faults = [&](store::write_step step, const store::store_key& key) {
    if (step != store::write_step::sync_file || !key.str().starts_with("objects/")) return 0;
    return full && ++adoptions == 3 ? ENOSPC : 0;
  };
  dock_fixture dock(dir / "dock", options);
  dock.enroll(cam);
  check_stopped_full(dock.dock(cam), dock.observer);
  // Every file the store took was reported stored before the session ended, and the next docking stores the
  // rest: nothing fetched was lost or stored twice.
  std::size_t objects = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir / "dock" / "store" / "objects"))
    objects += e.is_regular_file() ? 1U : 0U;
  CHECK(objects == dock.observer.stored_files.size());
  CHECK(objects >= 2);
  CHECK(cam.files_in(ledger::file_state::stored).empty());  // no receipt this time
  full = false;
  auto again = dock.dock(cam);
  REQUIRE(again.has_value());
  CHECK(again->files_stored + objects == 5);
  CHECK(cam.files_in(ledger::file_state::stored).size() == 5);
  tests::check_invariants(dock, cam);
}

// Step 5 beside the last stores (invariant 4): the last file's adoption waits (bounded) for the camera to be
// asked for its timesync; a session that witnessed only after every store would never ask, and this fails.
// With `fail_last` that adoption then fails as a full disk: the docking ends on it with no receipt.
namespace {
struct witness_beside_last_store {
  witness_beside_last_store(const std::filesystem::path& dir, int file_count, bool fail_the_last)
      : cam("cam-1", 1, dir / "cam"), files(file_count), fail_last(fail_the_last) {
    for (int i = 0; i < files; ++i) cam.add_segment(20'000);
    store::directory_store_options options;
    options.faults = [this](store::write_step step, const store::store_key& key) {
      if (step != store::write_step::sync_file || !key.str().starts_with("objects/") || ++adoptions != files)
        return 0;
      std::unique_lock lock(mutex);
      overlapped = changed.wait_for(lock, std::chrono::seconds(10), [&] { return timesync_asked; });
      return fail_last ? ENOSPC : 0;
    };
    dock.emplace(dir / "dock", options);
    dock->enroll(cam);
  }
  core::expected<ingest::dock::session_summary> run() {
    tests::in_process_port port(cam, dock->signer.public_key());
    port.on_request = [this](const offload::message& request) {
      if (!std::holds_alternative<offload::timesync_request>(request)) return;
      std::lock_guard lock(mutex);
      timesync_asked = true;
      changed.notify_all();
    };
    auto session = dock->session();
    return session.run(port);
  }
  camera_fixture cam;
  std::optional<dock_fixture> dock;
  int files;
  bool fail_last;
  std::atomic<int> adoptions = 0;
  std::mutex mutex;
  std::condition_variable changed;
  bool timesync_asked = false;
  bool overlapped = false;
};
}  // namespace

TEST_CASE("the timesync is witnessed while the last file is still being stored (invariant 4)", "[integration]") {
  temp_dir dir;
  witness_beside_last_store t(dir.path(), 4, false);
  REQUIRE(t.dock->settings.store_depth >= 1);
  const auto before = t.cam.record_count();
  auto docked = t.run();
  if (!docked) FAIL(docked.error().context);
  CHECK(t.overlapped);
  CHECK(t.adoptions == 4);
  CHECK(docked->files_stored == 4);
  REQUIRE(docked->timesync_seq.has_value());
  CHECK(*docked->timesync_seq == before);
  CHECK(docked->records_stored == before + 1);  // the timesync record too
  CHECK(docked->chain_count == before + 1);
  REQUIRE(docked->receipt_end.has_value());
  CHECK(*docked->receipt_end == before + 1);
  CHECK(t.cam.files_in(ledger::file_state::stored).size() == 4);
  tests::check_invariants(*t.dock, t.cam);
  CHECK(t.dock->observer.alarms.empty());
}

TEST_CASE("a store error after the timesync: the docking ends on it, no receipt, and the next one stores the rest",
          "[fault]") {
  temp_dir dir;
  witness_beside_last_store t(dir.path(), 3, true);
  const auto before = t.cam.record_count();
  check_stopped_full(t.run(), t.dock->observer);
  CHECK(t.overlapped);
  CHECK(t.cam.record_count() == before + 1);  // the camera recorded the dock's timesync
  CHECK(t.dock->observer.stored_files.size() == 2);  // the first two, each reported once
  CHECK(t.dock->observer.receipts.empty());
  CHECK(t.cam.files_in(ledger::file_state::stored).empty());  // nothing may be reclaimed
  auto seqs = t.dock->store->list_record_seqs(t.cam.writer().device());
  REQUIRE(seqs.has_value());
  CHECK(seqs->size() == before + 1);  // the timesync's tail was stored beside the last file

  t.fail_last = false;
  auto again = t.dock->dock(t.cam);
  if (!again) FAIL(again.error().context);
  CHECK(again->files_stored == 1);
  CHECK(again->records_stored == 1);  // this docking's timesync
  REQUIRE(again->receipt_end.has_value());
  CHECK(*again->receipt_end == before + 2);
  CHECK(t.cam.files_in(ledger::file_state::stored).size() == 3);
  tests::check_invariants(*t.dock, t.cam);
}

TEST_CASE("forged_record_after_timesync: the tail is refused by the chain verifier, not stored, no receipt",
          "[integration]") {
  temp_dir dir;
  camera_fixture cam("cam-1", 1, dir / "cam");
  cam.add_segment(20'000);
  dock_fixture dock(dir / "dock");
  dock.enroll(cam);
  const auto before = cam.record_count();
  forging_tail_port port(cam, dock.signer.public_key());
  auto s = dock.session();
  auto r = s.run(port);
  REQUIRE(port.forged() > 0);  // the attack happened
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == core::errc::corrupt);
  CHECK_THAT(r.error().context, Catch::Contains("after the timesync"));
  CHECK(dock.observer.has_alarm(alarm_kind::chain_refused));
  auto seqs = dock.store->list_record_seqs(cam.writer().device());
  REQUIRE(seqs.has_value());
  CHECK(seqs->size() == before);  // the chain up to the checkpoint, not the forged tail
  auto receipts = dock.store->list_entries(store::entry_namespace::receipts);
  REQUIRE(receipts.has_value());
  CHECK(receipts->empty());
  CHECK(cam.files_in(ledger::file_state::stored).empty());
}

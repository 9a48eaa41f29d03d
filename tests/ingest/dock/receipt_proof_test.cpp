// Receipts and reclaim across dockings, with real ledgers and a real directory store: a receipt lost after the
// store has it, a receipt applied twice, one camera docking at two docks in turn over one store, and a camera
// that fills its storage, docks, frees space and records again. Each asserts that the camera frees only files
// the store holds under a receipt it recorded, frees each once, and that the next docking stores nothing twice.
#include "tests/ingest/dock/dock_test_support.hpp"

#include "common/core/durable_file.hpp"
#include "tests/support/temp_dir.hpp"

#ifdef BODYCAM_HAVE_AUDIT
#include "tools/audit/store_audit.hpp"
#endif

#include <set>

using namespace bodycam;
using namespace bodycam::common;
namespace msg = bodycam::common::offload;
using bodycam::tests::camera_fixture;
using bodycam::tests::dock_fixture;
using bodycam::tests::in_process_port;
using bodycam::tests::temp_dir;

namespace {

// The link to the camera fails at the receipt request, as when the dock dies after storing its receipt and
// before sending it: the receipt is in the store, the camera never sees it.
class receipt_dropping_port final : public ingest::dock::camera_port {
 public:
  receipt_dropping_port(camera_fixture& camera, const crypto::public_key& dock_key) : inner_(camera, dock_key) {}
  [[nodiscard]] core::expected<msg::message> exchange(const msg::message& request) override {
    if (std::holds_alternative<msg::receipt_request>(request)) {
      ++dropped_;
      return core::fail(core::errc::closed, "link cut (test) before the receipt reached the camera");
    }
    return inner_.exchange(request);
  }
  [[nodiscard]] crypto::public_key peer_key() const override { return inner_.peer_key(); }
  [[nodiscard]] std::string describe() const override { return "in-process camera, receipts dropped"; }
  [[nodiscard]] std::uint64_t dropped() const noexcept { return dropped_; }

 private:
  in_process_port inner_;
  std::uint64_t dropped_ = 0;
};

// The receipt records in the camera's ledger, in seq order.
std::vector<record::receipt_payload> receipt_records(camera_fixture& cam, const crypto::public_key& peer) {
  auto r = cam.handler().handle(msg::records_request{0, 4096}, peer);
  REQUIRE(std::holds_alternative<msg::records_response>(r));
  std::vector<record::receipt_payload> out;
  for (const auto& bytes : std::get<msg::records_response>(r).records) {
    auto parsed = record::parse_signed_record(bytes);
    REQUIRE(parsed.has_value());
    if (const auto* p = std::get_if<record::receipt_payload>(&parsed->body.body)) out.push_back(*p);
  }
  return out;
}

std::vector<core::byte_buffer> stored_receipt_documents(dock_fixture& dock) {
  auto names = dock.store->list_entries(store::entry_namespace::receipts);
  REQUIRE(names.has_value());
  std::vector<core::byte_buffer> out;
  for (const auto& n : *names) {
    auto doc = dock.store->get_entry(store::entry_namespace::receipts, n);
    REQUIRE(doc.has_value());
    out.push_back(*doc);
  }
  return out;
}

// Every receipt the camera recorded is one of the store's, and none is recorded twice.
void check_receipts_recorded_once(dock_fixture& dock, camera_fixture& cam) {
  std::set<crypto::sha256_digest> in_store;
  for (const auto& d : stored_receipt_documents(dock)) in_store.insert(crypto::sha256(d));
  std::set<crypto::sha256_digest> seen;
  for (const auto& p : receipt_records(cam, dock.signer.public_key())) {
    CHECK(in_store.contains(p.receipt_sha256));
    CHECK(seen.insert(p.receipt_sha256).second);
  }
}

std::uint64_t bytes_on_camera(camera_fixture& cam) {
  std::uint64_t total = 0;
  for (const auto& e : std::filesystem::directory_iterator(cam.recording_dir()))
    if (e.is_regular_file()) total += e.file_size();
  return total;
}

std::filesystem::path object_file(const std::filesystem::path& store_dir, const crypto::sha256_digest& digest) {
  for (const auto& e : std::filesystem::recursive_directory_iterator(store_dir / "objects"))
    if (e.is_regular_file() && e.path().filename() == digest.to_hex()) return e.path();
  FAIL("no object file " << digest.to_hex() << " under " << store_dir);
  return {};
}

crypto::sha256_digest sealed_hash(camera_fixture& cam, const std::string& name) {
  crypto::sha256_digest d;
  auto ok = cam.writer().with_ledger([&](ledger::ledger& l) -> core::status {
    auto f = l.file(name);
    if (!f) return std::unexpected(f.error());
    if (!f->seal) return core::fail(core::errc::conflict, name + " is not sealed");
    d = f->seal->sha256;
    return {};
  });
  REQUIRE(ok.has_value());
  return d;
}

// One camera ("cam-1") enrolled at one dock with a directory store, for the tests of a docking's excerpt.
struct camera_and_dock {
  camera_and_dock() { dock.enroll(cam); }
  temp_dir dir;
  camera_fixture cam{"cam-1", 1, dir / "cam"};
  record::device_id device = *record::device_id::parse("cam-1");
  dock_fixture dock{dir / "dock"};
};

// `dockings` dockings of `cam`, each after one new segment (of first_bytes, first_bytes + 1, … bytes); the last
// one's receipt end.
std::optional<std::uint64_t> dock_each_segment(dock_fixture& dock, camera_fixture& cam, std::size_t dockings,
                                               std::size_t first_bytes) {
  std::optional<std::uint64_t> receipted;
  for (std::size_t i = 0; i < dockings; ++i) {
    cam.add_segment(first_bytes + i);
    auto r = dock.dock(cam);
    REQUIRE(r.has_value());
    receipted = r->receipt_end;
  }
  return receipted;
}

}  // namespace

TEST_CASE("receipt_lost_after_store, then replayed: the camera frees only on a recorded receipt, and once", "[fault]") {
  temp_dir dir;
  camera_fixture cam("cam-1", 1, dir / "cam");
  const auto a = cam.add_segment(40'000);
  const auto b = cam.add_segment(30'000);
  const auto c = cam.add_segment(20'000);
  dock_fixture dock(dir / "dock");
  dock.enroll(cam);

  // The dock stores every record, file and its receipt, then dies before the receipt reaches the camera.
  {
    receipt_dropping_port port(cam, dock.signer.public_key());
    auto s = dock.session();
    auto r = s.run(port);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == core::errc::closed);
    CHECK(port.dropped() == 1);
  }
  REQUIRE(stored_receipt_documents(dock).size() == 1);
  CHECK(cam.files_in(ledger::file_state::stored).empty());
  CHECK(cam.files_in(ledger::file_state::sealed) == std::vector<std::string>{a, b, c});
  const auto before_reclaim = cam.record_count();
  auto nothing = cam.reclaimer().reclaim_space(1 << 30);
  REQUIRE(nothing.has_value());
  CHECK(*nothing == 0);  // the store has the footage, but the camera has no receipt: nothing is freed
  CHECK(cam.record_count() == before_reclaim);
  for (const auto& n : {a, b, c}) CHECK(std::filesystem::exists(cam.recording_dir() / n));

  // The next docking resends the stored receipt and fetches nothing again.
  auto second = dock.dock(cam);
  REQUIRE(second.has_value());
  CHECK(second->bytes_fetched == 0);
  CHECK(second->files_stored == 0);
  CHECK(cam.files_in(ledger::file_state::stored) == std::vector<std::string>{a, b, c});
  tests::check_invariants(dock, cam);
  check_receipts_recorded_once(dock, cam);
  const auto recorded = receipt_records(cam, dock.signer.public_key()).size();
  CHECK(recorded >= 1);

  auto freed = cam.reclaimer().reclaim_space(1 << 30);
  REQUIRE(freed.has_value());
  CHECK(*freed == 90'000);
  CHECK(cam.files_in(ledger::file_state::reclaimed) == std::vector<std::string>{a, b, c});

  // Every receipt in the store applied again: each is already recorded, nothing is appended or freed twice.
  const auto count = cam.record_count();
  const auto docs = stored_receipt_documents(dock);
  REQUIRE(docs.size() >= 2);
  for (const auto& d : docs) {
    auto again = cam.handler().handle(msg::receipt_request{d}, dock.signer.public_key());
    REQUIRE(std::holds_alternative<msg::appended_response>(again));
    CHECK(std::get<msg::appended_response>(again).outcome == msg::append_outcome::already_recorded);
  }
  CHECK(cam.record_count() == count);
  auto twice = cam.reclaimer().reclaim_space(1 << 30);
  REQUIRE(twice.has_value());
  CHECK(*twice == 0);
  CHECK(cam.record_count() == count);
  CHECK(receipt_records(cam, dock.signer.public_key()).size() == recorded);

  // The next docking stores only what is new, once.
  const auto d = cam.add_segment(10'000);
  auto third = dock.dock(cam);
  REQUIRE(third.has_value());
  CHECK(third->files_stored == 1);
  CHECK(third->bytes_fetched == 10'000);
  CHECK(cam.files_in(ledger::file_state::stored) == std::vector<std::string>{d});
  tests::check_invariants(dock, cam);
  check_receipts_recorded_once(dock, cam);
  CHECK(dock.observer.alarms.empty());
}

TEST_CASE("receipt_for_an_object_the_store_lacks is not resent: the file stays on the camera until stored again",
          "[fault]") {
  temp_dir dir;
  camera_fixture cam("cam-1", 1, dir / "cam");
  const auto a = cam.add_segment(25'000);
  const auto b = cam.add_segment(15'000);
  dock_fixture dock(dir / "dock");
  dock.enroll(cam);
  {
    receipt_dropping_port port(cam, dock.signer.public_key());
    auto s = dock.session();
    REQUIRE_FALSE(s.run(port).has_value());
    REQUIRE(port.dropped() == 1);
  }
  REQUIRE(stored_receipt_documents(dock).size() == 1);
  // The store loses a's object behind the dock's back (restored from an older copy): its receipt now lies.
  const auto lost = object_file(dock.root / "store", sealed_hash(cam, a));
  REQUIRE(std::filesystem::remove(lost));
  auto has = dock.store->has_object(sealed_hash(cam, a));
  REQUIRE(has.has_value());
  REQUIRE_FALSE(*has);

  auto r = dock.dock(cam);
  REQUIRE(r.has_value());
  CHECK(dock.observer.has_alarm(ingest::dock::alarm_kind::store_failed));
  // The lying receipt never reached the camera; the dock fetched a again and receipted it anew.
  auto recorded = receipt_records(cam, dock.signer.public_key());
  const auto lying = crypto::sha256(stored_receipt_documents(dock).front());
  for (const auto& p : recorded) CHECK_FALSE(p.receipt_sha256 == lying);
  CHECK(r->bytes_fetched == 25'000);
  CHECK(r->files_stored == 1);
  auto back = dock.store->has_object(sealed_hash(cam, a));
  REQUIRE(back.has_value());
  CHECK(*back);
  CHECK(cam.files_in(ledger::file_state::stored) == std::vector<std::string>{a, b});
  tests::check_invariants(dock, cam);
  check_receipts_recorded_once(dock, cam);
}

// Invariant 6: a docking reads back the stored records from the last receipt on, not the camera's history.
TEST_CASE_METHOD(
    camera_and_dock,
    "each docking reads back only the stored records since the last receipt, however long the history grows",
    "[integration]") {
  cam.add_segment(10'000);
  auto first = dock.dock(cam);
  REQUIRE(first.has_value());
  CHECK(first->records_read == 0);  // nothing stored yet
  std::uint64_t stored_before = dock.store->list_record_seqs(device)->size();
  for (std::size_t i = 0; i < 8; ++i) {
    cam.add_segment(8'000 + i);
    cam.add_segment(9'000 + i);
    auto r = dock.dock(cam);
    REQUIRE(r.has_value());
    const auto seqs = dock.store->list_record_seqs(device);
    REQUIRE(seqs.has_value());
    INFO("docking " << i + 2 << ": " << stored_before << " records stored before, " << seqs->size() << " after");
    // The receipt before ended at the last record stored (the timesync): that one record is the excerpt.
    CHECK(r->records_read == 1);
    CHECK(r->files_stored == 2);
    REQUIRE(r->receipt_end.has_value());
    CHECK(*r->receipt_end == seqs->size());
    CHECK(seqs->size() > stored_before + 2);
    stored_before = seqs->size();
  }
  CHECK(stored_before >= 30);  // the history grew; the reads did not
  CHECK(dock.observer.alarms.empty());
  tests::check_invariants(dock, cam);
  check_receipts_recorded_once(dock, cam);
}

TEST_CASE_METHOD(camera_and_dock,
                 "a record the store lost (as a store restored from an older copy would) is stored again from the "
                 "camera's copy; the excerpt starts before the hole (invariant 6)",
                 "[fault]") {
  dock_each_segment(dock, cam, 3, 12'000);
  const auto before = dock.store->list_record_seqs(device).value();
  REQUIRE(before.size() > 8);
  constexpr std::uint64_t lost = 3;
  const auto lost_bytes = dock.store->get_record(device, lost).value();
  REQUIRE(std::filesystem::remove(dock.root / "store" / "records" / "cam-1" / std::to_string(lost)));
  cam.add_segment(13'000);
  auto r = dock.dock(cam);
  REQUIRE(r.has_value());
  CHECK(r->records_read == before.size() - lost);  // seqs 2 (the one before the hole) on, but the lost one
  CHECK(dock.store->get_record(device, lost).value() == lost_bytes);
  const auto after = dock.store->list_record_seqs(device).value();
  for (std::size_t i = 0; i < after.size(); ++i) CHECK(after[i] == i);
  CHECK(after.size() > before.size());
  CHECK(r->files_stored == 1);
  REQUIRE(r->receipt_end.has_value());
  CHECK(*r->receipt_end == after.size());
  CHECK(dock.observer.alarms.empty());
  tests::check_invariants(dock, cam);
  check_receipts_recorded_once(dock, cam);
}

TEST_CASE_METHOD(camera_and_dock,
                 "the last receipt is refused (its object lost from the store): that docking reads the whole chain and "
                 "receipts again from the receipt before (invariant 6)",
                 "[fault]") {
  const auto receipted = dock_each_segment(dock, cam, 3, 11'000);
  REQUIRE(receipted.has_value());
  const auto x = cam.add_segment(23'000);
  {
    receipt_dropping_port port(cam, dock.signer.public_key());
    auto s = dock.session();
    REQUIRE_FALSE(s.run(port).has_value());
    REQUIRE(port.dropped() == 1);
  }
  REQUIRE(stored_receipt_documents(dock).size() == 4);
  REQUIRE(std::filesystem::remove(object_file(dock.root / "store", sealed_hash(cam, x))));
  const auto stored = dock.store->list_record_seqs(device)->size();

  auto r = dock.dock(cam);
  REQUIRE(r.has_value());
  CHECK(dock.observer.has_alarm(ingest::dock::alarm_kind::store_failed));
  CHECK(r->records_read == stored);  // the excerpt, then every stored record before it
  CHECK(r->bytes_fetched == 23'000);
  CHECK(r->files_stored == 1);
  // The new receipt begins where the last one the camera recorded ended.
  auto names = dock.store->list_entries(store::entry_namespace::receipts);
  REQUIRE(names.has_value());
  INFO("receipts: " << [&] { std::string all; for (const auto& n : *names) all += n + " "; return all; }());
  CHECK(std::count(names->begin(), names->end(), "cam-1." + std::to_string(*receipted) + "-" +
                                                     std::to_string(*r->receipt_end)) == 1);
  CHECK(cam.files_in(ledger::file_state::sealed).empty());
  tests::check_invariants(dock, cam);
  check_receipts_recorded_once(dock, cam);
}

TEST_CASE("two docks in turn over one store: every record stored once, both docks' receipts recorded, reclaim right",
          "[integration]") {
  temp_dir dir;
  camera_fixture cam("cam-1", 1, dir / "cam");
  const auto store_dir = dir / "store";
  dock_fixture dock_a(dir / "dock-a", "dock-a", 50, store_dir);
  dock_fixture dock_b(dir / "dock-b", "dock-b", 60, store_dir);
  dock_a.enroll(cam);
  dock_b.enroll(cam);

  std::vector<std::string> files{cam.add_segment(30'000), cam.add_segment(20'000)};
  auto at_a = dock_a.dock(cam);
  REQUIRE(at_a.has_value());
  CHECK(at_a->files_stored == 2);
  tests::check_invariants(dock_a, cam);

  files.push_back(cam.add_segment(10'000));
  auto at_b = dock_b.dock(cam);
  REQUIRE(at_b.has_value());
  CHECK(at_b->files_stored == 1);
  CHECK(at_b->bytes_fetched == 10'000);  // dock B fetches nothing dock A stored
  CHECK(at_b->records_stored >= 2);      // the new segment and dock A's receipt record at least
  tests::check_invariants(dock_b, cam);

  files.push_back(cam.add_segment(5'000));
  auto again_a = dock_a.dock(cam);
  REQUIRE(again_a.has_value());
  CHECK(again_a->files_stored == 1);
  CHECK(again_a->bytes_fetched == 5'000);
  tests::check_invariants(dock_a, cam);
  tests::check_invariants(dock_b, cam);
  CHECK(cam.files_in(ledger::file_state::stored) == files);

  // Receipts by both docks, each recorded once by the camera; both docks' keys are in the store.
  std::set<std::string> issuers;
  for (const auto& p : receipt_records(cam, dock_a.signer.public_key())) issuers.insert(p.issuer);
  CHECK(issuers == std::set<std::string>{"dock-a", "dock-b"});
  check_receipts_recorded_once(dock_a, cam);
  for (auto* d : {&dock_a, &dock_b}) {
    auto key = d->store->get_public_key(*record::device_id::parse(d->dock_id));
    REQUIRE(key.has_value());
    CHECK(key->key == d->signer.public_key());
  }
  // Every record once: the store's seqs are 0..n-1 with none twice (check_invariants) and n is the chain.
  auto seqs = dock_a.store->list_record_seqs(cam.writer().device());
  REQUIRE(seqs.has_value());
  CHECK(seqs->size() + 2 >= cam.record_count());  // all but the last timesync and receipt records

  auto freed = cam.reclaimer().reclaim_space(1 << 30);
  REQUIRE(freed.has_value());
  CHECK(*freed == 65'000);
  CHECK(cam.files_in(ledger::file_state::reclaimed) == files);
  for (const auto& n : files) CHECK_FALSE(std::filesystem::exists(cam.recording_dir() / n));
  CHECK(dock_a.observer.alarms.empty());
  CHECK(dock_b.observer.alarms.empty());

#ifdef BODYCAM_HAVE_AUDIT
  // One last docking stores the tail, then `bodycam audit` over the store passes.
  auto last = dock_b.dock(cam);
  REQUIRE(last.has_value());
  const auto report = tests::audit_one_camera(*dock_a.store, cam.key());
  const auto& device = report.devices.front();
  INFO("problems: " << device.problems.size() << (device.problems.empty() ? "" : " first: " + device.problems.front()));
  CHECK(device.problems.empty());
  CHECK(device.chain.result == chain::verdict::authentic);
  std::size_t verified = 0;
  for (const auto& s : device.sessions)
    for (const auto& o : s.segments) verified += o.state == tools::audit::object_state::verified ? 1 : 0;
  CHECK(verified == files.size());
  for (const auto& r : device.receipts) CHECK(r.problem.empty());
  CHECK(device.receipts.size() >= 3);
#endif
}

TEST_CASE("reclaim end to end: fill to the reserve, dock, free only what is receipted, record again; all agree",
          "[integration]") {
  constexpr std::uint64_t capacity = 400'000;
  constexpr std::uint64_t reserve = 100'000;
  constexpr std::size_t segment_bytes = 30'000;
  temp_dir dir;
  camera_fixture cam("cam-1", 1, dir / "cam");
  dock_fixture dock(dir / "dock");
  dock.enroll(cam);

  // Record until the next segment would eat into the reserve.
  auto fill = [&] {
    std::vector<std::string> added;
    while (bytes_on_camera(cam) + segment_bytes <= capacity - reserve) added.push_back(cam.add_segment(segment_bytes));
    return added;
  };
  const auto first = fill();
  REQUIRE(first.size() >= 5);
  CHECK(bytes_on_camera(cam) + segment_bytes > capacity - reserve);

  // The scheduler lets the dock fetch all but the last file: its receipt stops before that file's record.
  const auto withheld = first.back();
  dock.observer.fetch_budget = first.size() - 1;
  auto partial = dock.dock(cam);
  REQUIRE(partial.has_value());
  CHECK(partial->stopped_by_scheduler);
  CHECK(partial->files_stored == first.size() - 1);
  auto freed = cam.reclaimer().reclaim_space(1 << 30);
  REQUIRE(freed.has_value());
  CHECK(*freed == segment_bytes * (first.size() - 1));
  CHECK(cam.files_in(ledger::file_state::sealed) == std::vector<std::string>{withheld});
  CHECK(std::filesystem::exists(cam.recording_dir() / withheld));
  tests::check_invariants(dock, cam);

  // Negative control: a receipt signed by the dock's own key that lists the withheld file, which the store
  // lacks, sits in the store (a faulty dock, a store restored wrongly). The dock refuses to send it, so the
  // camera keeps the file, even when it asks for every byte.
  {
    auto stored = dock.store->list_record_seqs(cam.writer().device());
    REQUIRE(stored.has_value());
    receipt::receipt body;
    body.issuer = dock.dock_id;
    body.issuer_key = dock.signer.public_key();
    body.device = cam.writer().device();
    body.first_seq = *partial->receipt_end;
    body.end_seq = stored->size();
    auto head = dock.store->get_record(cam.writer().device(), body.end_seq - 1);
    REQUIRE(head.has_value());
    body.head_hash = crypto::sha256(core::byte_view(*head).first(head->size() - 64));
    body.stored_utc = record::utc_time(std::chrono::seconds(1'795'000'600));
    body.objects.push_back({sealed_hash(cam, withheld), segment_bytes});
    auto lying = receipt::sign(std::move(body), dock.signer);
    REQUIRE(lying.has_value());
    REQUIRE(dock.store->put_entry(store::entry_namespace::receipts, receipt::store_name(lying->body), lying->document)
                .has_value());
    dock.observer.fetch_budget = 0;
    auto refused = dock.dock(cam);
    REQUIRE(refused.has_value());
    CHECK(dock.observer.has_alarm(ingest::dock::alarm_kind::store_failed));
    for (const auto& p : receipt_records(cam, dock.signer.public_key()))
      CHECK_FALSE(p.receipt_sha256 == crypto::sha256(lying->document));
    auto none = cam.reclaimer().reclaim_space(1 << 30);
    REQUIRE(none.has_value());
    CHECK(*none == 0);
    CHECK(cam.files_in(ledger::file_state::sealed) == std::vector<std::string>{withheld});
    CHECK(std::filesystem::exists(cam.recording_dir() / withheld));
  }

  // With the budget back, the dock stores the withheld file and a receipt that covers it; reclaim frees it then.
  dock.observer.fetch_budget = UINT64_MAX;
  auto docked = dock.dock(cam);
  REQUIRE(docked.has_value());
  CHECK(docked->files_stored == 1);
  CHECK(docked->bytes_fetched == segment_bytes);
  CHECK(cam.files_in(ledger::file_state::stored) == std::vector<std::string>{withheld});
  auto rest = cam.reclaimer().reclaim_space(segment_bytes);
  REQUIRE(rest.has_value());
  CHECK(*rest == segment_bytes);
  CHECK(bytes_on_camera(cam) == 0);

  // Recording goes on into the freed space; a second docking stores it and only it.
  const auto second = fill();
  REQUIRE(second.size() == first.size());
  auto again = dock.dock(cam);
  REQUIRE(again.has_value());
  CHECK(again->files_stored == second.size());
  CHECK(again->bytes_fetched == segment_bytes * second.size());
  CHECK(cam.files_in(ledger::file_state::stored) == second);
  CHECK(cam.files_in(ledger::file_state::reclaimed) == first);
  tests::check_invariants(dock, cam);

#ifdef BODYCAM_HAVE_AUDIT
  const auto report = tests::audit_one_camera(*dock.store, cam.key());
  const auto& device = report.devices.front();
  INFO("problems: " << device.problems.size() << (device.problems.empty() ? "" : " first: " + device.problems.front()));
  CHECK(device.problems.empty());
  CHECK(device.chain.result == chain::verdict::authentic);
  // The ledger, the store and the audit agree: every segment the camera recorded is verified in the store,
  // and every one the camera freed is among them.
  std::set<std::string> verified;
  for (const auto& s : device.sessions)
    for (const auto& o : s.segments)
      if (o.state == tools::audit::object_state::verified) verified.insert(o.file_name);
  CHECK(verified.size() == first.size() + second.size());
  for (const auto& n : first) CHECK(verified.contains(n));
  for (const auto& n : second) CHECK(verified.contains(n));
#endif
}

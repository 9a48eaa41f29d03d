// Test helpers for the dock session: a dock (key, id, settings under a temp dir), a store, the enrolled
// cameras, a recording observer, and checks of the end-to-end invariants (every record stored exactly once,
// hashes match, nothing stored on the camera without its object in the store, no reclaim without a receipt).
#pragma once

#include "common/chain/verifier.hpp"
#include "common/receipt/receipt.hpp"
#include "common/store/directory_backend.hpp"
#include "common/store/record_inputs.hpp"
#include "ingest/dock/dock_session.hpp"
#include "tests/firmware/offload/camera_fixture.hpp"
#include "tests/ingest/dock/in_process_port.hpp"
#include "tests/support/chain_scenario.hpp"
#ifdef BODYCAM_HAVE_AUDIT
#include "tools/audit/store_audit.hpp"
#endif

#include <catch2/catch.hpp>

#include <condition_variable>
#include <mutex>

namespace bodycam::tests {

struct recording_observer final : ingest::dock::session_observer {
  std::mutex mutex;
  std::vector<std::pair<ingest::dock::alarm_kind, std::string>> alarms;
  std::vector<std::uint64_t> receipts;
  std::uint64_t fetch_budget = UINT64_MAX;  // files the scheduler lets through
  void on_alarm(const common::record::device_id&, ingest::dock::alarm_kind kind, const std::string& detail) override {
    std::lock_guard lock(mutex);
    alarms.emplace_back(kind, detail);
  }
  void on_receipt(const common::record::device_id&, std::uint64_t end) override {
    std::lock_guard lock(mutex);
    receipts.push_back(end);
  }
  std::uint64_t fetches_more = 0;  // files let through while earlier ones were still being stored
  std::vector<std::uint64_t> stored_files;  // record seqs reported stored, in the order reported
  std::condition_variable changed;          // after every report above
  void on_file_stored(const common::record::device_id&, const ingest::dock::pending_file& file) override {
    std::lock_guard lock(mutex);
    stored_files.push_back(file.record_seq);
    changed.notify_all();
  }
  bool may_fetch(const common::record::device_id&, const ingest::dock::pending_file&) override {
    std::lock_guard lock(mutex);
    return let_through();
  }
  bool may_fetch_more(const common::record::device_id&, const ingest::dock::pending_file&) override {
    std::lock_guard lock(mutex);
    if (!let_through()) return false;
    ++fetches_more;
    changed.notify_all();
    return true;
  }
  bool let_through() {
    if (fetch_budget == 0) return false;
    --fetch_budget;
    return true;
  }
  bool has_alarm(ingest::dock::alarm_kind kind) {
    std::lock_guard lock(mutex);
    for (const auto& a : alarms)
      if (a.first == kind) return true;
    return false;
  }
};

struct dock_fixture {
  explicit dock_fixture(const std::filesystem::path& dir, common::store::directory_store_options options = {})
      : dock_fixture(dir, "dock-1", 50, dir / "store", options) {}
  // A dock `id` with key fixed_key(key_seed) over the directory store at `store_dir` (which other docks may share).
  dock_fixture(const std::filesystem::path& dir, std::string id, std::uint8_t key_seed,
               const std::filesystem::path& store_dir, common::store::directory_store_options options = {})
      : dock_id(std::move(id)), signer(fixed_key(key_seed)), root(dir) {
    options.create = true;
    std::filesystem::create_directories(dir);
    auto backend = common::store::directory_backend::open(store_dir, options);
    if (!backend) FAIL(backend.error().context);
    store = std::make_unique<common::store::store>(std::move(*backend));
    settings.spool_dir = dir / "spool";
    settings.quarantine_dir = dir / "quarantine";
    settings.clock = [] { return common::record::utc_time(std::chrono::seconds(1'795'000'500)); };
  }
  void enroll(camera_fixture& camera) {
    cameras.add(camera.writer().device().str(), camera.key());
    camera.trust_dock(dock_id, signer.public_key());
  }
  ingest::dock::dock_session session() {
    return ingest::dock::dock_session({dock_id, &signer}, *store, cameras, settings, &observer);
  }
  common::core::expected<ingest::dock::session_summary> dock(camera_fixture& camera, std::uint64_t cut_at = 0) {
    in_process_port port(camera, signer.public_key());
    port.cut_at(cut_at);
    auto s = session();
    return s.run(port);
  }

  // Puts a backend B (a tests::forwarding_backend: B(inner, args...)) in front of the store's own; returns it.
  template <class B, class... Args>
  B& wrap_store(Args&&... args) {
    wrapped.push_back(std::move(store));
    auto backend = std::make_unique<B>(wrapped.back()->backend(), std::forward<Args>(args)...);
    auto& out = *backend;
    store = std::make_unique<common::store::store>(std::move(backend));
    return out;
  }

  std::string dock_id;
  common::crypto::software_signer signer;
  std::filesystem::path root;
  std::vector<std::unique_ptr<common::store::store>> wrapped;  // what wrap_store put a backend in front of
  std::unique_ptr<common::store::store> store;
  common::link::key_directory cameras;
  ingest::dock::session_settings settings;
  recording_observer observer;
};

// The invariants after any sequence of (interrupted) sessions:
//  - the store holds records 0..n-1 of the camera, byte for byte, and they verify as a chain;
//  - every stored object re-hashes to its name;
//  - every file the camera has as `stored` or `reclaimed` is in the store, and covered by a stored receipt;
//  - every file the camera still holds in the recording dir is sealed or stored (a reclaimed file was freed only
//    after its record).
inline void check_invariants(dock_fixture& dock, camera_fixture& camera) {
  const auto& device = camera.writer().device();
  auto seqs = dock.store->list_record_seqs(device);
  REQUIRE(seqs.has_value());
  for (std::size_t i = 0; i < seqs->size(); ++i) REQUIRE((*seqs)[i] == i);  // contiguous, no duplicates
  auto records = camera.handler().handle(common::offload::records_request{0, 4096}, dock.signer.public_key());
  REQUIRE(std::holds_alternative<common::offload::records_response>(records));
  const auto& all = std::get<common::offload::records_response>(records).records;
  REQUIRE(seqs->size() <= all.size());
  for (std::size_t i = 0; i < seqs->size(); ++i) {
    auto stored = dock.store->get_record(device, i);
    REQUIRE(stored.has_value());
    CHECK(*stored == all[i]);
  }
  auto inputs = common::store::read_record_inputs(*dock.store, device);
  REQUIRE(inputs.has_value());
  if (!inputs->empty()) {
    common::chain::verify_options options;
    options.device = device;
    options.key = camera.key();
    auto report = common::chain::verify_chain(*inputs, options);
    CHECK(report.result != common::chain::verdict::not_authentic);
    CHECK(report.result != common::chain::verdict::cannot_verify);
  }
  std::uint64_t receipted = 0;
  auto names = dock.store->list_entries(common::store::entry_namespace::receipts);
  REQUIRE(names.has_value());
  for (const auto& n : *names) {
    auto doc = dock.store->get_entry(common::store::entry_namespace::receipts, n);
    REQUIRE(doc.has_value());
    auto r = common::receipt::parse(*doc);
    REQUIRE(r.has_value());
    CHECK(common::receipt::verify_signature(*r));
    receipted = std::max(receipted, r->body.end_seq);
    CHECK(r->body.end_seq <= seqs->size());  // a receipt never covers what the store lacks
    for (const auto& o : r->body.objects) {
      auto h = dock.store->rehash_object(o.sha256);
      REQUIRE(h.has_value());
      CHECK(*h == o.sha256);
    }
  }
  for (auto state : {common::ledger::file_state::stored, common::ledger::file_state::reclaimed}) {
    for (const auto& name : camera.files_in(state)) {
      auto entry = camera.writer().with_ledger([&](common::ledger::ledger& l) -> common::core::status {
        auto f = l.file(name);
        if (!f) return std::unexpected(f.error());
        auto has = dock.store->has_object(f->seal->sha256);
        if (!has || !*has) return common::core::fail(common::core::errc::not_found, name + " is stored on the camera's word only");
        if (*f->sealing_seq >= receipted) return common::core::fail(common::core::errc::conflict, name + " beyond every receipt");
        return {};
      });
      CHECK(entry.has_value());
      if (!entry) FAIL(entry.error().context);
    }
  }
  for (const auto& name : camera.files_in(common::ledger::file_state::reclaimed))
    CHECK_FALSE(std::filesystem::exists(camera.recording_dir() / name));
}

#ifdef BODYCAM_HAVE_AUDIT
// `bodycam audit` over `s` a day after the fixture cameras' clock start, with cam-1's key stored first (as the
// dock's enrollment would); REQUIREs that it ran and reports exactly one device.
inline tools::audit::audit_report audit_one_camera(common::store::store& s, const common::crypto::public_key& key) {
  REQUIRE(s.put_public_key({"cam-1", key}).has_value());
  tools::audit::audit_options options;
  options.now = common::record::utc_time(std::chrono::seconds(1'795'000'000)) + std::chrono::days(1);
  auto report = tools::audit::audit_store(s, options);
  REQUIRE(report.has_value());
  REQUIRE(report->devices.size() == 1);
  return std::move(*report);
}
#endif

}  // namespace bodycam::tests

// The dock's step 7: what a docking creates in the store becomes leaves of the store log, each once; a log that
// cannot be written is the alarm log_failed, the docking still stores and receipts, and the next docking logs
// what was queued.
#include "tests/common/store/forwarding_backend.hpp"
#include "tests/ingest/dock/dock_test_support.hpp"

#include "common/store_log/log_queue.hpp"
#include "common/store_log/log_reader.hpp"
#include "tests/support/temp_dir.hpp"

#include <algorithm>
#include <atomic>

using namespace bodycam;
using namespace bodycam::common;
using bodycam::tests::camera_fixture;
using bodycam::tests::dock_fixture;
using bodycam::tests::temp_dir;
using ingest::dock::alarm_kind;

namespace {

// Forwards to another backend; while `fail_log` is set, a create under log/ fails with errc::io.
class log_failing_backend final : public bodycam::tests::forwarding_backend {
 public:
  explicit log_failing_backend(store::store_backend& inner) : forwarding_backend(inner) {}
  std::atomic<bool> fail_log{false};
  core::expected<store::create_outcome> create(const store::store_key& key, store::byte_source& source,
                                               const crypto::sha256_digest& sha) override {
    if (fail_log && key.str().starts_with("log/")) return core::fail(core::errc::io, "create " + key.str() + ": injected");
    return forwarding_backend::create(key, source, sha);
  }
};

std::vector<std::string> logged_keys(const store::store_backend& backend) {
  auto newest = store_log::newest_checkpoint(backend);
  REQUIRE(newest);
  if (!*newest) return {};
  auto entries = store_log::read_log_entries(backend, (*newest)->checkpoint.size);
  REQUIRE(entries);
  std::vector<std::string> out;
  for (const auto& e : *entries) {
    auto leaf = store_log::parse_leaf(e);
    REQUIRE(leaf);
    out.push_back(leaf->key);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> stored_keys(const store::store_backend& backend) {
  auto keys = store_log::list_loggable_keys(backend);
  REQUIRE(keys);
  std::vector<std::string> out;
  for (const auto& k : *keys) out.push_back(k.str());
  return out;
}

}  // namespace

TEST_CASE("every item a docking stores is logged once, and a failed append is retried", "[integration]") {
  temp_dir dir;
  camera_fixture cam("cam-1", 1, dir / "cam");
  cam.add_segment(50'000);
  cam.add_segment(7'000);
  dock_fixture dock(dir / "dock");
  dock.enroll(cam);
  auto* failing_ptr = &dock.wrap_store<log_failing_backend>();
  store_log::log_appender appender(*dock.store, {std::string(store_log::default_log_origin), "dock-1", &dock.signer});
  store_log::log_queue queue(appender);
  dock.settings.log = &queue;

  auto first = dock.dock(cam);
  REQUIRE(first);
  REQUIRE(first->log_size.has_value());
  CHECK(first->files_stored == 2);
  const auto after_first = stored_keys(dock.store->backend());
  CHECK(after_first.size() >= 2 + first->records_stored + 2);  // objects, records, the dock's key, the receipt
  CHECK(logged_keys(dock.store->backend()) == after_first);
  CHECK(*first->log_size == after_first.size());
  CHECK(dock.observer.alarms.empty());

  // The log cannot be written: the docking still stores and receipts; the alarm is raised; nothing is dropped.
  cam.add_segment(3'000);
  failing_ptr->fail_log = true;
  auto second = dock.dock(cam);
  REQUIRE(second);
  CHECK(second->files_stored == 1);
  CHECK(second->receipt_end.has_value());
  CHECK(dock.observer.has_alarm(alarm_kind::log_failed));
  CHECK(queue.pending() > 0);
  CHECK(logged_keys(dock.store->backend()) == after_first);

  // The next docking logs what was queued, and its own items, each once.
  failing_ptr->fail_log = false;
  cam.add_segment(2'000);
  auto third = dock.dock(cam);
  REQUIRE(third);
  CHECK(queue.pending() == 0);
  const auto all = stored_keys(dock.store->backend());
  CHECK(all.size() > after_first.size());
  CHECK(logged_keys(dock.store->backend()) == all);
  tests::check_invariants(dock, cam);
}

namespace {

// Forwards to another backend; the first create of `key` fails with errc::io.
class refuses_once final : public bodycam::tests::forwarding_backend {
 public:
  refuses_once(store::store_backend& inner, std::string key) : forwarding_backend(inner), key_(std::move(key)) {}
  core::expected<store::create_outcome> create(const store::store_key& key, store::byte_source& source,
                                               const crypto::sha256_digest& sha) override {
    if (key.str() == key_ && !refused_.exchange(true)) return core::fail(core::errc::io, "create " + key.str() + ": injected");
    return forwarding_backend::create(key, source, sha);
  }

 private:
  std::string key_;
  std::atomic<bool> refused_{false};
};

}  // namespace

TEST_CASE("records are put several at once: one the store refuses does not keep the others it stored from the log",
          "[fault]") {
  temp_dir dir;
  camera_fixture cam("cam-1", 1, dir / "cam");
  for (int i = 0; i < 8; ++i) cam.add_segment(1'000);
  dock_fixture dock(dir / "dock");
  dock.enroll(cam);
  dock.wrap_store<refuses_once>(store::store_key::record(*record::device_id::parse("cam-1"), 2).str());
  store_log::log_appender appender(*dock.store, {std::string(store_log::default_log_origin), "dock-1", &dock.signer});
  store_log::log_queue queue(appender);
  dock.settings.log = &queue;

  auto first = dock.dock(cam);
  REQUIRE_FALSE(first);
  CHECK(dock.observer.has_alarm(alarm_kind::store_failed));
  // Every record the store took in the failed docking is queued for the log, also those after the refused one;
  // and no file was stored, as none may be before the records that name it (dock_session.hpp invariant 5).
  const auto stored_then = stored_keys(dock.store->backend());
  CHECK(queue.pending() == stored_then.size());
  CHECK(std::none_of(stored_then.begin(), stored_then.end(), [](const auto& k) { return k.starts_with("objects/"); }));
  CHECK(stored_then.size() >= 7);  // the records put beside the refused one (8 in all, seq 2 refused)

  auto second = dock.dock(cam);
  if (!second) FAIL(second.error().context);
  CHECK(queue.pending() == 0);
  CHECK(logged_keys(dock.store->backend()) == stored_keys(dock.store->backend()));
  tests::check_invariants(dock, cam);
}

TEST_CASE("a record the store holds past a gap must be the camera's own: a forked chain is refused there",
          "[integration]") {
  temp_dir dir;
  const auto device = *record::device_id::parse("cam-1");
  std::uint64_t gap = 0;  // the first record after the history both cameras share
  {  // that history (its first boot), then closed so that a copy of it can go its own way
    camera_fixture shared("cam-1", 1, dir / "cam");
    gap = shared.record_count();
  }
  std::filesystem::copy(dir / "cam", dir / "fork", std::filesystem::copy_options::recursive);
  camera_fixture cam("cam-1", 1, dir / "cam");  // reopened: each appends records of its own from `gap` on
  for (int i = 0; i < 3; ++i) cam.add_segment(2'000);
  camera_fixture fork("cam-1", 1, dir / "fork");
  for (int i = 0; i < 4; ++i) fork.add_segment(3'000);

  dock_fixture dock(dir / "dock");
  dock.enroll(cam);
  fork.trust_dock("dock-1", dock.signer.public_key());
  // The first docking of `cam` stores its records but the first one after the shared history (a gap there).
  auto seqs_before = dock.store->list_record_seqs(device);
  REQUIRE(seqs_before.has_value());
  REQUIRE(seqs_before->empty());
  dock.wrap_store<refuses_once>(store::store_key::record(device, gap).str());
  REQUIRE_FALSE(dock.dock(cam));
  auto seqs = dock.store->list_record_seqs(device);
  REQUIRE(seqs.has_value());
  REQUIRE(std::find(seqs->begin(), seqs->end(), gap) == seqs->end());
  REQUIRE(std::find(seqs->begin(), seqs->end(), gap + 1) != seqs->end());  // stored past the gap
  const auto stored_then = seqs->size();

  // The fork fills the gap with its own record, and its next one differs from what the store holds there.
  dock.observer.alarms.clear();
  auto r = dock.dock(fork);
  REQUIRE_FALSE(r.has_value());
  CHECK(dock.observer.has_alarm(alarm_kind::chain_forked));
  CHECK(dock.store->list_record_seqs(device)->size() == stored_then);  // nothing of the fork stored
  // The camera itself docks on: the gap filled with its own record, everything receipted.
  auto again = dock.dock(cam);
  if (!again) FAIL(again.error().context);
  CHECK(again->receipt_end.has_value());
  tests::check_invariants(dock, cam);
}

// tools/audit/log_check over small stores built here (no shift): a log no witness cosigned is a gap, a given
// witness's cosignature makes it witnessed, a checkpoint signed by a key that is not a dock's is
// log_bad_signature, a logged object that a retention expiry deleted is not a finding while one deleted without
// it is log_item_missing, and a store without log/ gets a note.
#include "common/store/directory_backend.hpp"
#include "common/store_log/log_appender.hpp"
#include "common/store_log/log_files.hpp"
#include "common/store_log/log_reader.hpp"
#include "common/store_log/reconcile.hpp"
#include "common/tlog/cosignature.hpp"
#include "tests/support/temp_dir.hpp"
#include "tools/audit/log_check.hpp"

#include <filesystem>

#include <catch2/catch.hpp>

using bodycam::tests::temp_dir;
namespace fs = std::filesystem;
namespace store = bodycam::common::store;
namespace crypto = bodycam::common::crypto;
namespace core = bodycam::common::core;
namespace slog = bodycam::common::store_log;
namespace tlog = bodycam::common::tlog;
namespace audit = bodycam::tools::audit;

namespace {

using core::text_bytes;

struct small_store {
  temp_dir dir;
  store::store s = store::open_directory_store(dir.path() / "store", true).value();
  crypto::software_signer dock{crypto::secret_key::generate().value()};
  crypto::sha256_digest object = crypto::sha256(std::string_view("footage"));

  // An object and a receipt-like entry, logged under `signer` as dock-1 (whose key keys/dock-1.pub holds).
  explicit small_store(crypto::signer* signer = nullptr) {
    REQUIRE(s.put_public_key({"dock-1", dock.public_key()}));
    REQUIRE(s.put_object(object, text_bytes("footage")));
    REQUIRE(s.put_entry(store::entry_namespace::receipts, "r1", text_bytes("a receipt")));
    slog::log_appender log(s, {std::string(slog::default_log_origin), "dock-1", signer ? signer : &dock});
    REQUIRE(slog::reconcile(s, log));
  }
};

}  // namespace

TEST_CASE("log_check: unwitnessed is a gap; a given witness's cosignature makes it witnessed", "[unit]") {
  small_store st;
  auto unwitnessed = audit::check_store_log(st.s, {}, {}).value();
  CHECK(unwitnessed.present);
  CHECK(unwitnessed.size == 3);
  CHECK(unwitnessed.signed_by == "dock-1");
  CHECK(unwitnessed.items_checked == 3);
  REQUIRE(unwitnessed.findings.size() == 1);
  CHECK(unwitnessed.findings[0].code == "log_unwitnessed");
  CHECK(unwitnessed.verdict == audit::chain::verdict::authentic_with_gaps);

  crypto::software_signer witness(crypto::secret_key::generate().value());
  auto head = slog::newest_checkpoint(st.s.backend()).value().value();
  auto line = tlog::cosign_checkpoint(tlog::format_checkpoint(head.checkpoint), "w1", witness,
                                      std::chrono::sys_seconds(std::chrono::seconds(1'700'000'000)))
                  .value();
  REQUIRE(
      slog::create_exact(st.s.backend(), slog::cosignature_key(head.checkpoint.size, "w1").value(), text_bytes(line)));
  audit::log_check_options options;
  options.witnesses.push_back({"w1", witness.public_key()});
  auto witnessed = audit::check_store_log(st.s, {}, options).value();
  CHECK(witnessed.findings.empty());
  CHECK(witnessed.witnessed_size == head.checkpoint.size);
  CHECK(witnessed.verdict == audit::chain::verdict::authentic);
  // Another witness key under the same name does not count.
  options.witnesses[0].key = crypto::secret_key::generate().value().public_key();
  auto other = audit::check_store_log(st.s, {}, options).value();
  CHECK_FALSE(other.witnessed_size);
  CHECK(other.verdict == audit::chain::verdict::not_authentic);  // its cosignature does not verify: log_inconsistent
}

TEST_CASE("log_check: a checkpoint signed by a key that is no dock's is log_bad_signature", "[unit]") {
  crypto::software_signer stranger(crypto::secret_key::generate().value());
  small_store st(&stranger);
  auto l = audit::check_store_log(st.s, {}, {}).value();
  CHECK(l.verdict == audit::chain::verdict::not_authentic);
  CHECK(std::any_of(l.findings.begin(), l.findings.end(),
                    [](const audit::log_finding& f) { return f.code == "log_bad_signature"; }));
}

TEST_CASE("log_check: an expired object is not a finding, a deleted one is log_item_missing", "[unit]") {
  small_store st;
  const std::string key = "objects/sha256/" + st.object.to_hex();
  REQUIRE(fs::remove(st.dir.path() / "store" / key));
  auto missing = audit::check_store_log(st.s, {}, {}).value();
  CHECK(std::any_of(missing.findings.begin(), missing.findings.end(),
                    [&](const audit::log_finding& f) { return f.code == "log_item_missing" && f.item == key; }));
  CHECK(missing.verdict == audit::chain::verdict::not_authentic);

  audit::audit_report report;
  audit::device_audit d;
  audit::session_audit session;
  audit::object_audit o;
  o.sha256 = st.object;
  o.state = audit::object_state::expired;
  session.segments.push_back(o);
  d.sessions.push_back(session);
  report.devices.push_back(std::move(d));
  auto expired = audit::check_store_log(st.s, report, {}).value();
  CHECK(expired.items_expired == 1);
  CHECK(expired.verdict == audit::chain::verdict::authentic_with_gaps);  // only log_unwitnessed
}

TEST_CASE("log_check: a store without log/ gets a note and keeps its verdict", "[unit]") {
  temp_dir dir;
  auto s = store::open_directory_store(dir.path() / "store", true).value();
  auto l = audit::check_store_log(s, {}, {}).value();
  CHECK_FALSE(l.present);
  CHECK(l.findings.empty());
  CHECK(l.verdict == audit::chain::verdict::authentic);
  REQUIRE(l.notes.size() == 1);
  CHECK_THAT(l.notes[0], Catch::Contains("this store has no log"));
}

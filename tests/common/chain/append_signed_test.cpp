// append_signed against a real ledger file: the head the ledger reads decides seq and prev_hash, the record
// is signed and stored as returned, rows commit with it, and any failure (signer, rows) leaves the ledger's
// records, files and head as they were.
#include "common/chain/append_signed.hpp"
#include "tests/common/ledger/ledger_test_support.hpp"
#include "tests/support/chain_scenario.hpp"

#include <catch2/catch.hpp>

using namespace bodycam::common;
namespace tl = bodycam::tests::ledger;

namespace {

record::record draft_boot(std::string_view firmware) {
  record::record draft;
  draft.device = record::device_id::parse("cam-7").value();
  draft.boot_counter = 1;
  draft.monotonic = std::chrono::milliseconds(5);
  draft.seq = 999;                   // must be overwritten from the head
  draft.prev_hash.bytes.fill(0xab);  // likewise
  draft.body = record::boot_payload{std::string(firmware), record::shutdown_kind::first_boot};
  return draft;
}

// A signer whose key is unavailable (a secure element that does not answer).
class failing_signer final : public crypto::signer {
 public:
  explicit failing_signer(crypto::public_key key) : key_(key) {}
  [[nodiscard]] crypto::public_key public_key() const override { return key_; }
  [[nodiscard]] core::expected<crypto::signature> sign(core::byte_view) override {
    ++calls;
    return core::fail(core::errc::io, "sign with secure element: not answering");
  }
  int calls = 0;

 private:
  crypto::public_key key_;
};

}  // namespace

TEST_CASE("append_signed: seq and prev_hash follow the ledger's head, and the stored bytes are the record",
          "[integration]") {
  bodycam::tests::temp_dir dir;
  auto l = ledger::open(dir / "ledger.db", tl::test_options()).value();
  crypto::software_signer signer(bodycam::tests::fixed_key(7));

  std::vector<record::signed_record> appended;
  for (int i = 0; i < 3; ++i) {
    const auto before = l.head().value();
    auto r = chain::append_signed(l, draft_boot("v" + std::to_string(i)), signer);
    REQUIRE(r.has_value());
    CHECK(r->body.seq == before.next_seq);
    CHECK(r->body.prev_hash == (before.is_empty() ? crypto::sha256_digest{} : before.last_hash));
    CHECK(l.head().value() == chain::head_after(*r));
    const auto stored = l.record(r->body.seq).value();
    CHECK(stored.bytes == r->bytes);
    CHECK(stored.hash == r->hash);
    CHECK(record::verify_record_signature(*r, signer.public_key()));
    appended.push_back(std::move(*r));
  }
  CHECK(l.record_count().value() == 3);
  CHECK(appended[2].body.prev_hash == appended[1].hash);
  CHECK(appended[1].body.prev_hash == appended[0].hash);
}

TEST_CASE("append_signed: rows passed along commit with the record and see its seq", "[integration]") {
  bodycam::tests::temp_dir dir;
  auto l = ledger::open(dir / "ledger.db", tl::test_options()).value();
  crypto::software_signer signer(bodycam::tests::fixed_key(7));
  REQUIRE(chain::append_signed(l, draft_boot("a"), signer).has_value());
  std::optional<std::uint64_t> seen;
  auto r = chain::append_signed(l, draft_boot("b"), signer, [&](ledger::transaction& tx, std::uint64_t seq) {
    seen = seq;
    return tx.add_file({"s-000000.mp4", ledger::file_kind::segment, "s"});
  });
  REQUIRE(r.has_value());
  REQUIRE(seen.has_value());
  CHECK(*seen == 1);
  CHECK(r->body.seq == 1);
  CHECK(l.file("s-000000.mp4").has_value());
}

TEST_CASE("append_signed: a signer failure leaves the ledger unchanged", "[integration]") {
  bodycam::tests::temp_dir dir;
  const auto path = dir / "ledger.db";
  crypto::software_signer good(bodycam::tests::fixed_key(7));
  {
    auto l = ledger::open(path, tl::test_options()).value();
    REQUIRE(chain::append_signed(l, draft_boot("a"), good).has_value());
    REQUIRE(chain::append_signed(l, draft_boot("b"), good).has_value());
  }
  auto l = ledger::open(path, tl::test_options()).value();
  const auto before = l.head().value();
  REQUIRE(before.next_seq == 2);

  failing_signer bad(good.public_key());
  auto r = chain::append_signed(l, draft_boot("c"), bad, [](ledger::transaction& tx, std::uint64_t) {
    return tx.add_file({"never.mp4", ledger::file_kind::segment, "s"});
  });
  REQUIRE_FALSE(r.has_value());
  CHECK(bad.calls == 1);
  CHECK(r.error().code == core::errc::io);
  CHECK(r.error().context.find("secure element") != std::string::npos);
  CHECK(l.head().value() == before);
  CHECK(l.record_count().value() == 2);
  CHECK(l.file("never.mp4").error().code == core::errc::not_found);
  CHECK(l.integrity_check().has_value());

  // The next good append continues right after the head the failed one saw.
  auto next = chain::append_signed(l, draft_boot("c"), good);
  REQUIRE(next.has_value());
  CHECK(next->body.seq == 2);
  CHECK(next->body.prev_hash == before.last_hash);
}

TEST_CASE("append_signed: a failing row step rolls the record back", "[integration]") {
  bodycam::tests::temp_dir dir;
  const auto path = dir / "ledger.db";
  auto l = ledger::open(path, tl::test_options()).value();
  crypto::software_signer signer(bodycam::tests::fixed_key(7));
  REQUIRE(chain::append_signed(l, draft_boot("a"), signer).has_value());
  const auto before = l.head().value();
  auto r = chain::append_signed(l, draft_boot("b"), signer, [](ledger::transaction&, std::uint64_t) -> core::status {
    return core::fail(core::errc::conflict, "seal file x.mp4: not partial");
  });
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == core::errc::conflict);
  CHECK(l.head().value() == before);
  CHECK(l.record_count().value() == 1);
}

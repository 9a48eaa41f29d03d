// The enrollment register's entries and chain (tools/enrollment/enrollment_entry.hpp, enrollment_register.hpp,
// enrollment_store.hpp): canonical bytes, signing, and the attacks on the stored chain, each named for the
// attack and asserting the exact finding.
#include "common/core/hex.hpp"
#include "common/store/memory_backend.hpp"
#include "tools/enrollment/enrollment_register.hpp"
#include "tools/enrollment/enrollment_store.hpp"

#include <catch2/catch.hpp>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace enrollment_register_test {

namespace en = bodycam::tools::enrollment;
namespace crypto = bodycam::common::crypto;
namespace core = bodycam::common::core;
namespace record = bodycam::common::record;
namespace store = bodycam::common::store;

namespace {

crypto::software_signer signer_from(std::uint8_t n) {
  std::array<std::uint8_t, 32> seed{};
  seed.fill(n);
  return crypto::software_signer(crypto::secret_key::from_seed(seed).value());
}

record::utc_time at(int hour) { return record::utc_time(std::chrono::hours(24 * 365 * 56 + hour)); }

en::enrollment_entry person(std::string id, crypto::public_key key, en::role role, int hour) {
  en::enrollment_entry e;
  e.kind = en::subject_kind::person;
  e.subject = std::move(id);
  e.subject_key = key;
  e.roles = static_cast<std::uint8_t>(role);
  e.unit = "records";
  e.utc = at(hour);
  e.valid_from = at(hour);
  return e;
}

struct fixture {
  crypto::software_signer root = signer_from(1);
  crypto::software_signer clerk = signer_from(2);
  crypto::software_signer admin = signer_from(3);
  crypto::software_signer dock = signer_from(4);
  store::store s{std::make_unique<store::memory_backend>()};

  fixture() {
    REQUIRE(en::put_store_root(s, root.public_key()));
    REQUIRE(en::append_enrollment(s, root.public_key(), person("admin-1", admin.public_key(), en::role::admin, 1), root));
    REQUIRE(en::append_enrollment(s, root.public_key(), person("clerk-1", clerk.public_key(), en::role::clerk, 2), admin));
    en::enrollment_entry d;
    d.kind = en::subject_kind::dock;
    d.subject = "dock-1";
    d.subject_key = dock.public_key();
    d.utc = at(3);
    d.valid_from = at(3);
    REQUIRE(en::append_enrollment(s, root.public_key(), d, root));
  }
  std::vector<en::stored_item> items() { return en::read_stored_entries(s).value(); }
};

std::vector<std::string> codes(const en::verified_register& r) {
  std::vector<std::string> out;
  for (const auto& f : r.findings) out.push_back(f.code + " " + f.entry);
  return out;
}

}  // namespace

TEST_CASE("enrollment entry: canonical bytes round trip; one encoding; the layout's length") {
  auto signer = signer_from(7);
  auto e = person("clerk-1", signer_from(8).public_key(), en::role::clerk, 5);
  auto signed_entry = en::sign_enrollment_entry(e, signer).value();
  // 2 + 8 + 32 + 8 + 32 + 1 + 1 + (2+7) + 32 + 1 + (2+7) + 8 + 8 + 8 + 2 = 161 bytes, then a 64-byte signature.
  CHECK(en::canonical_bytes(signed_entry.body).size() == 161);
  CHECK(signed_entry.bytes.size() == 161 + 64);
  auto parsed = en::parse_enrollment_entry(signed_entry.bytes).value();
  CHECK(parsed.bytes == signed_entry.bytes);
  CHECK(parsed.hash == signed_entry.hash);
  CHECK(en::verify_enrollment_signature(parsed));
  auto altered = signed_entry.bytes;
  altered[60] ^= 1;  // inside the signer key
  auto reparsed = en::parse_enrollment_entry(altered);
  CHECK((!reparsed || !en::verify_enrollment_signature(*reparsed)));
  CHECK_FALSE(en::parse_enrollment_entry(core::byte_view(signed_entry.bytes).first(100)));
  auto trailing = signed_entry.bytes;
  trailing.insert(trailing.begin() + 161, 0);
  CHECK_FALSE(en::parse_enrollment_entry(trailing));
}

TEST_CASE("enrollment entry: field rules — persons need roles, others have none, until after from") {
  auto signer = signer_from(7);
  auto no_roles = person("clerk-1", signer.public_key(), en::role::clerk, 5);
  no_roles.roles = 0;
  CHECK_FALSE(en::sign_enrollment_entry(no_roles, signer));
  auto camera_with_role = person("cam-1", signer.public_key(), en::role::clerk, 5);
  camera_with_role.kind = en::subject_kind::camera;
  CHECK_FALSE(en::sign_enrollment_entry(camera_with_role, signer));
  auto backwards = person("clerk-1", signer.public_key(), en::role::clerk, 5);
  backwards.valid_until = at(4);
  CHECK_FALSE(en::sign_enrollment_entry(backwards, signer));
}

TEST_CASE("enrollment register: an intact register verifies and grants what it says") {
  fixture f;
  auto reg = en::verify_register(f.root.public_key(), f.items());
  CHECK(reg.is_intact());
  CHECK(codes(reg).empty());
  CHECK(reg.entries.size() == 3);
  CHECK(reg.table.may_sign(f.clerk.public_key(), en::signature_kind::access_entry, at(10)).allowed);
  CHECK(reg.table.may_sign(f.dock.public_key(), en::signature_kind::receipt, at(10)).allowed);
}

TEST_CASE("enrollment register: enrollment_entry_deleted — a middle entry gone is a seq gap; later entries do not count") {
  fixture f;
  auto items = f.items();
  REQUIRE(items.size() == 3);
  items.erase(items.begin() + 1);  // enrollment/1: the clerk
  auto reg = en::verify_register(f.root.public_key(), items);
  CHECK(codes(reg) == std::vector<std::string>{"seq_gap enrollment/1"});
  CHECK_FALSE(reg.table.may_sign(f.dock.public_key(), en::signature_kind::receipt, at(10)).allowed);
  CHECK(reg.table.may_sign(f.admin.public_key(), en::signature_kind::enrollment, at(10)).allowed);
}

TEST_CASE("enrollment register: first_entry_deleted — the gap is named at seq 0") {
  fixture f;
  auto items = f.items();
  items.erase(items.begin());
  auto reg = en::verify_register(f.root.public_key(), items);
  REQUIRE_FALSE(reg.findings.empty());
  CHECK(reg.findings.front().code == "seq_gap");
  CHECK(reg.findings.front().entry == "enrollment/0");
  CHECK(reg.table.grants().empty());
}

TEST_CASE("enrollment register: flip_byte_in_entry — a bad signature; register_under_another_root — nothing counts") {
  fixture f;
  auto items = f.items();
  items[2].bytes[items[2].bytes.size() - 1] ^= 1;  // the signature's last byte
  auto reg = en::verify_register(f.root.public_key(), items);
  CHECK(codes(reg) == std::vector<std::string>{"bad_signature enrollment/2"});
  auto forged_root = signer_from(9);
  auto other = en::verify_register(forged_root.public_key(), f.items());
  CHECK(codes(other) == std::vector<std::string>{"unauthorized_signer enrollment/0", "unauthorized_signer enrollment/1",
                                                 "unauthorized_signer enrollment/2"});
  CHECK(other.table.grants().empty());
}

TEST_CASE("enrollment register: entry_under_wrong_name is misplaced") {
  fixture f;
  auto items = f.items();
  items[2].name = "7";
  auto reg = en::verify_register(f.root.public_key(), items);
  CHECK(codes(reg) == std::vector<std::string>{"misplaced enrollment/7"});
}

TEST_CASE("enrollment store: append refuses a signer that may not enroll, and a register that does not verify") {
  fixture f;
  auto by_clerk = en::append_enrollment(f.s, f.root.public_key(),
                                        person("clerk-2", signer_from(5).public_key(), en::role::clerk, 4), f.clerk);
  REQUIRE_FALSE(by_clerk);
  CHECK(by_clerk.error().code == core::errc::permission);
  CHECK(en::read_stored_entries(f.s).value().size() == 3);  // nothing written
  auto other_root = en::put_store_root(f.s, signer_from(9).public_key());
  REQUIRE_FALSE(other_root);
  CHECK(other_root.error().code == core::errc::conflict);
  auto reg = en::load_register(f.s, signer_from(9).public_key()).value();
  CHECK_FALSE(reg.is_intact());
  CHECK_FALSE(en::append_enrollment(f.s, signer_from(9).public_key(),
                                    person("clerk-2", signer_from(5).public_key(), en::role::clerk, 4),
                                    *std::make_unique<crypto::software_signer>(signer_from(9))));
}

TEST_CASE("enrollment entry: the golden vector of docs/formats/enrollment.md §3.1") {
  auto root = signer_from(1);  // seed 01 01 … 01
  en::enrollment_entry e;
  e.seq = 0;
  e.utc = record::utc_time(std::chrono::seconds(1'796'000'000));  // 2026-11-30T00:53:20Z
  e.kind = en::subject_kind::person;
  e.subject = "clerk-1";
  e.subject_key = signer_from(2).public_key();
  e.roles = 2;  // clerk
  e.unit = "records";
  e.valid_from = e.utc;
  auto s = en::sign_enrollment_entry(e, root).value();
  const std::string canonical_hex = core::to_hex(core::byte_view(s.bytes).first(161));
  CHECK(canonical_hex == 
        "00010000000000000000000000000000000000000000000000000000000000000000000000000000000018ecac7c009a0000"
        "8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c01040007636c65726b2d318139770ea87d17"
        "5f56a35466c34c7ecccb8d8a91b4ee37a25df60f5b8fc9b3940200077265636f72647318ecac7c009a0000000000000000000000000000000000000000");
  CHECK(s.hash.to_hex() == "9031eec41b04d46c13d6e0ee7a62aa8b29c524094f2d36b31216a8cc23bfea32");
  CHECK(s.sig.to_hex() == 
        "ed4b68202d979c087c236f79c8fc63ddd6f1ca21771c037574be12b35b25b03b"
        "ecdc9d8c9c7ea18ba9267ceced20c85a0646ab99942d72d727b83b1e6c907c02");
  auto parsed = en::parse_enrollment_entry(s.bytes).value();
  CHECK(en::verify_enrollment_signature(parsed));
  auto forged = s.bytes;
  forged[forged.size() - 1] ^= 0x80;  // the golden entry with its signature's last byte changed
  CHECK_FALSE(en::verify_enrollment_signature(en::parse_enrollment_entry(forged).value()));
}

}  // namespace enrollment_register_test

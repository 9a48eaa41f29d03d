// The key chest (tools/decryption/footage_key_chest.hpp): no passphrase is read before a file asks for a key
// (C1), the key the file names is the one opened (C2), a file sealed to another agency's key is refused naming
// both sets of key ids, and a wrong passphrase names the sealed key file (C3).
#include "common/crypto/footage_key_file.hpp"
#include "tests/support/temp_dir.hpp"
#include "tools/decryption/footage_key_chest.hpp"

#include <catch2/catch.hpp>

#include <cstring>

using namespace bodycam::common;
namespace fs = std::filesystem;
namespace dec = bodycam::tools::decryption;

namespace {

core::byte_view text_view(std::string_view s) {
  return core::byte_view(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}

crypto::footage_secret_key make_sealed(const fs::path& path, std::string_view passphrase) {
  auto key = crypto::footage_secret_key::generate(crypto::system_random()).value();
  auto sealed = crypto::seal_footage_secret_key(key, "agency", text_view(passphrase), crypto::minimum_kdf_limits(),
                                                crypto::system_random())
                    .value();
  REQUIRE(crypto::write_sealed_footage_key(path, sealed).has_value());
  return key;
}

dec::footage_key_chest::passphrase_source counting(std::string passphrase, int& reads) {
  return [passphrase, &reads]() -> core::expected<crypto::guarded_bytes> {
    ++reads;
    crypto::guarded_bytes out(passphrase.size());
    std::memcpy(out.data(), passphrase.data(), passphrase.size());
    return out;
  };
}

}  // namespace

TEST_CASE("the chest opens the key a file names, once, and only when asked") {
  bodycam::tests::temp_dir dir("chest");
  const auto old_key = make_sealed(dir / "old.sealed", "pass");
  const auto new_key = make_sealed(dir / "new.sealed", "pass");
  int reads = 0;
  dec::footage_key_chest chest(dec::load_footage_key_ring({(dir / "old.sealed").string(), (dir / "new.sealed").string()}, {}).value(),
                               counting("pass", reads));
  CHECK(reads == 0);  // C1: loading the ring reads no passphrase
  const std::vector<crypto::footage_key_id> wants_new{new_key.key_id()};
  auto got = chest.key_for(wants_new, "f1");
  REQUIRE(got.has_value());
  CHECK((*got)->key_id() == new_key.key_id());  // C2
  CHECK(reads == 1);
  auto again = chest.key_for(wants_new, "f2");
  REQUIRE(again.has_value());
  CHECK(*again == *got);
  const std::vector<crypto::footage_key_id> wants_old{old_key.key_id()};
  REQUIRE(chest.key_for(wants_old, "f3").has_value());
  CHECK(reads == 1);  // the passphrase is read once
}

TEST_CASE("another agency's file is refused naming its key ids and the ids held; a wrong passphrase names the key") {
  bodycam::tests::temp_dir dir("chest-refusals");
  const auto ours = make_sealed(dir / "ours.sealed", "right");
  const auto theirs = crypto::footage_secret_key::generate(crypto::system_random()).value();
  int reads = 0;
  dec::footage_key_chest chest(dec::load_footage_key_ring({(dir / "ours.sealed").string()}, {}).value(),
                               counting("wrong", reads));
  const std::vector<crypto::footage_key_id> wants_theirs{theirs.key_id()};
  auto refused = chest.key_for(wants_theirs, "files/cam-0001/x.mp4");
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == core::errc::not_found);
  CHECK(refused.error().context.find(theirs.key_id().to_hex()) != std::string::npos);
  CHECK(refused.error().context.find(ours.key_id().to_hex()) != std::string::npos);
  CHECK(refused.error().context.find("files/cam-0001/x.mp4") != std::string::npos);
  CHECK(reads == 0);  // nothing to open

  const std::vector<crypto::footage_key_id> wants_ours{ours.key_id()};
  auto wrong = chest.key_for(wants_ours, "f");
  REQUIRE_FALSE(wrong.has_value());
  CHECK(wrong.error().code == core::errc::permission);
  CHECK(wrong.error().context.find("ours.sealed") != std::string::npos);
  CHECK(reads == 1);
}

// The agency footage key on disk: sealed with a passphrase, 0600 and checked, public key line, wrong
// passphrase and altered bytes refused.
#include "common/crypto/ed25519.hpp"
#include "common/crypto/footage_key_file.hpp"
#include "tests/common/crypto/footage_test_support.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace footage_key_file_test {

using namespace bodycam::tests::footage;
using bodycam::tests::temp_dir;

namespace {
const std::string passphrase = "correct horse battery staple";
}

TEST_CASE("footage key file: seal, write 0600, load, open with the passphrase") {
  temp_dir dir;
  auto key = crypto::footage_secret_key::generate(crypto::system_random()).value();
  auto sealed = crypto::seal_footage_secret_key(key, "footage-2026", view_of(passphrase), crypto::minimum_kdf_limits(),
                                                crypto::system_random());
  REQUIRE(sealed.has_value());
  REQUIRE(crypto::write_sealed_footage_key(dir / "footage.sealed", *sealed).has_value());
  struct stat st {};
  REQUIRE(::stat((dir / "footage.sealed").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto loaded = crypto::load_sealed_footage_key(dir / "footage.sealed");
  REQUIRE(loaded.has_value());
  CHECK(crypto::sealed_footage_public_key(*loaded).value() == key.public_key());
  auto opened = crypto::open_footage_secret_key(*loaded, view_of(passphrase));
  REQUIRE(opened.has_value());
  CHECK(opened->label == "footage-2026");
  CHECK(opened->key.public_key() == key.public_key());
  CHECK(crypto::equal_constant_time(opened->key.secret(), key.secret()));
  // Never overwritten.
  CHECK(crypto::write_sealed_footage_key(dir / "footage.sealed", *sealed).error().code ==
        core::errc::already_exists);
}

TEST_CASE("footage key file: a group- or other-readable secret file is refused with the chmod") {
  temp_dir dir;
  auto key = fixed_key(1);
  auto sealed = crypto::seal_footage_secret_key(key, "k", view_of(passphrase), crypto::minimum_kdf_limits(),
                                                crypto::system_random()).value();
  REQUIRE(crypto::write_sealed_footage_key(dir / "k.sealed", sealed).has_value());
  for (mode_t mode : {0640u, 0604u, 0644u, 0660u}) {
    REQUIRE(::chmod((dir / "k.sealed").c_str(), mode) == 0);
    auto loaded = crypto::load_sealed_footage_key(dir / "k.sealed");
    REQUIRE_FALSE(loaded.has_value());
    CHECK(loaded.error().code == core::errc::permission);
    CHECK_THAT(loaded.error().context, Catch::Contains("chmod 600") && Catch::Contains("k.sealed"));
  }
  REQUIRE(::chmod((dir / "k.sealed").c_str(), 0400) == 0);
  CHECK(crypto::load_sealed_footage_key(dir / "k.sealed").has_value());
}

TEST_CASE("footage key file: a wrong passphrase is refused") {
  auto key = fixed_key(1);
  auto sealed = crypto::seal_footage_secret_key(key, "k", view_of(passphrase), crypto::minimum_kdf_limits(),
                                                crypto::system_random()).value();
  auto opened = crypto::open_footage_secret_key(sealed, view_of("wrong horse"));
  REQUIRE_FALSE(opened.has_value());
  CHECK(opened.error().code == core::errc::permission);
  CHECK_THAT(opened.error().context, Catch::Contains("wrong passphrase"));
}

TEST_CASE("footage key file: every altered byte is refused, never a wrong key") {
  auto key = fixed_key(1);
  auto sealed = crypto::seal_footage_secret_key(key, "k", view_of(passphrase), crypto::minimum_kdf_limits(),
                                                crypto::system_random()).value();
  std::size_t refused = 0;
  for (std::size_t at = 0; at < sealed.size(); ++at) {
    auto bytes = sealed;
    bytes[at] ^= 0x04;
    INFO("byte " << at);
    auto opened = crypto::open_footage_secret_key(bytes, view_of(passphrase));
    CHECK_FALSE(opened.has_value());
    if (!opened) ++refused;
  }
  CHECK(refused == sealed.size());
}

TEST_CASE("footage key file: crafted limits are refused before any derivation") {
  auto key = fixed_key(1);
  auto sealed = crypto::seal_footage_secret_key(key, "k", view_of(passphrase), crypto::minimum_kdf_limits(),
                                                crypto::system_random()).value();
  // mem_limit field: after magic (23), algorithm (1), ops (8).
  sealed[23 + 1 + 8] = 0x7f;
  auto opened = crypto::open_footage_secret_key(sealed, view_of(passphrase));
  REQUIRE_FALSE(opened.has_value());
  CHECK(opened.error().code == core::errc::malformed);
  CHECK(crypto::seal_footage_secret_key(key, "k", view_of(""), crypto::minimum_kdf_limits(), crypto::system_random())
            .error()
            .code == core::errc::invalid_argument);
}

TEST_CASE("footage public key: the line round-trips and names its key id") {
  temp_dir dir;
  const auto key = fixed_key(1);
  REQUIRE(crypto::write_footage_public_key(dir / "f.pub", {"footage-2026", key.public_key()}).has_value());
  auto loaded = crypto::load_footage_public_key(dir / "f.pub");
  REQUIRE(loaded.has_value());
  CHECK(loaded->label == "footage-2026");
  CHECK(loaded->key == key.public_key());
  CHECK(crypto::parse_footage_public_key("bodycam-public-key-v1 x " + key.public_key().to_hex(), "t").error().code ==
        core::errc::malformed);
}

}  // namespace footage_key_file_test

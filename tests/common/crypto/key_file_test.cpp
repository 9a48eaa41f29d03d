#include "common/crypto/key_file.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace key_file_test {

using namespace bodycam::common;
namespace fs = std::filesystem;
using bodycam::tests::temp_dir;

TEST_CASE("key pair: written 0600/0644, loads back, signs verifiably") {
  temp_dir dir;
  auto key = crypto::secret_key::generate().value();
  REQUIRE(crypto::write_key_pair(dir / "cam-1", "cam-1", key).has_value());
  struct stat st {};
  REQUIRE(::stat((dir / "cam-1.key").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  REQUIRE(::stat((dir / "cam-1.pub").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0644);

  auto loaded = crypto::load_secret_key(dir / "cam-1.key");
  REQUIRE(loaded.has_value());
  CHECK(loaded->label == "cam-1");
  CHECK(loaded->key.public_key() == key.public_key());
  auto pub = crypto::load_public_key(dir / "cam-1.pub");
  REQUIRE(pub.has_value());
  CHECK(pub->key == key.public_key());
  const std::string message = "hello";
  auto sig = loaded->key.sign(core::byte_view(reinterpret_cast<const std::uint8_t*>(message.data()), message.size()));
  CHECK(crypto::verify_signature(pub->key, core::byte_view(reinterpret_cast<const std::uint8_t*>(message.data()), message.size()), sig));
}

TEST_CASE("key pair: never overwrites an existing key") {
  temp_dir dir;
  auto key = crypto::secret_key::generate().value();
  REQUIRE(crypto::write_key_pair(dir / "k", "k", key).has_value());
  auto again = crypto::write_key_pair(dir / "k", "k", crypto::secret_key::generate().value());
  REQUIRE_FALSE(again.has_value());
  CHECK(again.error().code == core::errc::already_exists);
  CHECK(crypto::load_secret_key(dir / "k.key")->key.public_key() == key.public_key());
}

TEST_CASE("secret key readable by others is refused, naming the file and the fix") {
  temp_dir dir;
  REQUIRE(crypto::write_key_pair(dir / "k", "k", crypto::secret_key::generate().value()).has_value());
  ::chmod((dir / "k.key").c_str(), 0644);
  auto loaded = crypto::load_secret_key(dir / "k.key");
  REQUIRE_FALSE(loaded.has_value());
  CHECK(loaded.error().code == core::errc::permission);
  CHECK(loaded.error().context.find("mode 0644") != std::string::npos);
  CHECK(loaded.error().context.find("chmod 600") != std::string::npos);
}

TEST_CASE("malformed key files are refused with the reason") {
  temp_dir dir;
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir / name) << text;
    ::chmod((dir / name).c_str(), 0600);
    return dir / name;
  };
  CHECK(crypto::load_secret_key(write("a", "hello")).error().code == core::errc::malformed);
  CHECK(crypto::load_secret_key(write("b", "bodycam-secret-key-v1 cam-1 abcd\n")).error().context.find("64 hex") !=
        std::string::npos);
  CHECK(crypto::load_secret_key(write("c", "bodycam-secret-key-v1 ../x " + std::string(64, 'a') + "\n"))
            .error()
            .context.find("invalid label") != std::string::npos);
  CHECK(crypto::load_public_key(write("d", "bodycam-public-key-v1 cam-1 zz\n")).error().code == core::errc::malformed);
  CHECK(crypto::load_secret_key(dir / "missing").error().code == core::errc::not_found);
}

}  // namespace key_file_test

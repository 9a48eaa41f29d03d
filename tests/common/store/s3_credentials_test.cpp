// The S3 credentials file: the two keys and nothing else, and never a file others may read.
#include "common/store/s3_credentials.hpp"
#include "tests/support/temp_dir.hpp"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <fstream>

using namespace bodycam::common;

namespace {

std::filesystem::path write_file(const std::filesystem::path& path, std::string_view text, ::mode_t mode) {
  std::ofstream(path) << text;
  REQUIRE(::chmod(path.c_str(), mode) == 0);
  return path;
}

}  // namespace

TEST_CASE("s3 credentials: a 0600 file with both keys is read") {
  bodycam::tests::temp_dir dir;
  const auto path = write_file(dir.path() / "credentials", "access_key_id = \"AK1\"\nsecret_access_key = \"S1\"\n", 0600);
  const auto c = store::load_s3_credentials(path);
  REQUIRE(c);
  CHECK(c->access_key_id == "AK1");
  CHECK(c->secret_access_key == "S1");
}

TEST_CASE("s3 credentials: a file others may read or write is refused before it is read") {
  bodycam::tests::temp_dir dir;
  for (const ::mode_t mode : {0640u, 0604u, 0620u, 0666u}) {
    const auto path = write_file(dir.path() / "credentials", "access_key_id = \"AK1\"\nsecret_access_key = \"S1\"\n", mode);
    const auto c = store::load_s3_credentials(path);
    REQUIRE_FALSE(c);
    CHECK(c.error().code == core::errc::permission);
    CHECK_THAT(c.error().context, Catch::Contains(path.string()));
  }
}

TEST_CASE("s3 credentials: missing, empty, unknown or mistyped keys are malformed, and the secret is not echoed") {
  for (const std::string_view text :
       {"access_key_id = \"AK1\"\n", "secret_access_key = \"TOPSECRET\"\n",
        "access_key_id = \"\"\nsecret_access_key = \"TOPSECRET\"\n",
        "access_key_id = \"AK1\"\nsecret_access_key = \"TOPSECRET\"\nregion = \"x\"\n",
        "access_key_id = 1\nsecret_access_key = \"TOPSECRET\"\n", "access_key_id = \"AK1\nsecret_access_key"}) {
    INFO(text);
    const auto c = store::parse_s3_credentials(text, "creds.toml");
    REQUIRE_FALSE(c);
    CHECK(c.error().code == core::errc::malformed);
    CHECK_THAT(c.error().context, Catch::Contains("creds.toml"));
    CHECK_THAT(c.error().context, !Catch::Contains("TOPSECRET"));
  }
}

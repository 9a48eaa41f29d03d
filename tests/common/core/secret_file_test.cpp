// The secret-file gate: every mode that lets the group or others at a secret is refused with the file, its mode
// and the chmod; a symlink and a folder are refused; a private file opens and reads whole; the size bound holds.
#include "common/core/secret_file.hpp"
#include "tests/support/temp_dir.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include <catch2/catch.hpp>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace secret_file_test {

using namespace bodycam::common;
using bodycam::tests::temp_dir;
namespace fs = std::filesystem;

namespace {

fs::path write_secret(const fs::path& path, const std::string& text, mode_t mode) {
  std::ofstream(path, std::ios::binary) << text;
  REQUIRE(::chmod(path.c_str(), mode) == 0);
  return path;
}

}  // namespace

TEST_CASE("secret_mode_problem: only a regular file with no group or other bits passes") {
  CHECK(core::secret_mode_problem(S_IFREG | 0600).empty());
  CHECK(core::secret_mode_problem(S_IFREG | 0400).empty());
  CHECK(core::secret_mode_problem(S_IFREG | 0700).empty());
  for (const mode_t loose : {0640U, 0620U, 0610U, 0604U, 0602U, 0601U, 0644U, 0666U, 0660U}) {
    INFO("mode " << std::oct << loose);
    const auto problem = core::secret_mode_problem(S_IFREG | loose);
    CHECK_FALSE(problem.empty());
    char octal[8];
    std::snprintf(octal, sizeof octal, "%04o", static_cast<unsigned>(loose));
    CHECK_THAT(problem, Catch::Contains(std::string("mode ") + octal));
  }
  CHECK_THAT(core::secret_mode_problem(S_IFREG | 0640), Catch::Contains("the group"));
  CHECK_THAT(core::secret_mode_problem(S_IFREG | 0604), Catch::Contains("others"));
  CHECK_THAT(core::secret_mode_problem(S_IFREG | 0644), Catch::Contains("group and others"));
  CHECK_FALSE(core::secret_mode_problem(S_IFDIR | 0700).empty());
}

TEST_CASE("open_secret_file refuses a secret others could read, names file, mode and fix; reads a private one") {
  temp_dir dir("bodycam-secret-file");
  const auto good = write_secret(dir / "dock.key", "s3cret\n", 0600);
  auto text = core::read_secret_file(good, "secret key file", 64);
  REQUIRE(text.has_value());
  CHECK(*text == "s3cret\n");

  const auto loose = write_secret(dir / "loose.key", "s3cret\n", 0640);
  for (int i = 0; i < 2; ++i) {
    const auto refused = i == 0 ? core::open_secret_file(loose, "secret key file").error()
                                : core::check_secret_file(loose, "secret key file").error();
    CHECK(refused.code == core::errc::permission);
    CHECK_THAT(refused.context, Catch::Contains("secret key file " + loose.string()) &&
                                    Catch::Contains("mode 0640") && Catch::Contains("chmod 600 " + loose.string()));
  }

  SECTION("a symlink to a private secret is refused, not followed") {
    fs::create_symlink(good, dir / "link.key");
    const auto r = core::open_secret_file(dir / "link.key", "cookie key");
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == core::errc::permission);
    CHECK_THAT(r.error().context, Catch::Contains("symbolic link"));
  }
  SECTION("a folder is refused") {
    fs::create_directory(dir / "folder");
    REQUIRE(::chmod((dir / "folder").c_str(), 0700) == 0);
    const auto r = core::open_secret_file(dir / "folder", "TLS key");
    REQUIRE_FALSE(r.has_value());
    CHECK_THAT(r.error().context, Catch::Contains("not a regular file"));
  }
  SECTION("a missing file is not_found, naming it") {
    const auto r = core::open_secret_file(dir / "absent.key", "S3 credentials");
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == core::errc::not_found);
    CHECK_THAT(r.error().context, Catch::Contains("S3 credentials " + (dir / "absent.key").string()));
  }
  SECTION("a file over the bound is refused, never truncated") {
    const auto big = write_secret(dir / "big.key", std::string(65, 'x'), 0600);
    const auto r = core::read_secret_file(big, "cookie key", 64);
    REQUIRE_FALSE(r.has_value());
    CHECK_THAT(r.error().context, Catch::Contains("larger than 64 bytes"));
    CHECK(core::read_secret_file(big, "cookie key", 65).value().size() == 65);
  }
}

}  // namespace secret_file_test

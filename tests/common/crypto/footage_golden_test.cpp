// The golden vector of docs/formats/encrypted-footage.md §7: fixed keys and the deterministic test generator
// give the same bytes on every build; any drift in the format fails here. The file in golden/ is the
// reference an independent implementation decrypts: independent_footage_reader.py, written from the format
// page alone, reads it here (Debian's python3 with python3-cryptography; without them the test fails).
#include "common/core/hex.hpp"
#include "tests/common/crypto/footage_test_support.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace footage_golden_test {

using namespace bodycam::tests::footage;

namespace {

std::string read_golden_hex() {
  std::ifstream in(std::string(BODYCAM_SOURCE_DIR) + "/tests/common/crypto/golden/encrypted-footage-v1.hex");
  std::stringstream s;
  s << in.rdbuf();
  std::string hex;
  for (char c : s.str())
    if (c != '\n' && c != ' ') hex += c;
  return hex;
}

const std::vector<std::string> golden_fragments = {"bodycam fragment 0", "bodycam fragment 1"};

written_file golden_file() {
  // Agency key: secret bytes 01 02 .. 20; escrow key: 65 66 .. 84; generator seed 1.
  return write_file(golden_fragments, {fixed_key(0x01).public_key(), fixed_key(0x65).public_key()},
                    crypto::deterministic_random_for_tests(1));
}

}  // namespace

TEST_CASE("footage golden vector: the writer reproduces the reference bytes") {
  const auto file = golden_file();
  const std::string expected = read_golden_hex();
  REQUIRE_FALSE(expected.empty());
  const std::string actual = core::to_hex(file.bytes);
  if (actual != expected) {
    std::ofstream(std::string(BODYCAM_BINARY_DIR) + "/encrypted-footage-v1.actual.hex") << actual << "\n";
  }
  CHECK(actual == expected);
  CHECK(file.bytes.size() == 18 + 2 * 88 + 24 + 32 + (4 + 18 + 17) * 2 + (4 + 17));
}

TEST_CASE("footage golden vector: both recipients decrypt the reference file") {
  const std::string hex = read_golden_hex();
  const auto bytes = core::parse_hex(hex, hex.size() / 2, "golden").value_or(core::byte_buffer{});
  REQUIRE_FALSE(bytes.empty());
  for (std::uint8_t fill : {std::uint8_t{0x01}, std::uint8_t{0x65}}) {
    const auto key = fixed_key(fill);
    crypto::memory_source source(bytes);
    const auto s = crypto::salvage_footage(source, std::span(&key, 1), "golden");
    CHECK_FALSE(s.stopped.has_value());
    REQUIRE(s.fragments.size() == 2);
    CHECK(text_of(s.fragments[0]) == golden_fragments[0]);
    CHECK(text_of(s.fragments[1]) == golden_fragments[1]);
  }
}

TEST_CASE("footage golden vector: the key ids are the first 8 bytes of SHA-256 of the public keys") {
  const auto agency = fixed_key(0x01);
  const auto digest = crypto::sha256(core::byte_view(agency.public_key().bytes)).to_hex();
  CHECK(agency.key_id().to_hex() == digest.substr(0, 16));
}

TEST_CASE("footage golden vector: the independent Python reader agrees, complete, cut and tampered") {
  const std::string script = std::string(BODYCAM_SOURCE_DIR) + "/tests/common/crypto/independent_footage_reader.py";
  const std::string hex = read_golden_hex();
  const auto bytes = core::parse_hex(hex, hex.size() / 2, "golden").value_or(core::byte_buffer{});
  REQUIRE(bytes.size() == 349);
  bodycam::tests::temp_dir dir;
  auto run = [&](const std::string& name, core::byte_view file, const crypto::footage_secret_key& key) {
    std::ofstream(dir / name, std::ios::binary)
        .write(reinterpret_cast<const char*>(file.data()), static_cast<std::streamsize>(file.size()));
    auto r = bodycam::tests::run_process({"/usr/bin/python3", script, (dir / name).string(), core::to_hex(key.secret())},
                                         std::chrono::seconds(60));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return r.out;
  };
  const std::string f0 = core::to_hex(view_of(golden_fragments[0]));
  const std::string f1 = core::to_hex(view_of(golden_fragments[1]));
  CHECK(run("whole", bytes, fixed_key(0x01)) == f0 + "\n" + f1 + "\ncomplete\n");
  CHECK(run("whole", bytes, fixed_key(0x65)) == f0 + "\n" + f1 + "\ncomplete\n");
  CHECK(run("whole", bytes, fixed_key(0x30)) == "not_for_this_key\n");
  // Cut inside message 1: fragment 0, then truncated, as our reader says.
  CHECK(run("cut", core::byte_view(bytes.data(), 250 + 39 + 20), fixed_key(0x01)) == f0 + "\ntruncated\n");
  auto tampered = bytes;
  tampered[250 + 39 + 4 + 5] ^= 0x01;
  CHECK(run("tampered", tampered, fixed_key(0x01)) == f0 + "\ntampered_message\n");
  auto swapped = bytes;
  std::swap_ranges(swapped.begin() + 18, swapped.begin() + 18 + 88, swapped.begin() + 18 + 88);
  CHECK(run("swapped", swapped, fixed_key(0x01)) == "header_mismatch\n");
}

}  // namespace footage_golden_test

// `bodycam agency footage-key new` and `bodycam decrypt` as the key holder runs them: a key made, a file
// encrypted to its public key, decrypted whole; a power-cut file refused, then salvaged; a tampered file, a
// readable key file and a wrong passphrase refused with nothing written.
#include "common/crypto/footage_key_file.hpp"
#include "common/crypto/footage_writer.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>

namespace fs = std::filesystem;
namespace crypto = bodycam::common::crypto;
namespace core = bodycam::common::core;
using bodycam::tests::run_bodycam;

namespace {

void write_text(const fs::path& path, const std::string& text, mode_t mode) {
  std::ofstream(path, std::ios::binary) << text;
  REQUIRE(::chmod(path.c_str(), mode) == 0);
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

core::byte_buffer encrypt(const crypto::footage_public_key& key, const std::vector<std::string>& fragments,
                          std::vector<crypto::written_message>& messages) {
  crypto::memory_sink sink;
  std::vector<crypto::footage_public_key> recipients{key};
  auto writer = crypto::footage_writer::start(sink, recipients, crypto::system_random()).value();
  for (const auto& f : fragments)
    messages.push_back(
        writer.append_fragment(core::byte_view(reinterpret_cast<const std::uint8_t*>(f.data()), f.size())).value());
  REQUIRE(writer.finish().has_value());
  return sink.bytes();
}

void write_bytes(const fs::path& path, core::byte_view bytes) {
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                              static_cast<std::streamsize>(bytes.size()));
}

}  // namespace

TEST_CASE("decrypt: a footage key made by the verb decrypts, salvages and refuses as documented", "[e2e]") {
  bodycam::tests::temp_dir dir;
  write_text(dir / "pass", "a long agency passphrase\n", 0600);
  auto made = run_bodycam({"agency", "footage-key", "new", "--out", (dir / "keys").string(), "--label", "footage-2026",
                           "--passphrase-file", (dir / "pass").string()});
  INFO(made.out << made.err);
  REQUIRE(made.exit_code == 0);
  fs::path sealed, pub;
  for (const auto& entry : fs::directory_iterator(dir / "keys")) {
    if (entry.path().extension() == ".sealed") sealed = entry.path();
    if (entry.path().extension() == ".pub") pub = entry.path();
  }
  REQUIRE_FALSE(sealed.empty());
  REQUIRE_FALSE(pub.empty());
  struct stat st {};
  REQUIRE(::stat(sealed.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  const auto public_key = crypto::load_footage_public_key(pub).value();
  CHECK(public_key.label == "footage-2026");
  CHECK(sealed.filename().string() == "footage-" + public_key.key.key_id().to_hex() + ".sealed");
  CHECK_THAT(made.out, Catch::Contains(public_key.key.key_id().to_hex()));

  const std::vector<std::string> fragments = {"first fragment ", "second fragment ", "third fragment"};
  std::vector<crypto::written_message> messages;
  const auto file = encrypt(public_key.key, fragments, messages);
  write_bytes(dir / "seg.enc", file);
  const std::vector<std::string> key_args = {"--footage-key", sealed.string(), "--passphrase-file",
                                             (dir / "pass").string()};
  auto decrypt = [&](const std::string& input, const std::string& out, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"decrypt", (dir / input).string(), "--out", (dir / out).string()};
    args.insert(args.end(), key_args.begin(), key_args.end());
    args.insert(args.end(), extra.begin(), extra.end());
    return run_bodycam(args);
  };

  SECTION("complete file: plain bytes, 0600, plaintext SHA-256 printed; never overwritten") {
    auto r = decrypt("seg.enc", "seg.mp4");
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(read_text(dir / "seg.mp4") == fragments[0] + fragments[1] + fragments[2]);
    REQUIRE(::stat((dir / "seg.mp4").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK_THAT(r.out, Catch::Contains(crypto::sha256(std::string_view(fragments[0] + fragments[1] + fragments[2])).to_hex()));
    auto again = decrypt("seg.enc", "seg.mp4");
    CHECK(again.exit_code == 3);
    CHECK(read_text(dir / "seg.mp4") == fragments[0] + fragments[1] + fragments[2]);
  }
  SECTION("power cut inside the last fragment: refused without --salvage, two fragments with it") {
    write_bytes(dir / "cut.enc", core::byte_view(file.data(), messages[2].offset + 10));
    auto strict = decrypt("cut.enc", "cut.mp4");
    INFO(strict.out << strict.err);
    CHECK(strict.exit_code == 1);
    CHECK_THAT(strict.err, Catch::Contains("truncated") && Catch::Contains("--salvage"));
    CHECK_FALSE(fs::exists(dir / "cut.mp4"));
    auto salvaged = decrypt("cut.enc", "cut.mp4", {"--salvage"});
    INFO(salvaged.out << salvaged.err);
    CHECK(salvaged.exit_code == 1);
    CHECK(read_text(dir / "cut.mp4") == fragments[0] + fragments[1]);
  }
  SECTION("flip_byte_in_fragment: exit 2 naming message 1, nothing written") {
    auto tampered = file;
    tampered[messages[1].offset + 9] ^= 0x10;
    write_bytes(dir / "bad.enc", tampered);
    auto r = decrypt("bad.enc", "bad.mp4");
    INFO(r.out << r.err);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("tampered_message") && Catch::Contains("message 1"));
    CHECK_FALSE(fs::exists(dir / "bad.mp4"));
    CHECK_FALSE(fs::exists(dir / ".bad.mp4.partial"));
  }
  SECTION("a key file readable by the group is refused with the chmod") {
    REQUIRE(::chmod(sealed.c_str(), 0640) == 0);
    auto r = decrypt("seg.enc", "seg.mp4");
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("chmod 600"));
    CHECK_FALSE(fs::exists(dir / "seg.mp4"));
  }
  SECTION("a wrong passphrase is refused") {
    write_text(dir / "pass", "not the passphrase\n", 0600);
    auto r = decrypt("seg.enc", "seg.mp4");
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("wrong passphrase"));
    CHECK_FALSE(fs::exists(dir / "seg.mp4"));
  }
}

TEST_CASE("footage-key rotation: a second key has a new id; decrypt picks each file's key from a folder or --key "
          "options, each with its own passphrase; a file sealed to a key not held is named",
          "[e2e]") {
  bodycam::tests::temp_dir dir;
  write_text(dir / "pass-2025", "the passphrase of the old key\n", 0600);
  write_text(dir / "pass-2026", "the passphrase of the new key\n", 0600);
  // Each key in a folder of its own first, to tell their files apart; then both in one key folder.
  std::map<std::string, crypto::labelled_footage_public_key> pubs;
  std::map<std::string, fs::path> sealed;
  for (const std::string year : {"2025", "2026"}) {
    auto made = run_bodycam({"agency", "footage-key", "new", "--out", (dir / ("new-" + year)).string(), "--label",
                             "footage-" + year, "--passphrase-file", (dir / ("pass-" + year)).string()});
    INFO(made.out << made.err);
    REQUIRE(made.exit_code == 0);
    fs::create_directories(dir / "keys");
    for (const auto& entry : fs::directory_iterator(dir / ("new-" + year))) {
      const fs::path moved = dir / "keys" / entry.path().filename();
      fs::rename(entry.path(), moved);
      if (moved.extension() == ".pub") pubs[year] = crypto::load_footage_public_key(moved).value();
      if (moved.extension() == ".sealed") sealed[year] = moved;
    }
    REQUIRE(pubs.count(year) == 1);
    REQUIRE(sealed.count(year) == 1);
  }
  CHECK(pubs["2025"].key.key_id() != pubs["2026"].key.key_id());  // a new key, a new id
  CHECK(sealed["2025"] != sealed["2026"]);

  std::vector<crypto::written_message> messages;
  write_bytes(dir / "old.enc", encrypt(pubs["2025"].key, {"recorded ", "in 2025"}, messages));
  write_bytes(dir / "new.enc", encrypt(pubs["2026"].key, {"recorded ", "in 2026"}, messages));
  auto decrypt = [&](const std::string& input, const std::string& out, const std::string& year,
                     std::vector<std::string> keys) {
    std::vector<std::string> args = {"decrypt", (dir / input).string(), "--out", (dir / out).string(),
                                     "--passphrase-file", (dir / ("pass-" + year)).string()};
    args.insert(args.end(), keys.begin(), keys.end());
    return run_bodycam(args);
  };
  const std::vector<std::string> folder = {"--footage-key-dir", (dir / "keys").string()};
  const std::vector<std::string> both = {"--footage-key", sealed["2026"].string(), "--footage-key",
                                         sealed["2025"].string()};
  for (const auto& [name, keys] : {std::pair{std::string("folder"), folder}, std::pair{std::string("both"), both}}) {
    INFO("keys given as " << name);
    auto old_file = decrypt("old.enc", "old-" + name + ".mp4", "2025", keys);
    INFO(old_file.out << old_file.err);
    CHECK(old_file.exit_code == 0);
    CHECK(read_text(dir / ("old-" + name + ".mp4")) == "recorded in 2025");
    CHECK_THAT(old_file.out, Catch::Contains(pubs["2025"].key.key_id().to_hex()));
    auto new_file = decrypt("new.enc", "new-" + name + ".mp4", "2026", keys);
    INFO(new_file.out << new_file.err);
    CHECK(new_file.exit_code == 0);
    CHECK(read_text(dir / ("new-" + name + ".mp4")) == "recorded in 2026");
    CHECK_THAT(new_file.out, Catch::Contains(pubs["2026"].key.key_id().to_hex()));
  }
  SECTION("a file sealed to a key that is not given: exit 3 naming the id it wants, nothing written") {
    auto r = decrypt("old.enc", "old.mp4", "2025", {"--footage-key", sealed["2026"].string()});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains(pubs["2025"].key.key_id().to_hex()) &&
                          Catch::Contains(pubs["2026"].key.key_id().to_hex()));
    CHECK_FALSE(fs::exists(dir / "old.mp4"));
  }
  SECTION("no key at all is refused") {
    auto r = decrypt("old.enc", "old.mp4", "2025", {});
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("--footage-key-dir"));
    CHECK_FALSE(fs::exists(dir / "old.mp4"));
  }
}

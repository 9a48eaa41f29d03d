// Go interop: Go's own sumdb code (golang.org/x/mod/sumdb/note and tlog, from Debian, built offline) checks a log
// bodycam wrote — checkpoint signature, every tile, entry bundles, inclusion and consistency proofs — and
// bodycam checks a log Go wrote. Without `go` on PATH this test fails: the interop claim would be unchecked.
#include "common/tlog/base64.hpp"
#include "common/tlog/checkpoint.hpp"
#include "common/tlog/note.hpp"
#include "common/tlog/proof.hpp"
#include "common/tlog/tile_builder.hpp"
#include "tests/support/files.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <sstream>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace interop_test {

using namespace bodycam::common;
using namespace bodycam::common::tlog;
namespace fs = std::filesystem;

namespace {

class dir_tile_source final : public tile_source {
 public:
  explicit dir_tile_source(fs::path dir) : dir_(std::move(dir)) {}
  core::expected<core::byte_buffer> read_tile(const tile& t) override {
    const auto p = dir_ / tile_path(t);
    if (!fs::exists(p)) return core::fail(core::errc::not_found, "read tile " + p.string() + ": no such file");
    const auto s = bodycam::tests::slurp(p);
    return core::byte_buffer(s.begin(), s.end());
  }

 private:
  fs::path dir_;
};

std::string as_string(core::byte_view b) { return {b.begin(), b.end()}; }

core::byte_buffer entry(std::string_view prefix, std::size_t i) {
  const std::string s = std::string(prefix) + std::to_string(i);
  return {s.begin(), s.end()};
}

std::string proof_line(std::string_view kind, std::uint64_t a, std::uint64_t b, const proof& p) {
  std::string line = std::string(kind) + " " + std::to_string(a) + " " + std::to_string(b);
  for (const auto& h : p) line += " " + encode_base64(h.bytes);
  return line + "\n";
}

std::vector<std::string> split_words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// Builds the checker with the Debian Go toolchain, offline; REQUIREs success.
std::string build_checker(const bodycam::tests::temp_dir& tmp) {
  const auto go_version = bodycam::tests::run_process({"go", "version"}, std::chrono::seconds(30));
  INFO("`go version`: " << go_version.out << go_version.err);
  REQUIRE(go_version.exit_code == 0);  // apt-get install golang-go golang-golang-x-mod-dev (scripts/install-deps)
  const auto checker = (tmp / "checker").string();
  const auto built = bodycam::tests::run_process(
      {"env", "GO111MODULE=off", "GOPATH=/usr/share/gocode", "GOCACHE=" + (tmp / "gocache").string(), "GOFLAGS=",
       "GOPROXY=off", "GOTOOLCHAIN=local", "CGO_ENABLED=0", "go", "build", "-o", checker,
       std::string(BODYCAM_SOURCE_DIR) + "/tests/common/tlog/interop/checker.go"},
      std::chrono::seconds(300));
  INFO("go build: " << built.out << built.err);
  REQUIRE(built.exit_code == 0);
  return checker;
}

}  // namespace

TEST_CASE("Go's sumdb verifies a bodycam log, and bodycam verifies a Go log", "[integration]") {
  bodycam::tests::temp_dir tmp("bodycam-tlog-interop");
  const auto checker = build_checker(tmp);

  // --- bodycam writes: 100 leaves, a checkpoint, 200 more leaves, a checkpoint, proofs.
  const fs::path ours = tmp / "ours";
  fs::create_directories(ours);
  const std::string origin = "store.agency.example/log";
  std::array<std::uint8_t, 32> seed{};
  seed.fill(0x5c);
  crypto::software_signer key(crypto::secret_key::from_seed(seed).value());
  const auto vkey = make_note_verifier(origin, key_type::ed25519, key.public_key()).value();
  memory_tile_store tiles;
  tree_edge edge;
  hash new_root;
  for (const std::size_t size : {std::size_t{100}, std::size_t{300}}) {
    std::vector<core::byte_buffer> entries;
    for (std::size_t i = edge.tree_size; i < size; ++i) entries.push_back(entry("bodycam leaf ", i));
    auto batch = build_tiles(edge, entries).value();
    for (const auto& w : batch.writes) REQUIRE(tiles.write(w.path, w.data));
    edge = batch.edge;
    const auto note = sign_note(format_checkpoint({origin, size, batch.root, {}}), origin, key).value();
    bodycam::tests::write_text(ours / (size == 100 ? "old-checkpoint" : "checkpoint"), note);
    new_root = batch.root;
  }
  for (const auto& [path, data] : tiles.files()) {
    fs::create_directories((ours / path).parent_path());
    bodycam::tests::write_text(ours / path, as_string(data));
  }
  bodycam::tests::write_text(ours / "vkey", format_verifier_key(vkey) + "\n");
  tile_hash_reader reader(300, tiles, new_root);
  std::string proofs;
  const std::vector<std::uint64_t> leaves{0, 1, 99, 100, 255, 256, 299};
  for (const auto i : leaves) proofs += proof_line("inclusion", i, 300, prove_inclusion(300, i, reader).value());
  proofs += proof_line("consistency", 100, 300, prove_consistency(300, 100, reader).value());
  bodycam::tests::write_text(ours / "proofs", proofs);

  const auto verified = bodycam::tests::run_process({checker, "verify", ours.string()}, std::chrono::seconds(60));
  INFO("checker verify: " << verified.out << verified.err);
  REQUIRE(verified.exit_code == 0);
  CHECK(verified.out == "ok size=300 tiles=" + std::to_string(tiles_for_size(300).size()) +
                            " inclusion=7 consistency=1 origin=" + origin + "\n");

  // The checker really checks: one flipped bit in a tile, and it refuses.
  {
    auto tampered = tiles.files().at("tile/0/000");
    tampered[40] ^= 0x01;
    bodycam::tests::write_text(ours / "tile/0/000", as_string(tampered));
    const auto refused = bodycam::tests::run_process({checker, "verify", ours.string()}, std::chrono::seconds(60));
    CHECK(refused.exit_code == 1);
    CHECK(refused.err.find("tile/0/000 differs") != std::string::npos);
  }

  // --- Go writes: 300 leaves "go leaf <i>", checkpoints at 100 and 300, proofs, its own key.
  const fs::path theirs = tmp / "theirs";
  const auto made = bodycam::tests::run_process({checker, "make", theirs.string(), "300", "100"}, std::chrono::seconds(60));
  INFO("checker make: " << made.out << made.err);
  REQUIRE(made.exit_code == 0);
  auto go_key = bodycam::tests::slurp(theirs / "vkey");
  go_key.pop_back();
  const note_verifier go_verifier[] = {parse_verifier_key(go_key).value()};
  auto go_skey = bodycam::tests::slurp(theirs / "skey");
  go_skey.pop_back();
  CHECK(parse_signer_key(go_skey).value().key.public_key() == go_verifier[0].key);

  const auto go_new = parse_checkpoint(open_note(bodycam::tests::slurp(theirs / "checkpoint"), go_verifier).value().text).value();
  const auto go_old = parse_checkpoint(open_note(bodycam::tests::slurp(theirs / "old-checkpoint"), go_verifier).value().text).value();
  CHECK(go_new.origin == "go.example/log");
  REQUIRE(go_new.size == 300);
  REQUIRE(go_old.size == 100);

  dir_tile_source go_tiles(theirs);
  tile_hash_reader go_reader(300, go_tiles, go_new.root);
  CHECK(tree_hash(300, go_reader).value() == go_new.root);
  // Our builder over the same entries writes exactly Go's files.
  std::vector<core::byte_buffer> go_entries;
  for (std::size_t i = 0; i < 300; ++i) go_entries.push_back(entry("go leaf ", i));
  const auto same = build_tiles(tree_edge{}, go_entries).value();
  CHECK(same.root == go_new.root);
  std::size_t compared = 0;
  for (const auto& w : same.writes) {
    INFO(w.path);
    CHECK(bodycam::tests::slurp(theirs / w.path) == as_string(w.data));
    ++compared;
  }
  // tile/0/000, tile/0/001.p/44, tile/1/000.p/1, tile/entries/000, tile/entries/001.p/44: and Go wrote no other.
  CHECK(compared == 5);
  std::size_t go_files = 0;
  for (const auto& f : fs::recursive_directory_iterator(theirs / "tile")) go_files += f.is_regular_file() ? 1U : 0U;
  CHECK(go_files == 5);
  std::size_t incl = 0, cons = 0;
  std::istringstream lines(bodycam::tests::slurp(theirs / "proofs"));
  for (std::string line; std::getline(lines, line);) {
    const auto w = split_words(line);
    REQUIRE(w.size() >= 3);
    proof p;
    for (std::size_t i = 3; i < w.size(); ++i) {
      const auto raw = decode_base64(w[i], "proof hash").value();
      REQUIRE(raw.size() == 32);
      hash h;
      std::copy(raw.begin(), raw.end(), h.bytes.begin());
      p.push_back(h);
    }
    const auto a = std::stoull(w[1]), b = std::stoull(w[2]);
    if (w[0] == "inclusion") {
      INFO(line);
      CHECK(verify_inclusion(p, b, go_new.root, a, leaf_hash(go_entries[a])));
      CHECK(prove_inclusion(b, a, go_reader).value() == p);
      ++incl;
    } else {
      REQUIRE(w[0] == "consistency");
      CHECK(verify_consistency(p, a, go_old.root, b, go_new.root));
      CHECK(prove_consistency(b, a, go_reader).value() == p);
      ++cons;
    }
  }
  CHECK(incl == 6);
  CHECK(cons == 1);
}

}  // namespace interop_test

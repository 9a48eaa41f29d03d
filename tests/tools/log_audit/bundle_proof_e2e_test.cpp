// Store-log proofs in court bundles and the log in `bodycam verify STORE`, on the real simulated shift
// (simulated_shift.hpp): a bundle exported after the dock logged and the witness cosigned verifies with the witness
// required; a bundle whose checkpoint and proofs come from another log (another key, or the same key over other
// content), a proof for a changed file and a forged cosignature are not authentic, naming what is wrong; a bundle
// exported before the dock logged an item says so and is never authentic without gaps; `verify STORE` finds a
// deleted access entry as the audit does; and an export given the log key logs its access entries at once.
#include "common/core/durable_file.hpp"
#include "common/crypto/key_file.hpp"
#include "common/crypto/sha256.hpp"
#include "common/store/directory_backend.hpp"
#include "common/store_log/leaf.hpp"
#include "common/store_log/log_appender.hpp"
#include "common/store_log/log_files.hpp"
#include "common/store_log/log_reader.hpp"
#include "common/tlog/note.hpp"
#include "common/tlog/proof.hpp"
#include "common/tlog/tile.hpp"
#include "tests/tools/log_audit/simulated_shift.hpp"

#include <array>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <catch2/catch.hpp>

namespace fs = std::filesystem;
namespace store = bodycam::common::store;
namespace crypto = bodycam::common::crypto;
namespace core = bodycam::common::core;
namespace slog = bodycam::common::store_log;
namespace tlog = bodycam::common::tlog;
using namespace bodycam::tests::log_audit;

namespace {

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Replaces a bundle file and its SHA256SUMS line, as an attacker who rewrites the list too would.
void replace_in_bundle(const fs::path& bundle, const std::string& path, const std::string& bytes) {
  const fs::path target = bundle / path;
  fs::remove(target);
  {
    std::ofstream out(target, std::ios::binary);
    out << bytes;
  }
  const auto digest =
      crypto::sha256(core::byte_view(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size())).to_hex();
  std::istringstream sums(read_text(bundle / "SHA256SUMS"));
  std::string line, rewritten;
  bool found = false;
  while (std::getline(sums, line)) {
    if (line.size() > 66 && line.substr(66) == path) {
      line = digest + "  " + path;
      found = true;
    }
    rewritten += line + "\n";
  }
  REQUIRE(found);
  fs::remove(bundle / "SHA256SUMS");
  std::ofstream(bundle / "SHA256SUMS", std::ios::binary) << rewritten;
}

// An export of the shift's session from `store_dir` into `out`.
bodycam::tests::process_result export_session(const shift& sh, const fs::path& store_dir, const fs::path& out,
                                              std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"export", store_dir.string(), "--out", out.string(), "--session", sh.session,
                                "--clerk-key", (sh.out / "keys/clerk-demo.key").string(), "--department", "records",
                                "--reference", "CASE-LOG"};
  args.insert(args.end(), extra.begin(), extra.end());
  return cli(args);
}

std::string witness_pub(const shift& sh) { return (sh.out / "witness/witness-1.pub").string(); }

// Rebuilds the store's log/ from `entries` with `key` under the name dock-0001 (no cosignatures).
void rebuild_log(const fs::path& store_dir, const std::vector<core::byte_buffer>& entries, crypto::secret_key key) {
  REQUIRE(fs::remove_all(store_dir / "log") > 0);
  auto s = store::open_directory_store(store_dir.string(), false).value();
  crypto::software_signer dock(std::move(key));
  slog::log_appender log(s, {std::string(slog::default_log_origin), "dock-0001", &dock});
  REQUIRE(log.append(entries).ok());
}

std::vector<core::byte_buffer> logged_entries(const fs::path& store_dir) {
  auto s = store::open_directory_store(store_dir.string(), false).value();
  auto newest = slog::newest_checkpoint(s.backend()).value().value();
  return slog::read_log_entries(s.backend(), newest.checkpoint.size).value();
}

// True if one line of `out` holds both `a` and `b` (a finding and the file it names).
bool has_line(const std::string& out, const std::string& a, const std::string& b) {
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line))
    if (line.find(a) != std::string::npos && line.find(b) != std::string::npos) return true;
  return false;
}

std::string record_path(const shift& sh) { return "records/" + sh.device + "/" + std::to_string(sh.last_seq); }

}  // namespace

TEST_CASE("good bundle: every item proven in the witnessed checkpoint, verified with the witness required", "[e2e]") {
  const auto& sh = the_shift();
  attacked_store a(sh);
  const fs::path bundle = a.dir.path() / "bundle";
  auto exported = export_session(sh, a.path, bundle);
  INFO(exported.out << exported.err);
  REQUIRE(exported.exit_code == 0);
  CHECK_THAT(exported.out, Catch::Contains("cosigned by witness-1"));
  CHECK(exported.out.find("not in the log yet") == std::string::npos);
  REQUIRE(fs::exists(bundle / "log/checkpoint"));
  REQUIRE(fs::exists(bundle / "log/proofs.json"));
  CHECK_THAT(read_text(bundle / "SHA256SUMS"), Catch::Contains("  log/proofs.json\n"));
  CHECK_THAT(read_text(bundle / "manifest.json"), Catch::Contains("\"unlogged\": []"));
  auto verified = cli({"verify", bundle.string(), "--witness", witness_pub(sh)});
  INFO(verified.out);
  CHECK(verified.exit_code == 0);
  CHECK_THAT(verified.out, Catch::Contains("checkpoint cosigned by witness witness-1"));
  CHECK(verified.out.find("Store log: 0 item") == std::string::npos);
  auto json = cli({"verify", bundle.string(), "--witness", witness_pub(sh), "--json"});
  CHECK(json.exit_code == 0);
  CHECK(json.out.find("\"log_") == std::string::npos);
}

TEST_CASE("bundle_proof_from_other_log", "[e2e]") {
  const auto& sh = the_shift();
  attacked_store a(sh);
  const fs::path good = a.dir.path() / "good";
  REQUIRE(export_session(sh, a.path, good).exit_code == 0);
  const auto entries = logged_entries(a.path);
  const std::string victim = record_path(sh);

  SECTION("another log key: the checkpoint does not verify under the bundle's dock key") {
    attacked_store other(sh);
    rebuild_log(other.path, entries, crypto::secret_key::generate().value());
    const fs::path foreign = other.dir.path() / "foreign";
    REQUIRE(export_session(sh, other.path, foreign).exit_code <= 1);
    for (const char* f : {"log/checkpoint", "log/proofs.json"})
      replace_in_bundle(good, f, read_text(foreign / f));
    auto r = cli({"verify", good.string()});
    INFO(r.out);
    CHECK(r.exit_code == 2);
    CHECK(has_line(r.out, "Log bad signature", "[file log/checkpoint]"));
  }
  SECTION("the same key over other content: the leaf names other bytes for the item") {
    attacked_store other(sh);
    std::vector<core::byte_buffer> changed = entries;
    bool replaced = false;
    for (auto& e : changed) {
      auto leaf = slog::parse_leaf(e).value();
      if (leaf.key != victim) continue;
      leaf.sha256 = crypto::sha256(std::string_view("other history"));
      e = slog::encode_leaf(leaf).value();
      replaced = true;
    }
    REQUIRE(replaced);
    rebuild_log(other.path, changed, crypto::load_secret_key(sh.out / "keys/dock-0001.key").value().key);
    const fs::path foreign = other.dir.path() / "foreign";
    REQUIRE(export_session(sh, other.path, foreign).exit_code <= 2);
    for (const char* f : {"log/checkpoint", "log/proofs.json"})
      replace_in_bundle(good, f, read_text(foreign / f));
    auto r = cli({"verify", good.string()});
    INFO(r.out);
    CHECK(r.exit_code == 2);
    CHECK(has_line(r.out, "Log leaf mismatch", "[file " + victim + "]"));
    auto json = cli({"verify", good.string(), "--json"});
    CHECK(json.exit_code == 2);
    CHECK_THAT(json.out, Catch::Contains("\"log_leaf_mismatch\""));
  }
}

TEST_CASE("proof for a changed file", "[e2e]") {
  const auto& sh = the_shift();
  attacked_store a(sh);
  const fs::path bundle = a.dir.path() / "bundle";
  REQUIRE(export_session(sh, a.path, bundle).exit_code == 0);
  std::string file;
  for (const auto& e : fs::directory_iterator(bundle / "files" / sh.device))
    if (e.path().extension() == ".mp4") file = "files/" + sh.device + "/" + e.path().filename().string();
  REQUIRE_FALSE(file.empty());
  std::string bytes = read_text(bundle / file);
  REQUIRE(bytes.size() > 100);
  bytes[60] = static_cast<char>(bytes[60] ^ 0x5a);
  replace_in_bundle(bundle, file, bytes);
  auto r = cli({"verify", bundle.string()});
  INFO(r.out);
  CHECK(r.exit_code == 2);
  CHECK(has_line(r.out, "Log leaf mismatch", "[file " + file + "]"));
}

TEST_CASE("checkpoint with a forged cosignature", "[e2e]") {
  const auto& sh = the_shift();
  attacked_store a(sh);
  const fs::path bundle = a.dir.path() / "bundle";
  REQUIRE(export_session(sh, a.path, bundle).exit_code == 0);
  std::string note = read_text(bundle / "log/checkpoint");
  const auto line = note.find("\xE2\x80\x94 witness-1 ");
  REQUIRE(line != std::string::npos);
  // A character late in the base64 (inside the Ed25519 signature; the key id and time stay).
  const auto at = note.find('\n', line) - 10;
  note[at] = note[at] == 'A' ? 'B' : 'A';
  replace_in_bundle(bundle, "log/checkpoint", note);
  auto r = cli({"verify", bundle.string(), "--witness", witness_pub(sh)});
  INFO(r.out);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out, Catch::Contains("Log bad cosignature"));
  auto json = cli({"verify", bundle.string(), "--witness", witness_pub(sh), "--json"});
  CHECK_THAT(json.out, Catch::Contains("\"log_bad_cosignature\""));
}

TEST_CASE("bundle exported before the dock logged its items", "[e2e]") {
  const auto& sh = the_shift();
  attacked_store a(sh);
  // The dock has not appended the newest record yet: the log holds everything else.
  const std::string victim = record_path(sh);
  std::vector<core::byte_buffer> kept;
  for (auto& e : logged_entries(a.path))
    if (slog::parse_leaf(e).value().key != victim) kept.push_back(e);
  rebuild_log(a.path, kept, crypto::load_secret_key(sh.out / "keys/dock-0001.key").value().key);
  const fs::path bundle = a.dir.path() / "bundle";
  auto exported = export_session(sh, a.path, bundle);
  INFO(exported.out << exported.err);
  REQUIRE(exported.exit_code == 0);
  CHECK_THAT(exported.out, Catch::Contains("not in the log yet"));
  CHECK_THAT(read_text(bundle / "manifest.json"), Catch::Contains("\"" + victim + "\""));
  CHECK(read_text(bundle / "log/proofs.json").find("\"file\": \"" + victim + "\"") == std::string::npos);
  auto r = cli({"verify", bundle.string()});
  INFO(r.out);
  CHECK(r.exit_code == 1);
  CHECK(has_line(r.out, "Log item unlogged", "[file " + victim + "]"));
  // Dropping it from the unlogged list (and resealing) does not make it proven: it becomes a missing proof.
  std::string manifest = read_text(bundle / "manifest.json");
  const auto quoted = manifest.find("\"" + victim + "\"");
  REQUIRE(quoted != std::string::npos);
  manifest.replace(quoted, victim.size() + 2, "\"records/none\"");
  replace_in_bundle(bundle, "manifest.json", manifest);
  auto hidden = cli({"verify", bundle.string()});
  INFO(hidden.out);
  CHECK(hidden.exit_code == 2);
  CHECK_THAT(hidden.out, Catch::Contains("Log proof missing"));
}

TEST_CASE("verify STORE checks the store log as the audit does", "[e2e]") {
  const auto& sh = the_shift();
  attacked_store a(sh);
  auto good = cli({"verify", a.path.string(), "--witness", witness_pub(sh)});
  INFO(good.out);
  CHECK(good.exit_code <= 1);
  CHECK_THAT(good.out, Catch::Contains("cosigned by witness-1"));
  CHECK(good.out.find("NOT AUTHENTIC log_") == std::string::npos);
  const auto entry = newest_in(a.path, "access");
  REQUIRE_FALSE(entry.empty());
  a.remove(entry);
  auto r = cli({"verify", a.path.string()});
  INFO(r.out);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out, Catch::Contains("NOT AUTHENTIC log_item_missing " + entry));
  auto json = cli({"verify", a.path.string(), "--json"});
  CHECK(json.exit_code == 2);
  CHECK_THAT(json.out, Catch::Contains("\"log_item_missing\""));
}

TEST_CASE("export with the log key logs its access entries at once", "[e2e]") {
  const auto& sh = the_shift();
  attacked_store a(sh);
  const fs::path bundle = a.dir.path() / "bundle";
  auto exported = export_session(sh, a.path, bundle, {"--log-key", (sh.out / "keys/dock-0001.key").string()});
  INFO(exported.out << exported.err);
  REQUIRE(exported.exit_code == 0);
  CHECK_THAT(exported.out, Catch::Contains("store log: 2 entries logged"));
  const std::string access = newest_in(a.path, "access");  // this export's outcome entry, the newest
  REQUIRE(access.ends_with(".5"));  // the shift's two exports wrote .0 to .3
  auto s = store::open_directory_store(a.path.string(), false).value();
  auto newest = slog::newest_checkpoint(s.backend()).value().value();
  // The checkpoint is the dock's.
  auto dock = crypto::load_public_key(sh.out / "keys/dock-0001.pub").value();
  const std::array<tlog::note_verifier, 1> keys{
      tlog::make_note_verifier("dock-0001", tlog::key_type::ed25519, dock.key).value()};
  REQUIRE(tlog::open_note(newest.note, keys));
  const auto entries = slog::read_log_entries(s.backend(), newest.checkpoint.size).value();
  std::optional<std::uint64_t> index;
  for (std::uint64_t i = 0; i < entries.size(); ++i)
    if (slog::parse_leaf(entries[i]).value().key == access) index = i;
  REQUIRE(index);
  slog::store_tile_source tiles(s.backend());
  tlog::tile_hash_reader reader(newest.checkpoint.size, tiles, newest.checkpoint.root);
  auto proof = tlog::prove_inclusion(newest.checkpoint.size, *index, reader);
  REQUIRE(proof);
  CHECK(tlog::verify_inclusion(*proof, newest.checkpoint.size, newest.checkpoint.root, *index,
                               tlog::leaf_hash(entries[*index])));
  // A camera's key is no log key: refused before any entry is written.
  auto camera = export_session(sh, a.path, a.dir.path() / "bundle3",
                               {"--log-key", (sh.out / "keys" / (sh.device + ".key")).string()});
  INFO(camera.err);
  CHECK(camera.exit_code == 3);
  CHECK_THAT(camera.err, Catch::Contains("enrolls no dock " + sh.device));
  CHECK(newest_in(a.path, "access") == access);
  CHECK_FALSE(fs::exists(a.dir.path() / "bundle3"));
  // Without the key the export says the dock logs them later.
  auto later = export_session(sh, a.path, a.dir.path() / "bundle2");
  CHECK_THAT(later.out, Catch::Contains("not logged now (no --log-key)"));
}

TEST_CASE("two clerk tools appending to the store log at once serialize", "[e2e]") {
  const auto& sh = the_shift();
  attacked_store a(sh);
  const auto before = logged_entries(a.path).size();
  std::string command;
  for (const char* who : {"clerk-demo", "supervisor-demo"})
    command += bodycam::tests::shell_quote(bodycam::tests::built_program("bodycam")) + " export " +
               bodycam::tests::shell_quote(a.path.string()) + " --out " +
               bodycam::tests::shell_quote((a.dir.path() / who).string()) + " --session " + sh.session +
               " --clerk-key " + bodycam::tests::shell_quote((sh.out / "keys" / (std::string(who) + ".key")).string()) +
               " --department records --reference RACE --log-key " +
               bodycam::tests::shell_quote((sh.out / "keys/dock-0001.key").string()) + " > " +
               bodycam::tests::shell_quote((a.dir.path() / (std::string(who) + ".out")).string()) + " 2>&1 & ";
  auto both = bodycam::tests::run_shell(command + "wait");
  REQUIRE(both.exit_code == 0);
  for (const char* who : {"clerk-demo", "supervisor-demo"}) {
    const auto out = read_text(a.dir.path() / (std::string(who) + ".out"));
    INFO(who << ": " << out);
    CHECK_THAT(out, Catch::Contains("entries logged at leaf"));
  }
  // Every leaf once, the checkpoint's root the tree of all of them, and the audit finds nothing wrong in the log.
  const auto entries = logged_entries(a.path);
  std::map<std::string, int> seen;
  for (const auto& e : entries) ++seen[slog::parse_leaf(e).value().key];
  for (const auto& [key, n] : seen) {
    INFO(key);
    CHECK(n == 1);
  }
  CHECK(entries.size() >= before + 4);  // two access entries and two outcomes (and the supervisor's key if new)
  auto audit = a.audit(sh);
  INFO(audit.out);
  CHECK(audit.out.find("NOT AUTHENTIC log_") == std::string::npos);
  CHECK_THAT(audit.out, Catch::Contains("signed by dock dock-0001"));
}

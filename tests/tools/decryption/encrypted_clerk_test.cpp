// [integration] A session recorded by the camera's own pipeline (tests/tools/copy/recorded_footage.hpp),
// encrypted to the agency footage key as the camera does and stored with records that carry the ciphertext
// and plaintext hashes. A clerk's export gives a bundle of plaintexts that `verify` accepts, each file the
// record's plaintext; the attacks on the proof are named (flip_byte_in_decrypted_file, edit_decrypted_entry,
// drop_decrypted_entry). A viewing copy plays. Without a key both are refused before any access entry; with
// another agency's key the refusal names the key ids. The key is opened only once the access entry is stored.
// [fault] A store that cannot take the access entry: no key opened, nothing decrypted, no plaintext written.
#include "common/crypto/footage_key_file.hpp"
#include "common/store/directory_backend.hpp"
#include "tests/support/files.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/tools/copy/recorded_footage.hpp"
#include "tools/bundle/bundle_export.hpp"
#include "tools/bundle/bundle_verify.hpp"
#include "tools/copy/viewing_copy.hpp"
#include "tools/registers/access_outcome.hpp"
#include "tools/registers/register_book.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <fstream>

using namespace bodycam::common;
namespace fs = std::filesystem;
namespace bundle = bodycam::tools::bundle;
namespace cp = bodycam::tools::copy;
namespace dec = bodycam::tools::decryption;
using bodycam::tests::slurp;
using bodycam::tests::temp_dir;

namespace {

constexpr std::string_view passphrase = "the agency's footage passphrase";

core::byte_view bytes_of(std::string_view s) {
  return core::byte_view(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}

crypto::footage_secret_key new_sealed_key(const fs::path& path) {
  auto key = crypto::footage_secret_key::generate(crypto::system_random()).value();
  auto sealed = crypto::seal_footage_secret_key(key, "agency", bytes_of(passphrase), crypto::minimum_kdf_limits(),
                                                crypto::system_random())
                    .value();
  REQUIRE(crypto::write_sealed_footage_key(path, sealed).has_value());
  return key;
}

std::size_t access_entries(const store::store& s) {
  return bodycam::tools::registers::read_register(s, store::entry_namespace::access).value().entry_count();
}

long decoded_video_frames(const fs::path& file) {
  const auto r = bodycam::tests::run_process({"ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
                                              "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0",
                                              file.string()});
  if (r.exit_code != 0 || r.out.empty()) return -1;
  return std::stol(r.out);
}

bool has_name_containing(const fs::path& dir, std::string_view part) {
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.path().filename().string().find(part) != std::string::npos) return true;
  return false;
}

struct encrypted_store {
  temp_dir dir{"encrypted-clerk"};
  fs::path store_path = dir / "store";
  store::store s = store::open_directory_store(store_path, true).value();
  bodycam::tests::evidence_camera cam{s, "cam-0001", 1};
  crypto::software_signer clerk{bodycam::tests::fixed_key(7)};
  crypto::footage_secret_key agency = new_sealed_key(dir / "agency.sealed");
  crypto::footage_secret_key other_agency = new_sealed_key(dir / "other.sealed");
  std::vector<fs::path> plain_files;
  std::vector<record::footage_plaintext> plaintexts;
  int passphrase_reads = 0;
  std::size_t entries_when_key_opened = 0;  // the access register's size when the passphrase was first read

  encrypted_store() {
    fs::create_directories(dir / "footage");
    plain_files = bodycam::tests::record_segments(dir / "footage", 3);
    plaintexts = bodycam::tests::store_encrypted_session(cam, plain_files, agency.public_key());
  }

  dec::footage_key_chest chest(const std::string& sealed_file) {
    auto ring = dec::load_footage_key_ring({(dir / sealed_file).string()}, {});
    REQUIRE(ring.has_value());
    return dec::footage_key_chest(std::move(*ring), [this]() -> core::expected<crypto::guarded_bytes> {
      if (passphrase_reads++ == 0) entries_when_key_opened = access_entries(s);
      crypto::guarded_bytes out(passphrase.size());
      std::memcpy(out.data(), passphrase.data(), passphrase.size());
      return out;
    });
  }

  bundle::export_request export_request(const fs::path& out) const {
    bundle::export_request r;
    r.what.session = cam.session();
    r.out = out;
    r.clerk_id = "clerk-1";
    r.department = "records unit";
    r.reference = "CASE-9";
    r.now = cam.now();
    return r;
  }

  cp::copy_request copy_request(const fs::path& out) const {
    cp::copy_request r;
    r.device = cam.device();
    r.session = cam.session();
    r.out = out;
    r.person = "clerk-1";
    r.department = "records unit";
    r.reference = "FOI-9";
    r.now = cam.now();
    return r;
  }
};

// Rewrites a bundle file and its SHA256SUMS line, so that only the check under test can object.
void replace_in_bundle(const fs::path& bundle_dir, const std::string& path, const std::string& bytes) {
  fs::permissions(bundle_dir / path, fs::perms::owner_write, fs::perm_options::add);
  std::ofstream(bundle_dir / path, std::ios::binary | std::ios::trunc) << bytes;
  const auto sums_path = bundle_dir / "SHA256SUMS";
  std::string sums = slurp(sums_path);
  const auto at = sums.find("  " + path + "\n");
  REQUIRE(at != std::string::npos);
  sums.replace(at - 64, 64, crypto::sha256(bytes_of(bytes)).to_hex());
  fs::permissions(sums_path, fs::perms::owner_write, fs::perm_options::add);
  std::ofstream(sums_path, std::ios::binary | std::ios::trunc) << sums;
}

std::vector<std::string> codes_of(const bundle::bundle_report& r) {
  std::vector<std::string> out;
  for (const auto& f : r.findings) out.push_back(f.code + " " + f.file);
  return out;
}

}  // namespace

TEST_CASE("export of an encrypted session: plaintexts decrypted after the access entry, a bundle that verifies",
          "[integration]") {
  encrypted_store t;
  auto keys = t.chest("agency.sealed");
  auto request = t.export_request(t.dir / "bundle");
  request.footage_keys = &keys;
  auto done = bundle::export_bundle(t.s, request, t.clerk);
  INFO((done ? std::string() : done.error().context));
  REQUIRE(done.has_value());
  REQUIRE(t.plain_files.size() >= 3);
  CHECK(done->decrypted == t.plain_files.size());
  REQUIRE(done->footage_key_ids.size() == 1);
  CHECK(done->footage_key_ids.front() == t.agency.key_id().to_hex());
  CHECK(t.passphrase_reads == 1);
  CHECK(t.entries_when_key_opened == 1);  // the export's access entry was stored before the key was opened
  CHECK(access_entries(t.s) == 2);        // the entry and its outcome

  const fs::path b = t.dir / "bundle";
  const auto manifest = nlohmann::json::parse(slurp(b / "manifest.json"));
  REQUIRE(manifest["devices"].size() == 1);
  const auto& decrypted = manifest["devices"][0]["decrypted_files"];
  REQUIRE(decrypted.size() == t.plain_files.size());
  for (std::size_t i = 0; i < t.plain_files.size(); ++i) {
    const auto& e = decrypted[i];
    const std::string file = e["file"];
    INFO(file);
    CHECK(crypto::sha256(bytes_of(slurp(b / file))) == t.plaintexts[i].sha256);  // the record's plaintext
    CHECK(slurp(b / file) == slurp(t.plain_files[i]));                            // the camera's original
    CHECK(e["plaintext_sha256"] == t.plaintexts[i].sha256.to_hex());
    CHECK(e["plaintext_byte_length"] == t.plaintexts[i].byte_length);
    CHECK(e["footage_key_id"] == t.agency.key_id().to_hex());
    CHECK(e["ciphertext_sha256"] != e["plaintext_sha256"]);
    CHECK(fs::exists(t.store_path / "objects/sha256" / e["ciphertext_sha256"].get<std::string>()));
    CHECK(decoded_video_frames(b / file) > 0);
  }
  auto verified = bundle::verify_bundle(b);
  INFO(bundle::bundle_report_text(verified));
  CHECK(verified.verdict == chain::verdict::authentic);
  CHECK(verified.findings.empty());

  const std::string first = decrypted[0]["file"];
  SECTION("flip_byte_in_decrypted_file: object_mismatch naming the file") {
    std::string bytes = slurp(b / first);
    bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x01);
    replace_in_bundle(b, first, bytes);
    auto r = bundle::verify_bundle(b);
    CHECK(r.verdict == chain::verdict::not_authentic);
    CHECK(codes_of(r) == std::vector<std::string>{"object_mismatch " + first});
  }
  SECTION("edit_decrypted_entry: a plaintext hash the record does not state is manifest_mismatch") {
    auto m = manifest;
    m["devices"][0]["decrypted_files"][0]["ciphertext_sha256"] = std::string(64, '0');
    replace_in_bundle(b, "manifest.json", m.dump(2) + "\n");
    auto r = bundle::verify_bundle(b);
    CHECK(r.verdict == chain::verdict::not_authentic);
    CHECK(codes_of(r) == std::vector<std::string>{"manifest_mismatch manifest.json"});
  }
  SECTION("drop_decrypted_entry: a decrypted file without its proof is manifest_mismatch") {
    auto m = manifest;
    m["devices"][0]["decrypted_files"].erase(1);
    replace_in_bundle(b, "manifest.json", m.dump(2) + "\n");
    auto r = bundle::verify_bundle(b);
    CHECK(r.verdict == chain::verdict::not_authentic);
    CHECK(codes_of(r) == std::vector<std::string>{"manifest_mismatch manifest.json"});
  }
}

TEST_CASE("encrypted footage without a footage key is refused before any access entry, naming the record",
          "[integration]") {
  encrypted_store t;
  auto e = bundle::export_bundle(t.s, t.export_request(t.dir / "bundle"), t.clerk);
  REQUIRE_FALSE(e.has_value());
  CHECK(e.error().code == core::errc::permission);
  CHECK(e.error().context.find("session " + t.cam.session().to_hex()) != std::string::npos);
  CHECK(e.error().context.find("is encrypted footage; a footage key is needed") != std::string::npos);
  CHECK(e.error().context.find("record 3 of cam-0001") != std::string::npos);
  CHECK_FALSE(fs::exists(t.dir / "bundle"));

  auto c = cp::make_viewing_copy(t.s, t.copy_request(t.dir / "copy.mp4"), t.clerk);
  REQUIRE_FALSE(c.has_value());
  CHECK(c.error().code == core::errc::permission);
  CHECK(c.error().context.find("encrypted footage; a footage key is needed") != std::string::npos);
  CHECK_FALSE(fs::exists(t.dir / "copy.mp4"));
  CHECK(access_entries(t.s) == 0);
}

TEST_CASE("another agency's key is refused naming the key ids; the access entry records the failure; no plaintext",
          "[integration]") {
  encrypted_store t;
  auto keys = t.chest("other.sealed");
  auto request = t.export_request(t.dir / "bundle");
  request.footage_keys = &keys;
  auto e = bundle::export_bundle(t.s, request, t.clerk);
  REQUIRE_FALSE(e.has_value());
  CHECK(e.error().code == core::errc::not_found);
  CHECK(e.error().context.find(t.agency.key_id().to_hex()) != std::string::npos);        // what the file wants
  CHECK(e.error().context.find(t.other_agency.key_id().to_hex()) != std::string::npos);  // what was given
  CHECK(t.passphrase_reads == 0);
  CHECK_FALSE(fs::exists(t.dir / "bundle"));
  CHECK_FALSE(has_name_containing(t.dir.path(), "partial"));
  CHECK(access_entries(t.s) == 2);  // the entry, and its outcome "failed"

  auto copy = t.copy_request(t.dir / "copy.mp4");
  copy.footage_keys = &keys;
  auto c = cp::make_viewing_copy(t.s, copy, t.clerk);
  REQUIRE_FALSE(c.has_value());
  CHECK(c.error().context.find(t.agency.key_id().to_hex()) != std::string::npos);
  CHECK_FALSE(fs::exists(t.dir / "copy.mp4"));
  CHECK_FALSE(has_name_containing(t.dir.path(), ".seg-"));
}

TEST_CASE("viewing copy of an encrypted session: decrypted after the access entry, one MP4 that plays",
          "[integration]") {
  encrypted_store t;
  auto keys = t.chest("agency.sealed");
  auto request = t.copy_request(t.dir / "copy.mp4");
  request.footage_keys = &keys;
  auto done = cp::make_viewing_copy(t.s, request, t.clerk);
  INFO((done ? std::string() : done.error().context));
  REQUIRE(done.has_value());
  CHECK(t.passphrase_reads == 1);
  CHECK(t.entries_when_key_opened == 1);
  CHECK(decoded_video_frames(t.dir / "copy.mp4") > 0);
  CHECK_FALSE(has_name_containing(t.dir.path(), ".seg-"));  // the staged plaintexts are gone
  auto check = cp::check_viewing_copy(t.dir / "copy.mp4", done->manifest_path, &t.s);
  REQUIRE(check.has_value());
  CHECK(check->authentic());
  CHECK(check->originals_checked == t.plain_files.size());
}

TEST_CASE("no access entry, no decryption: a store that cannot take the entry opens no key and writes no plaintext",
          "[fault]") {
  encrypted_store t;
  store::directory_store_options options;
  options.faults = [](store::write_step step, const store::store_key& key) {
    return key.str().starts_with("access/") && step == store::write_step::sync_file ? ENOSPC : 0;
  };
  auto failing = store::open_directory_store(t.store_path, options).value();
  auto keys = t.chest("agency.sealed");
  auto request = t.export_request(t.dir / "bundle");
  request.footage_keys = &keys;
  auto e = bundle::export_bundle(failing, request, t.clerk);
  REQUIRE_FALSE(e.has_value());
  CHECK(e.error().code == core::errc::no_space);
  auto copy = t.copy_request(t.dir / "copy.mp4");
  copy.footage_keys = &keys;
  auto c = cp::make_viewing_copy(failing, copy, t.clerk);
  REQUIRE_FALSE(c.has_value());
  CHECK(c.error().code == core::errc::no_space);
  CHECK(t.passphrase_reads == 0);  // no key was opened, so nothing could be decrypted
  CHECK_FALSE(fs::exists(t.dir / "bundle"));
  CHECK_FALSE(fs::exists(t.dir / "copy.mp4"));
  CHECK_FALSE(has_name_containing(t.dir.path(), "partial"));
  CHECK_FALSE(has_name_containing(t.dir.path(), ".seg-"));
  CHECK(access_entries(t.s) == 0);
}

namespace {

// The actions of the access register, in the clerk's order.
std::vector<std::string> register_actions(const store::store& s) {
  std::vector<std::string> out;
  const auto book = bodycam::tools::registers::read_register(s, store::entry_namespace::access).value();
  for (const auto& c : book.clerks)
    for (const auto& e : c.entries) out.push_back(e.body.action);
  return out;
}

}  // namespace

TEST_CASE("export sealed to a recipient: one 0600 file, the plain bundle removed, then the outcome completed",
          "[integration]") {
  encrypted_store t;
  auto keys = t.chest("agency.sealed");
  fs::create_directories(t.dir / "court");
  const auto recipient = t.other_agency.public_key();
  auto request = t.export_request(t.dir / "court" / "to-court.enc");
  request.footage_keys = &keys;
  request.seal_to = &recipient;
  auto done = bundle::export_bundle(t.s, request, t.clerk);
  INFO((done ? std::string() : done.error().context));
  REQUIRE(done.has_value());
  REQUIRE(done->sealed.has_value());
  CHECK(done->decrypted == t.plain_files.size());
  CHECK(bodycam::tests::names_in(t.dir / "court") == std::vector<std::string>{"to-court.enc"});  // nothing plain beside it
  CHECK((fs::status(t.dir / "court" / "to-court.enc").permissions() & (fs::perms::group_all | fs::perms::others_all)) ==
        fs::perms::none);
  CHECK(fs::file_size(t.dir / "court" / "to-court.enc") == done->sealed->sealed_bytes);
  CHECK(done->sealed->archive_bytes > t.plain_files.size() * 1000);  // the plaintexts are inside
  CHECK(slurp(t.dir / "court" / "to-court.enc").starts_with("bodycam-footage\n"));
  const auto actions = register_actions(t.s);
  REQUIRE(actions.size() == 2);
  auto outcome = bodycam::tools::registers::parse_outcome_action(actions[1]);
  REQUIRE(outcome.has_value());
  CHECK(outcome->completed);
}

TEST_CASE("export whose sealing fails late: nothing plain or sealed is left, the outcome is failed, named",
          "[integration]") {
  encrypted_store t;
  auto keys = t.chest("agency.sealed");
  fs::create_directories(t.dir / "court");
  // All zero: parses as a footage public key, but crypto_box refuses it when the bundle, already built and
  // decrypted, is sealed (a low-order X25519 point).
  const auto unusable = crypto::footage_public_key::parse(std::string(64, '0')).value();
  auto request = t.export_request(t.dir / "court" / "to-court.enc");
  request.footage_keys = &keys;
  request.seal_to = &unusable;
  auto done = bundle::export_bundle(t.s, request, t.clerk);
  REQUIRE_FALSE(done.has_value());
  INFO(done.error().context);
  CHECK(done.error().context.find("could not be sealed") != std::string::npos);
  CHECK(done.error().context.find("not a usable X25519 public key") != std::string::npos);
  CHECK(t.passphrase_reads == 1);  // it did get as far as decrypting into the private folder
  CHECK(bodycam::tests::names_in(t.dir / "court").empty());  // no sealed file, no private folder, no temporary file
  CHECK_FALSE(has_name_containing(t.dir.path(), "unsealed"));
  CHECK_FALSE(has_name_containing(t.dir.path(), "partial"));
  const auto actions = register_actions(t.s);
  REQUIRE(actions.size() == 2);
  CHECK(actions[0] == "export");
  auto outcome = bodycam::tools::registers::parse_outcome_action(actions[1]);
  REQUIRE(outcome.has_value());
  CHECK_FALSE(outcome->completed);
  CHECK(outcome->reason.find("could not be sealed") != std::string::npos);
}

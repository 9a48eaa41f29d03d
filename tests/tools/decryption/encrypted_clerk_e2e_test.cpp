// [e2e] A real encrypted recording (tests/support/encrypted_camera.hpp: bodycam-recorder encrypting to the
// agency footage key, docked by bodycam-dockd) through the clerk's commands: `bodycam export` and `bodycam copy`
// refuse it without a key before any access entry, refuse another agency's key naming the key ids, and with the
// agency key give a bundle that `bodycam verify` accepts as authentic without gaps — every segment of the normal
// stop closed by rollover or stop with no unsigned tail (its final message is the stream's end, not a gap), every
// file the record's plaintext (sha256 and length of its `encrypted` field), segments that ffprobe decodes,
// statements that play, the photo the exact JPEG — and a viewing copy that plays and checks. A bundle sealed to a
// recipient leaves no plain bundle; one whose sealing fails (a recipient key no X25519 box accepts, found only
// when sealing) leaves nothing at all and its outcome is `failed`. The register shows each access entry and its
// outcome.
#include "common/crypto/key_file.hpp"
#include "common/record/record.hpp"
#include "common/store/directory_backend.hpp"
#include "tests/support/encrypted_camera.hpp"
#include "tests/support/files.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/tools/test_agency.hpp"
#include "tools/registers/access_outcome.hpp"
#include "tools/registers/register_book.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <optional>
#include <thread>

using namespace bodycam;
using namespace bodycam::common;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

long decoded_frames(const fs::path& file, const std::string& type) {
  const auto r = tests::run_process({"ffprobe", "-v", "error", "-count_frames", "-select_streams",
                                     type == "video" ? "v:0" : "a:0", "-show_entries", "stream=nb_read_frames", "-of",
                                     "csv=p=0", file.string()});
  if (r.exit_code != 0 || r.out.empty()) return -1;
  try {
    return std::stol(r.out);
  } catch (const std::exception&) {
    return -1;
  }
}

std::string sha256_hex(const fs::path& file) {
  const std::string bytes = tests::slurp(file);
  return crypto::sha256(core::byte_view(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size())).to_hex();
}

// The actions of the store's access register, in order of the clerk's entries.
std::vector<std::string> access_actions(const fs::path& store_dir) {
  auto s = store::open_directory_store(store_dir, false).value();
  auto book = tools::registers::read_register(s, store::entry_namespace::access).value();
  std::vector<std::string> out;
  for (const auto& c : book.clerks)
    for (const auto& e : c.entries) out.push_back(e.body.action);
  return out;
}

enum class file_type { segment, statement, photo };

struct encrypted_file {
  std::string file_name;
  record::footage_plaintext plaintext;
  file_type type = file_type::statement;
  std::uint64_t seq = 0;
};


// The bytes after a normally sealed encrypted segment's last fragment: the final message only (encrypted-footage.md
// §4: length 17, empty plaintext), which the record covers by file_sha256 and does not count as an unsigned tail.
bool ends_with_final_message(const fs::path& stored) {
  const std::string bytes = tests::slurp(stored);
  if (bytes.size() < 21) return false;
  return bytes.compare(bytes.size() - 21, 4, std::string("\0\0\0\x11", 4)) == 0;
}

}  // namespace

TEST_CASE("bodycam export and copy of a real encrypted recording: refused without the key, decrypted with it",
          "[e2e]") {
  tests::temp_dir root("bodycam-encrypted-clerk-e2e");
  const fs::path r = root.path();
  tests::encrypted_camera camera(r);
  REQUIRE_NOTHROW(camera.start_recorder());
  std::string photo_name;
  REQUIRE_NOTHROW(photo_name = camera.record_session_with_photo(3500ms));
  auto docked = camera.dock_once();
  INFO(docked.err);
  REQUIRE(docked.exit_code == 0);

  // What the store holds: the session and every encrypted file with its record's plaintext hash.
  const fs::path store_dir = camera.store_dir();
  std::string session;
  std::vector<encrypted_file> files;
  std::size_t by_rollover = 0, by_stop = 0;
  {
    auto s = store::open_directory_store(store_dir, false).value();
    const auto device = *record::device_id::parse("cam-e");
    const auto seqs = s.list_record_seqs(device).value();
    for (const auto seq : seqs) {
      auto rec = record::parse_signed_record(s.get_record(device, seq).value()).value();
      if (const auto* sg = std::get_if<record::segment_payload>(&rec.body.body)) {
        REQUIRE(sg->encrypted.has_value());
        session = sg->session.to_hex();
        files.push_back({sg->file_name, *sg->encrypted, file_type::segment, seq});
        // A normal stop: every segment closed as in the clear, every byte of it signed, the plaintext stated.
        INFO(sg->file_name << " closed by " << record::to_string(sg->closed_by));
        CHECK((sg->closed_by == record::close_reason::rollover || sg->closed_by == record::close_reason::stop));
        by_rollover += sg->closed_by == record::close_reason::rollover;
        by_stop += sg->closed_by == record::close_reason::stop;
        CHECK(sg->unsigned_tail_bytes == 0);
        CHECK(sg->encrypted->byte_length > 0);
        const fs::path stored = store_dir / "objects/sha256" / sg->file_sha256.to_hex();
        REQUIRE(fs::exists(stored));
        CHECK(fs::file_size(stored) == sg->byte_length);
        CHECK(ends_with_final_message(stored));
      } else if (const auto* a = std::get_if<record::annotation_payload>(&rec.body.body);
                 a && a->status != record::annotation_status::missing) {
        REQUIRE(a->encrypted.has_value());
        files.push_back({a->file_name, *a->encrypted, file_type::statement, seq});
      } else if (const auto* p = std::get_if<record::photo_payload>(&rec.body.body)) {
        CHECK(p->file_name == photo_name);
        REQUIRE(p->encrypted.has_value());
        CHECK(p->encrypted->byte_length > 0);
        files.push_back({p->file_name, *p->encrypted, file_type::photo, seq});
      }
    }
    // The administrator's part: the camera's key in the store, the agency root, the camera, dock and clerk enrolled.
    REQUIRE(s.put_public_key(crypto::load_public_key(r / "cameras/cam-e.pub").value()).has_value());
    REQUIRE(tests::run_bodycam({"keygen", "--id", "clerk-1", "--out", (r / "clerk").string()}).exit_code == 0);
    tests::test_agency agency(s, r / "agency");
    agency.enroll_store_keys();
    agency.enroll_person(r / "clerk/clerk-1.pub", tests::clerk_and_supervisor);
  }
  // The dock's next pass logs the camera key the administrator put into the store (its start-up reconcile), so
  // the bundle can prove every item.
  auto logged = camera.dock_once();
  INFO(logged.err);
  REQUIRE(logged.exit_code == 0);
  CHECK(camera.stop_recorder() == 0);
  REQUIRE_FALSE(session.empty());
  REQUIRE(files.size() >= 5);  // segments, at least one statement, the photo
  CHECK(by_rollover >= 2);
  CHECK(by_stop == 1);
  const std::vector<std::string> clerk{"--clerk-key", (r / "clerk/clerk-1.key").string(), "--department",
                                       "records unit", "--reference", "CASE-ENC-1"};
  auto cli = [&](std::vector<std::string> args, const std::vector<std::string>& extra = {}) {
    args.insert(args.end(), clerk.begin(), clerk.end());
    args.insert(args.end(), extra.begin(), extra.end());
    return tests::run_bodycam(args, std::chrono::seconds(300));
  };
  const std::string key_id = camera.sealed_key().stem().string().substr(std::string("footage-").size());
  const std::vector<std::string> agency_key{"--footage-key", camera.sealed_key().string(), "--passphrase-file",
                                            camera.passphrase_file().string()};

  // No key: refused before any access entry, naming the session and the record.
  auto no_key = cli({"export", store_dir.string(), "--out", (r / "b0").string(), "--session", session});
  INFO(no_key.out << no_key.err);
  CHECK(no_key.exit_code == 3);
  CHECK_THAT(no_key.err, Catch::Contains("session " + session) && Catch::Contains("is encrypted footage") &&
                             Catch::Contains("a footage key is needed") && Catch::Contains("record "));
  auto no_key_copy = cli({"copy", store_dir.string(), "--out", (r / "c0.mp4").string(), "--session", session});
  CHECK(no_key_copy.exit_code == 3);
  CHECK_THAT(no_key_copy.err, Catch::Contains("is encrypted footage; a footage key is needed"));
  CHECK_FALSE(fs::exists(r / "b0"));
  CHECK_FALSE(fs::exists(r / "c0.mp4"));
  CHECK(access_actions(store_dir).empty());

  // Another agency's key: refused naming the key the files are sealed to and the key given.
  const auto other = tests::run_bodycam({"agency", "footage-key", "new", "--out", (r / "other").string(), "--label",
                                         "other-agency", "--passphrase-file", camera.passphrase_file().string()});
  REQUIRE(other.exit_code == 0);
  fs::path other_sealed;
  for (const auto& e : fs::directory_iterator(r / "other"))
    if (e.path().extension() == ".sealed") other_sealed = e.path();
  const std::string other_id = other_sealed.stem().string().substr(std::string("footage-").size());
  auto wrong = cli({"export", store_dir.string(), "--out", (r / "b1").string(), "--session", session},
                   {"--footage-key", other_sealed.string(), "--passphrase-file", camera.passphrase_file().string()});
  INFO(wrong.out << wrong.err);
  CHECK(wrong.exit_code == 3);
  CHECK_THAT(wrong.err, Catch::Contains(key_id) && Catch::Contains(other_id));
  CHECK_FALSE(fs::exists(r / "b1"));

  // The agency's key: a bundle of plaintexts that verifies.
  auto exported =
      cli({"export", store_dir.string(), "--out", (r / "bundle").string(), "--session", session}, agency_key);
  INFO(exported.out << exported.err);
  REQUIRE(exported.exit_code == 0);
  CHECK_THAT(exported.out, Catch::Contains("with footage key id " + key_id));
  // Exit 0, authentic: no segment of a normal stop is a documented gap (no unsigned tail, no power loss), every
  // plaintext matched its record and every item is in the store log.
  auto verified = tests::run_bodycam({"verify", (r / "bundle").string(), "--json"});
  INFO(verified.out << verified.err);
  CHECK(verified.exit_code == 0);
  const auto report = nlohmann::json::parse(verified.out, nullptr, false);
  REQUIRE_FALSE(report.is_discarded());
  CHECK(report["verdict"] == "authentic");
  CHECK(report["findings"].empty());
  CHECK(report["documented_gaps"] == 0);
  auto verified_text = tests::run_bodycam({"verify", (r / "bundle").string()});
  INFO(verified_text.out);
  CHECK(verified_text.exit_code == 0);
  CHECK_THAT(verified_text.out, !Catch::Contains("power loss") && !Catch::Contains("could not be signed"));
  std::size_t segments = 0, statements = 0, photos = 0;
  for (const auto& f : files) {
    const fs::path plain = r / "bundle/files/cam-e" / f.file_name;
    INFO(plain.string());
    REQUIRE(fs::exists(plain));
    CHECK(fs::file_size(plain) == f.plaintext.byte_length);
    CHECK(sha256_hex(plain) == f.plaintext.sha256.to_hex());
    if (f.type == file_type::segment) {
      CHECK(decoded_frames(plain, "video") > 0);
      ++segments;
    } else if (f.type == file_type::photo) {
      CHECK(tests::slurp(plain).starts_with("\xff\xd8"));  // the JPEG itself, whose hash is the record's plaintext
      CHECK(decoded_frames(plain, "video") == 1);
      ++photos;
    } else {
      CHECK(decoded_frames(plain, "audio") > 0);
      ++statements;
    }
  }
  CHECK(segments >= 3);
  CHECK(statements >= 1);
  CHECK(photos == 1);

  // The same export sealed to a recipient (here the other agency's key): one encrypted file only that key opens,
  // which gives back the bundle; no plain bundle is left beside it.
  fs::path other_pub = other_sealed;
  other_pub.replace_extension(".pub");
  auto sealed = cli({"export", store_dir.string(), "--out", (r / "to-court.enc").string(), "--session", session},
                    {"--footage-key", camera.sealed_key().string(), "--passphrase-file",
                     camera.passphrase_file().string(), "--to-recipient", other_pub.string()});
  INFO(sealed.out << sealed.err);
  REQUIRE(sealed.exit_code == 0);
  CHECK((fs::status(r / "to-court.enc").permissions() & (fs::perms::group_all | fs::perms::others_all)) ==
        fs::perms::none);
  bool unsealed_left = false;
  for (const auto& e : fs::directory_iterator(r)) unsealed_left |= e.path().filename().string().find("unsealed") != std::string::npos;
  CHECK_FALSE(unsealed_left);
  CHECK(tests::run_bodycam({"decrypt", (r / "to-court.enc").string(), "--out", (r / "wrong.tar").string(),
                            "--footage-key", camera.sealed_key().string(), "--passphrase-file",
                            camera.passphrase_file().string()})
            .exit_code == 3);  // the agency's own key does not open what was sealed to the recipient
  auto opened = tests::run_bodycam({"decrypt", (r / "to-court.enc").string(), "--out", (r / "court.tar").string(),
                                    "--footage-key", other_sealed.string(), "--passphrase-file",
                                    camera.passphrase_file().string()});
  INFO(opened.out << opened.err);
  REQUIRE(opened.exit_code == 0);
  fs::create_directories(r / "court");
  REQUIRE(tests::run_process({"tar", "-xf", (r / "court.tar").string(), "-C", (r / "court").string()}).exit_code == 0);
  auto court_verified = tests::run_bodycam({"verify", (r / "court/bundle").string(), "--json"});
  INFO(court_verified.out);
  CHECK(court_verified.exit_code == 0);  // as the plain bundle: authentic
  const auto court_report = nlohmann::json::parse(court_verified.out, nullptr, false);
  REQUIRE_FALSE(court_report.is_discarded());
  CHECK(court_report["findings"].empty());
  for (const auto& f : files)
    CHECK(sha256_hex(r / "court/bundle/files/cam-e" / f.file_name) == f.plaintext.sha256.to_hex());

  // Sealing that fails after the bundle is built: a recipient key that parses but is no usable X25519 public key
  // (all zero; crypto_box refuses it only when the bundle is sealed). Nothing is left beside --out, plain or
  // sealed, not even a hidden folder; the command fails naming the sealing; the outcome is `failed`.
  const fs::path broken_pub = r / "other" / "broken.pub";
  std::ofstream(broken_pub) << "bodycam-footage-public-key-v1 broken " << std::string(64, '0') << "\n";
  const auto before = tests::names_in(r);
  auto unsealable =
      cli({"export", store_dir.string(), "--out", (r / "to-court-broken.enc").string(), "--session", session},
          {"--footage-key", camera.sealed_key().string(), "--passphrase-file", camera.passphrase_file().string(),
           "--to-recipient", broken_pub.string()});
  INFO(unsealable.out << unsealable.err);
  CHECK(unsealable.exit_code != 0);
  CHECK_THAT(unsealable.err, Catch::Contains("could not be sealed") && Catch::Contains("not a usable X25519 public key"));
  CHECK_FALSE(fs::exists(r / "to-court-broken.enc"));
  CHECK(tests::names_in(r) == before);  // no plaintext folder, no temporary file: nothing new at the destination

  // A viewing copy that plays and checks.
  auto copied = cli({"copy", store_dir.string(), "--out", (r / "copy.mp4").string(), "--session", session}, agency_key);
  INFO(copied.out << copied.err);
  REQUIRE(copied.exit_code == 0);
  CHECK(decoded_frames(r / "copy.mp4", "video") > 0);
  auto checked = tests::run_bodycam({"copy", store_dir.string(), "--check", (r / "copy.mp4").string()});
  INFO(checked.out << checked.err);
  CHECK(checked.exit_code == 0);

  // The photo alone (`bodycam copy --device --seq`): decrypted after its access entry, the exact JPEG.
  const auto photo = std::find_if(files.begin(), files.end(), [](const auto& f) { return f.type == file_type::photo; });
  REQUIRE(photo != files.end());
  auto photo_copy = cli({"copy", store_dir.string(), "--out", (r / "photo.jpg").string(), "--device", "cam-e", "--seq",
                         std::to_string(photo->seq)},
                        agency_key);
  INFO(photo_copy.out << photo_copy.err);
  REQUIRE(photo_copy.exit_code == 0);
  CHECK(sha256_hex(r / "photo.jpg") == photo->plaintext.sha256.to_hex());
  CHECK(tests::slurp(r / "photo.jpg").starts_with("\xff\xd8"));
  CHECK(decoded_frames(r / "photo.jpg", "video") == 1);

  // The register: the wrong-key export's entry and its failure, then each retrieval's entry and completion, but
  // the unsealable export's failure.
  const auto actions = access_actions(store_dir);
  REQUIRE(actions.size() == 12);
  CHECK(actions[0] == "export");
  auto failed = tools::registers::parse_outcome_action(actions[1]);
  REQUIRE(failed.has_value());
  CHECK_FALSE(failed->completed);
  CHECK(actions[2] == "export");
  auto done = tools::registers::parse_outcome_action(actions[3]);
  REQUIRE(done.has_value());
  CHECK(done->completed);
  CHECK(actions[4] == "export");  // the sealed one
  auto sealed_done = tools::registers::parse_outcome_action(actions[5]);
  REQUIRE(sealed_done.has_value());
  CHECK(sealed_done->completed);
  CHECK(actions[6] == "export");  // the one whose sealing failed
  auto seal_failed = tools::registers::parse_outcome_action(actions[7]);
  REQUIRE(seal_failed.has_value());
  CHECK_FALSE(seal_failed->completed);
  CHECK_THAT(seal_failed->reason, Catch::Contains("could not be sealed"));
  CHECK(actions[8] == "viewing_copy");
  auto copy_done = tools::registers::parse_outcome_action(actions[9]);
  REQUIRE(copy_done.has_value());
  CHECK(copy_done->completed);
  CHECK(actions[10] == "playback_copy");
  auto photo_done = tools::registers::parse_outcome_action(actions[11]);
  REQUIRE(photo_done.has_value());
  CHECK(photo_done->completed);
}

// A power cut mid-fragment on an encrypting camera: the recorder is killed while recording and the end of its
// open .partial segment is cut inside a message (the unsynced tail a power cut loses). It restarts, salvages
// the segment (power_loss_recovered, plaintext not stated: the camera cannot decrypt), and the agency gets
// every fragment before the cut back: `bodycam decrypt --salvage` (exit 1, a documented gap) and the export,
// whose bundle verifies with the salvaged file as a documented gap (plaintext_unstated).
TEST_CASE("power cut mid-fragment on an encrypting camera: salvaged at boot, every earlier fragment decrypts",
          "[e2e]") {
  tests::temp_dir root("bodycam-encrypted-salvage-e2e");
  const fs::path r = root.path();
  tests::encrypted_camera camera(r, 10);  // 10 s segments of 1 s fragments: the kill lands inside the first
  REQUIRE_NOTHROW(camera.start_recorder());
  REQUIRE_NOTHROW(camera.start_session());
  std::this_thread::sleep_for(3500ms);
  camera.kill_recorder();
  fs::path partial;
  for (const auto& e : fs::directory_iterator(camera.segments_dir()))
    if (e.path().extension() == ".partial") partial = e.path();
  INFO(camera.recorder_log());
  REQUIRE_FALSE(partial.empty());  // the kill landed while a segment was open
  const auto size = fs::file_size(partial);
  REQUIRE(size > 400);
  fs::resize_file(partial, size - 9);  // the power cut: the last message loses its end

  REQUIRE_NOTHROW(camera.start_recorder());  // boot: salvage, recovery, recording resumes
  REQUIRE_NOTHROW(camera.stop_session());
  auto docked = camera.dock_once();
  INFO(docked.err);
  REQUIRE(docked.exit_code == 0);
  CHECK(camera.stop_recorder() == 0);

  const fs::path store_dir = camera.store_dir();
  std::optional<record::segment_payload> salvaged;
  std::size_t normally_closed = 0;
  std::string session;
  {
    auto s = store::open_directory_store(store_dir, false).value();
    const auto device = *record::device_id::parse("cam-e");
    const auto seqs = s.list_record_seqs(device).value();
    for (const auto seq : seqs) {
      auto rec = record::parse_signed_record(s.get_record(device, seq).value()).value();
      if (const auto* sg = std::get_if<record::segment_payload>(&rec.body.body)) {
        session = sg->session.to_hex();
        if (sg->closed_by == record::close_reason::power_loss_recovered) {
          salvaged = *sg;
        } else {  // sealed by the recorder after the resume: no gap of its own
          INFO(sg->file_name);
          CHECK(sg->unsigned_tail_bytes == 0);
          REQUIRE(sg->encrypted.has_value());
          CHECK(sg->encrypted->byte_length > 0);
          ++normally_closed;
        }
      }
    }
    REQUIRE(s.put_public_key(crypto::load_public_key(r / "cameras/cam-e.pub").value()).has_value());
    REQUIRE(tests::run_bodycam({"keygen", "--id", "clerk-1", "--out", (r / "clerk").string()}).exit_code == 0);
    tests::test_agency agency(s, r / "agency");
    agency.enroll_store_keys();
    agency.enroll_person(r / "clerk/clerk-1.pub", tests::clerk_and_supervisor);
  }
  REQUIRE(salvaged.has_value());
  CHECK(normally_closed >= 1);
  REQUIRE(salvaged->encrypted.has_value());
  CHECK(salvaged->encrypted->byte_length == 0);  // "encrypted, plaintext not stated"
  CHECK(salvaged->unsigned_tail_bytes > 0);      // the cut message
  REQUIRE(salvaged->fragment_count > 0);

  const fs::path stored = store_dir / "objects/sha256" / salvaged->file_sha256.to_hex();
  auto dec = tests::run_bodycam({"decrypt", stored.string(), "--footage-key", camera.sealed_key().string(),
                                 "--passphrase-file", camera.passphrase_file().string(), "--out",
                                 (r / "salvaged.mp4").string(), "--salvage"});
  INFO(dec.out << dec.err);
  CHECK(dec.exit_code == 1);
  const auto at = dec.out.find("fragments:");
  REQUIRE(at != std::string::npos);
  const auto messages = std::stoull(dec.out.substr(at + 10));
  CHECK(messages >= salvaged->fragment_count + 1);  // the init part and every signed fragment
  CHECK(decoded_frames(r / "salvaged.mp4", "video") > 0);

  auto exported = tests::run_bodycam(
      {"export", store_dir.string(), "--out", (r / "bundle").string(), "--session", session, "--clerk-key",
       (r / "clerk/clerk-1.key").string(), "--department", "records unit", "--reference", "CASE-CUT",
       "--footage-key", camera.sealed_key().string(), "--passphrase-file", camera.passphrase_file().string()},
      std::chrono::seconds(300));
  INFO(exported.out << exported.err);
  REQUIRE(exported.exit_code == 0);
  const fs::path in_bundle = r / "bundle/files/cam-e" / salvaged->file_name;
  CHECK(tests::slurp(in_bundle) == tests::slurp(r / "salvaged.mp4"));
  auto verified = tests::run_bodycam({"verify", (r / "bundle").string(), "--json"});
  INFO(verified.out);
  CHECK(verified.exit_code == 1);
  const auto report = nlohmann::json::parse(verified.out, nullptr, false);
  REQUIRE_FALSE(report.is_discarded());
  std::vector<std::string> codes;
  for (const auto& f : report["findings"]) codes.push_back(f["code"].get<std::string>() + " " + f["file"].get<std::string>());
  CHECK(std::find(codes.begin(), codes.end(), "plaintext_unstated files/cam-e/" + salvaged->file_name) != codes.end());
  for (const auto& c : codes) CHECK((c.starts_with("plaintext_unstated ") || c.starts_with("log_item_unlogged ")));
}

// End to end with encryption on 127.0.0.1, real processes: the agency makes a footage key (`bodycam agency
// footage-key new`), a bodycam-recorder configured with its public key records a short session with a start
// statement and one photo, bodycam-dockd pulls, verifies (ciphertext hashes and fragment roots, no key) and stores it, and
// `bodycam decrypt` with the agency key turns each stored object back into a file whose SHA-256 is the
// record's plaintext hash and which ffprobe plays (the photo: the exact JPEG). Also what a thief with the
// camera's storage gets: no file ffprobe reads, no JPEG header, bytes of near 8 bits/byte; and a photo whose
// ciphertext was altered is refused, named, by the decryption and by the store audit.
#include "common/crypto/key_file.hpp"
#include "common/record/record.hpp"
#include "common/store/directory_backend.hpp"
#include "tests/support/encrypted_camera.hpp"
#include "tests/support/files.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>


#include <array>
#include <cmath>
#include <fstream>

using namespace bodycam;
using namespace bodycam::common;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

double entropy_bits_per_byte(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::array<std::uint64_t, 256> counts{};
  std::uint64_t total = 0;
  for (int c = in.get(); c != EOF; c = in.get(), ++total) ++counts[static_cast<std::size_t>(c)];
  double h = 0;
  for (const auto n : counts)
    if (n > 0) h -= static_cast<double>(n) / static_cast<double>(total) * std::log2(static_cast<double>(n) / static_cast<double>(total));
  return h;
}

std::string sha256sum(const fs::path& file) { return tests::run_shell("sha256sum '" + file.string() + "'").out.substr(0, 64); }

// ffprobe's count of decoded frames of the first stream of `type`, or -1 if it cannot read the file.
long decoded_frames(const fs::path& file, const std::string& type) {
  const auto r = tests::run_process({"ffprobe", "-v", "error", "-count_frames", "-select_streams", type == "video" ? "v:0" : "a:0",
                                     "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", file.string()});
  if (r.exit_code != 0 || r.out.empty()) return -1;
  try {
    return std::stol(r.out);
  } catch (const std::exception&) {
    return -1;
  }
}

// Whether ffmpeg decodes every stream of `file` without an error (ffprobe alone is not enough: it takes a
// `.jpg` name at its word and "opens" any bytes as an mjpeg stream of size 0x0).
bool decodes(const fs::path& file) {
  return tests::run_process({"ffmpeg", "-v", "error", "-xerror", "-i", file.string(), "-f", "null", "-"}).exit_code == 0;
}

// ffprobe's "width,height" of the first video stream ("0,0" when it cannot tell).
std::string probed_size(const fs::path& file) {
  const auto r = tests::run_process({"ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                                     "stream=width,height", "-of", "csv=p=0", file.string()});
  return r.exit_code == 0 ? r.out.substr(0, r.out.find('\n')) : std::string();
}

}  // namespace

TEST_CASE("encrypted camera -> dock -> store -> bodycam decrypt gives the record's plaintext, which plays", "[e2e]") {
  tests::temp_dir root("bodycam-encrypted-e2e");
  const fs::path r = root.path();
  tests::encrypted_camera camera(r);  // the agency's footage key, the camera configured with it, the dock
  const fs::path sealed = camera.sealed_key();
  const fs::path segments = camera.segments_dir();
  REQUIRE_NOTHROW(camera.start_recorder());
  std::string photo_name;
  REQUIRE_NOTHROW(photo_name = camera.record_session_with_photo(3500ms));

  // A stolen camera: nothing on its recording storage is an MP4, WAV or JPEG anyone can read.
  std::size_t stolen = 0;
  for (const auto& e : fs::directory_iterator(segments)) {
    INFO(e.path().filename().string());
    CHECK(decoded_frames(e.path(), "video") <= 0);
    CHECK(decoded_frames(e.path(), "audio") <= 0);
    CHECK_FALSE(decodes(e.path()));
    CHECK(probed_size(e.path()) != "320,240");
    const std::string head = tests::slurp(e.path()).substr(0, 2);
    CHECK(head != "\xff\xd8");  // no JPEG start-of-image marker
    CHECK(entropy_bits_per_byte(e.path()) > 7.8);
    ++stolen;
  }
  CHECK(stolen >= 4);
  REQUIRE(fs::exists(segments / photo_name));  // the photo is among them
  CHECK(tests::slurp(segments / photo_name).starts_with("bodycam-footage\n"));

  auto docked = camera.dock_once();
  INFO(docked.err);
  REQUIRE(docked.exit_code == 0);
  CHECK(camera.stop_recorder() == 0);
  std::error_code ec;
  CHECK(fs::is_empty(camera.quarantine_dir(), ec));  // the dock verified every file on its ciphertext

  auto store = store::open_directory_store(r / "store", false);
  REQUIRE(store.has_value());
  const auto device = *record::device_id::parse("cam-e");
  auto seqs = store->list_record_seqs(device);
  REQUIRE(seqs.has_value());
  std::size_t segments_decrypted = 0, statements_decrypted = 0, photos_decrypted = 0;
  fs::path stored_photo;
  for (const auto seq : *seqs) {
    auto rec = record::parse_signed_record(*store->get_record(device, seq));
    REQUIRE(rec.has_value());
    const record::footage_plaintext* plaintext = nullptr;
    crypto::sha256_digest object;
    bool is_segment = false;
    bool is_photo = false;
    bool rollover = false;
    if (const auto* s = std::get_if<record::segment_payload>(&rec->body.body)) {
      REQUIRE(s->encrypted.has_value());
      plaintext = &*s->encrypted;
      object = s->file_sha256;
      is_segment = true;
      rollover = s->closed_by == record::close_reason::rollover;
    } else if (const auto* a = std::get_if<record::annotation_payload>(&rec->body.body);
               a && a->status != record::annotation_status::missing) {
      REQUIRE(a->encrypted.has_value());
      plaintext = &*a->encrypted;
      object = a->file_sha256;
    } else if (const auto* p = std::get_if<record::photo_payload>(&rec->body.body)) {
      CHECK(p->file_name == photo_name);
      REQUIRE(p->encrypted.has_value());
      plaintext = &*p->encrypted;
      object = p->file_sha256;
      is_photo = true;
    } else {
      continue;
    }
    const fs::path stored = r / "store" / "objects" / "sha256" / object.to_hex();  // addressed by the ciphertext
    REQUIRE(fs::exists(stored));
    CHECK(sha256sum(stored) == object.to_hex());
    const fs::path out = r / ("plain-" + std::to_string(seq));
    auto dec = tests::run_bodycam({"decrypt", stored.string(), "--footage-key", sealed.string(), "--passphrase-file",
                                   (r / "pass").string(), "--out", out.string()});
    INFO("record " << seq << ": " << dec.out << dec.err);
    REQUIRE(dec.exit_code == 0);
    CHECK(fs::file_size(out) == plaintext->byte_length);
    CHECK(sha256sum(out) == plaintext->sha256.to_hex());
    if (is_segment) {
      const long frames = decoded_frames(out, "video");
      CHECK(frames > 0);
      if (rollover) CHECK(frames == 10);  // a full 1 s segment at 10 fps
      ++segments_decrypted;
    } else if (is_photo) {
      const std::string jpeg = tests::slurp(out);
      CHECK(jpeg.starts_with("\xff\xd8"));  // the exact JPEG the camera encoded: its hash is the record's
      CHECK(decoded_frames(out, "video") == 1);
      CHECK(decodes(out));
      CHECK(probed_size(out) == "320,240");
      stored_photo = stored;
      ++photos_decrypted;
    } else {
      CHECK(decoded_frames(out, "audio") > 0);
      ++statements_decrypted;
    }
  }
  CHECK(segments_decrypted >= 3);
  CHECK(statements_decrypted >= 1);
  CHECK(photos_decrypted == 1);

  // flip_byte_in_photo: one byte of the stored photo's ciphertext changed (a copy for decrypt, then the store's
  // own object for the audit). Decryption refuses it as tampered, naming the file; the audit names the photo.
  REQUIRE_FALSE(stored_photo.empty());
  std::string bytes = tests::slurp(stored_photo);
  REQUIRE(bytes.size() > 300);
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x01);
  const fs::path tampered = r / "tampered-photo.enc";
  std::ofstream(tampered, std::ios::binary) << bytes;
  auto refused = tests::run_bodycam({"decrypt", tampered.string(), "--footage-key", sealed.string(),
                                     "--passphrase-file", (r / "pass").string(), "--out", (r / "tampered.jpg").string()});
  INFO(refused.out << refused.err);
  CHECK(refused.exit_code != 0);
  CHECK((refused.err.find("tampered") != std::string::npos || refused.err.find("altered") != std::string::npos));
  CHECK(refused.err.find("tampered-photo.enc") != std::string::npos);
  CHECK_FALSE(fs::exists(r / "tampered.jpg"));
  // The audit checks a device's files once it can verify its chain: the camera's key goes into the store.
  REQUIRE(store->put_public_key(crypto::load_public_key(r / "cameras/cam-e.pub").value()).has_value());
  fs::permissions(stored_photo, fs::perms::owner_write, fs::perm_options::add);
  std::ofstream(stored_photo, std::ios::binary | std::ios::trunc) << bytes;
  auto audited = tests::run_bodycam({"audit", (r / "store").string(), "--json", "--quiet"});
  INFO(audited.out << audited.err);
  CHECK(audited.exit_code == 2);  // not authentic
  const auto report = nlohmann::json::parse(audited.out, nullptr, false);
  REQUIRE_FALSE(report.is_discarded());
  std::vector<std::string> store_findings;  // "<reason> <file_name> <object>" of every device's store findings
  for (const auto& d : report.value("devices", nlohmann::json::array()))
    for (const auto& f : d.value("store_findings", nlohmann::json::array()))
      store_findings.push_back(f.value("reason", "") + " " + f.value("file_name", "") + " " + f.value("object", ""));
  CHECK(store_findings ==
        std::vector<std::string>{"object_mismatch " + photo_name + " " + stored_photo.filename().string()});
}

// Court bundles (tools/bundle): export from a directory store, verify offline, and every tamper named for
// the attack gives exit 2 naming the file and the record — both when the attacker leaves SHA256SUMS alone
// and when they rewrite it to match (so the deeper checks are what catches them).
#include "common/crypto/key_file.hpp"
#include "common/store/directory_backend.hpp"
#include "tests/support/files.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/tools/evidence_store_builder.hpp"
#include "tools/bundle/bundle_export.hpp"
#include "tools/bundle/bundle_verify.hpp"
#include "tools/registers/register_book.hpp"

#include <cerrno>
#include <fstream>

#include <catch2/catch.hpp>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace bundle_test {

using namespace bodycam::common;
namespace bundle = bodycam::tools::bundle;
namespace fs = std::filesystem;
using bodycam::tests::evidence_camera;
using bodycam::tests::slurp;
using bodycam::tests::temp_dir;
using record::annotation_purpose;

namespace {

// Bundle files are read-only: the attacker makes one writable first.
void overwrite(const fs::path& p, const std::string& text) {
  std::error_code ec;
  fs::permissions(p, fs::perms::owner_write, fs::perm_options::add, ec);
  bodycam::tests::write_text(p, text);
}

// What an attacker who knows the format does after editing: rewrite SHA256SUMS for what is there now.
void rewrite_sums(const fs::path& dir) {
  std::vector<bundle::sums_line> lines;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file() && e.path().filename() != "SHA256SUMS") {
      const auto text = slurp(e.path());
      lines.push_back({crypto::sha256(text), fs::relative(e.path(), dir).generic_string()});
    }
  overwrite(dir / "SHA256SUMS", bundle::format_sums(lines));
}

struct two_shift_store {
  temp_dir dir;
  store::store s;
  evidence_camera cam;
  record::session_id first_session;
  record::session_id second_session;
  two_shift_store() : s(store::open_directory_store(dir / "store", true).value()), cam(s, "cam-0001", 1) {
    bodycam::tests::record_shift(cam, 2, std::chrono::minutes(20));
    first_session = cam.session();
    cam.after(std::chrono::hours(1));
    bodycam::tests::record_shift(cam, 2, std::chrono::minutes(20));
    second_session = cam.session();
  }

  fs::path export_session(const record::session_id& id, const std::string& name) {
    crypto::software_signer clerk(bodycam::tests::fixed_key(50));
    bundle::export_request request;
    request.what.session = id;
    request.out = dir / name;
    request.clerk_id = "clerk-1";
    request.department = "records unit";
    request.reference = "CASE-2026-0042";
    request.now = record::utc_time(std::chrono::seconds(1'795'000'000));
    auto done = bundle::export_bundle(s, request, clerk);
    INFO((done ? std::string() : done.error().context));
    REQUIRE(done);
    return request.out;
  }
  fs::path export_range(const std::string& name) {
    crypto::software_signer clerk(bodycam::tests::fixed_key(50));
    bundle::export_request request;
    request.what.device = cam.device();
    request.what.from = record::utc_time(std::chrono::milliseconds(bodycam::tests::old_shift_ms));
    request.what.to = cam.now() + std::chrono::hours(1);
    request.out = dir / name;
    request.clerk_id = "clerk-1";
    request.department = "records unit";
    request.reference = "REQ-7";
    request.now = record::utc_time(std::chrono::seconds(1'795'000'000));
    auto done = bundle::export_bundle(s, request, clerk);
    REQUIRE(done);
    return request.out;
  }
};

// Record seq of the n-th record of `kind` in the session.
std::uint64_t seq_of(const evidence_camera& cam, const record::session_id& session, record::record_kind kind, int n) {
  for (const auto& r : cam.records()) {
    bool in_session = false;
    std::visit(
        [&](const auto& p) {
          if constexpr (requires { p.session; }) in_session = p.session == session;
        },
        r.body.body);
    if (in_session && r.body.kind() == kind && n-- == 0) return r.body.seq;
  }
  FAIL("no such record");
  return 0;
}

std::string file_of(const evidence_camera& cam, std::uint64_t seq) {
  const auto& body = cam.records().at(seq).body.body;
  if (const auto* s = std::get_if<record::segment_payload>(&body)) return "files/cam-0001/" + s->file_name;
  return "files/cam-0001/" + std::get<record::annotation_payload>(body).file_name;
}

bool names(const bundle::bundle_report& r, const std::string& code, const std::string& file, const std::string& rec) {
  for (const auto& f : r.findings)
    if (f.code == code && (file.empty() || f.file == file) && (rec.empty() || f.record == rec)) return true;
  return false;
}

}  // namespace

TEST_CASE("an exported session bundle verifies offline, by bodycam and by sha256sum", "[integration]") {
  two_shift_store t;
  const auto out = t.export_session(t.first_session, "bundle");
  const auto report = bundle::verify_bundle(out);
  INFO(bundle::bundle_report_text(report));
  CHECK(report.verdict == chain::verdict::authentic);
  CHECK(report.findings.empty());
  // The session plus one neighbour each side: the precheck before its start, the next boot after its end.
  const auto manifest = nlohmann::json::parse(slurp(out / "manifest.json"));
  CHECK(manifest["devices"][0]["first_seq"] ==
        seq_of(t.cam, t.first_session, record::record_kind::session_start, 0) - 1);
  CHECK(manifest["devices"][0]["end_seq"] == seq_of(t.cam, t.first_session, record::record_kind::annotation, 1) + 2);
  CHECK(fs::exists(out / "README.txt"));
  CHECK(slurp(out / "README.txt").find("sha256sum -c SHA256SUMS") != std::string::npos);
  CHECK(fs::exists(out / "keys/dock-1.pub"));
  CHECK(fs::exists(out / "keys/clerk-1.pub"));
  CHECK(fs::exists(out / "access/clerk-1.0"));
  // The original files, bit for bit.
  const auto seg = seq_of(t.cam, t.first_session, record::record_kind::segment, 0);
  const auto& payload = std::get<record::segment_payload>(t.cam.records().at(seg).body.body);
  CHECK(crypto::sha256(slurp(out / file_of(t.cam, seg))) == payload.file_sha256);
  // Stock tools agree.
  auto sums =
      bodycam::tests::run_process({"/bin/sh", "-c", "cd '" + out.string() + "' && sha256sum -c --quiet SHA256SUMS"});
  CHECK(sums.exit_code == 0);
  // The access entry was written to the store first, and the outcome after it.
  auto book = bodycam::tools::registers::read_register(t.s, store::entry_namespace::access).value();
  REQUIRE(book.entry_count() == 2);
  CHECK(book.clerks[0].entries[0].body.reference == "CASE-2026-0042");
  CHECK(book.clerks[0].entries[0].body.action == "export");
  CHECK(book.clerks[0].entries[1].body.action == "completed clerk-1.0");
  CHECK(book.clerks[0].entries[1].body.reference == "CASE-2026-0042");

  SECTION("a second export to the same folder is refused and changes nothing") {
    const auto before = slurp(out / "SHA256SUMS");
    crypto::software_signer clerk(bodycam::tests::fixed_key(50));
    bundle::export_request again;
    again.what.session = t.second_session;
    again.out = out;
    again.clerk_id = "clerk-1";
    auto e = bundle::export_bundle(t.s, again, clerk);
    REQUIRE_FALSE(e.has_value());
    CHECK(e.error().code == core::errc::already_exists);
    CHECK(slurp(out / "SHA256SUMS") == before);
  }
}

TEST_CASE("every tamper named for the attack makes verify say not authentic, naming the file and record",
          "[integration]") {
  two_shift_store t;
  const bool rewrite = GENERATE(false, true);
  INFO("attacker rewrites SHA256SUMS: " << rewrite);
  const auto& c = t.cam;
  const auto a = t.first_session;
  auto rec = [](std::uint64_t seq) { return "records/cam-0001/" + std::to_string(seq); };
  auto finish = [&](const fs::path& out) {
    if (rewrite) rewrite_sums(out);
    auto r = bundle::verify_bundle(out);
    UNSCOPED_INFO(bundle::bundle_report_text(r));
    CHECK(r.verdict == chain::verdict::not_authentic);
    return r;
  };

  SECTION("flip_byte_in_segment") {
    const auto out = t.export_session(a, "b");
    const auto seq = seq_of(c, a, record::record_kind::segment, 0);
    auto text = slurp(out / file_of(c, seq));
    text[3] ^= 0x01;
    overwrite(out / file_of(c, seq), text);
    auto r = finish(out);
    CHECK(names(r, rewrite ? "object_mismatch" : "checksum_mismatch", file_of(c, seq), rewrite ? rec(seq) : ""));
    if (!rewrite) CHECK(names(r, "object_mismatch", file_of(c, seq), rec(seq)));
  }
  SECTION("drop_segment_file") {
    const auto out = t.export_session(a, "b");
    const auto seq = seq_of(c, a, record::record_kind::segment, 1);
    fs::remove(out / file_of(c, seq));
    auto r = finish(out);
    CHECK(names(r, "object_missing", file_of(c, seq), rec(seq)));
    if (!rewrite) CHECK(names(r, "file_missing", file_of(c, seq), ""));
  }
  SECTION("swap_segments_between_sessions") {
    const auto out = t.export_range("b");
    const auto s1 = seq_of(c, a, record::record_kind::segment, 0);
    const auto s2 = seq_of(c, t.second_session, record::record_kind::segment, 0);
    const auto one = slurp(out / file_of(c, s1));
    const auto two = slurp(out / file_of(c, s2));
    overwrite(out / file_of(c, s1), two);
    overwrite(out / file_of(c, s2), one);
    auto r = finish(out);
    CHECK(names(r, "object_mismatch", file_of(c, s1), rec(s1)));
    CHECK(names(r, "object_mismatch", file_of(c, s2), rec(s2)));
  }
  SECTION("swap_annotation") {
    const auto out = t.export_session(a, "b");
    const auto start = seq_of(c, a, record::record_kind::annotation, 0);
    const auto stop = seq_of(c, a, record::record_kind::annotation, 1);
    const auto one = slurp(out / file_of(c, start));
    const auto two = slurp(out / file_of(c, stop));
    overwrite(out / file_of(c, start), two);
    overwrite(out / file_of(c, stop), one);
    auto r = finish(out);
    CHECK(names(r, "object_mismatch", file_of(c, start), rec(start)));
    CHECK(names(r, "object_mismatch", file_of(c, stop), rec(stop)));
  }
  SECTION("truncate_last_segment") {
    const auto out = t.export_session(a, "b");
    const auto seq = seq_of(c, a, record::record_kind::segment, 1);
    auto text = slurp(out / file_of(c, seq));
    text.pop_back();
    overwrite(out / file_of(c, seq), text);
    auto r = finish(out);
    CHECK(names(r, "object_mismatch", file_of(c, seq), rec(seq)));
  }
  SECTION("edit_report_json") {
    const auto out = t.export_session(a, "b");
    auto text = slurp(out / "report.json");
    const auto at = text.find("\"chain_verdict\": \"authentic\"");
    REQUIRE(at != std::string::npos);
    text.replace(at, 28, "\"chain_verdict\": \"authentik\"");
    overwrite(out / "report.json", text);
    auto r = finish(out);
    CHECK(names(r, "report_mismatch", "report.json", ""));
    if (!rewrite) CHECK(names(r, "checksum_mismatch", "report.json", ""));
  }
  SECTION("replace_device_key") {
    const auto out = t.export_session(a, "b");
    overwrite(out / "keys/cam-0001.pub",
               crypto::format_public_key_line({"cam-0001", bodycam::tests::fixed_key(77).public_key()}));
    auto r = finish(out);
    const auto edge = seq_of(c, a, record::record_kind::session_start, 0) - 1;
    CHECK(names(r, "wrong_key", rec(edge), rec(edge)));
    CHECK(names(r, "wrong_key", "keys/cam-0001.pub", ""));
  }
  SECTION("remove_edge_record") {
    const auto out = t.export_session(a, "b");
    const auto manifest = nlohmann::json::parse(slurp(out / "manifest.json"));
    const std::uint64_t edge = manifest["devices"][0]["end_seq"].get<std::uint64_t>() - 1;
    REQUIRE(edge > seq_of(c, a, record::record_kind::annotation, 1));  // the neighbour after the session
    fs::remove(out / rec(edge));
    auto r = finish(out);
    CHECK(names(r, "record_missing", rec(edge), rec(edge)));
  }
}

TEST_CASE("bad bundles: extra files, escaping paths, links, junk and no manifest", "[integration]") {
  two_shift_store t;
  const auto out = t.export_session(t.first_session, "b");
  SECTION("a bundle with an extra file is not authentic, naming it") {
    std::ofstream(out / "files/cam-0001/extra.mp4") << "planted";
    auto r = bundle::verify_bundle(out);
    CHECK(r.verdict == chain::verdict::not_authentic);
    CHECK(names(r, "extra_file", "files/cam-0001/extra.mp4", ""));
  }
  SECTION("SHA256SUMS naming ../ or an absolute path: unsafe_path, never opened") {
    std::ofstream(t.dir / "outside") << "secret";
    auto sums = slurp(out / "SHA256SUMS");
    sums += crypto::sha256(std::string("secret")).to_hex() + "  ../outside\n";
    sums += crypto::sha256(std::string("secret")).to_hex() + "  /etc/passwd\n";
    overwrite(out / "SHA256SUMS", sums);
    auto r = bundle::verify_bundle(out);
    CHECK(r.verdict == chain::verdict::not_authentic);
    CHECK(names(r, "unsafe_path", "../outside", ""));
    CHECK(names(r, "unsafe_path", "/etc/passwd", ""));
  }
  SECTION("a symlink in the bundle is not followed") {
    fs::create_symlink("/etc/passwd", out / "files/cam-0001/link.mp4");
    auto r = bundle::verify_bundle(out);
    CHECK(r.verdict == chain::verdict::not_authentic);
    CHECK(names(r, "unsafe_path", "files/cam-0001/link.mp4", ""));
  }
  SECTION("a huge record in place of a real one is malformed, named, not authentic") {
    const auto seq = seq_of(t.cam, t.first_session, record::record_kind::segment, 0);
    overwrite(out / ("records/cam-0001/" + std::to_string(seq)), std::string(std::size_t{3} << 20, 'x'));
    rewrite_sums(out);
    auto r = bundle::verify_bundle(out);
    CHECK(r.verdict == chain::verdict::not_authentic);
    CHECK(names(r, "malformed", "records/cam-0001/" + std::to_string(seq), ""));
  }
  SECTION("malformed SHA256SUMS or a missing manifest: cannot verify (exit 3)") {
    overwrite(out / "SHA256SUMS", "not a checksum line\n");
    CHECK(bundle::verify_bundle(out).verdict == chain::verdict::cannot_verify);
  }
  SECTION("no such folder: cannot verify") {
    CHECK(bundle::verify_bundle(t.dir / "nowhere").verdict == chain::verdict::cannot_verify);
  }
  SECTION("export of a session that does not exist is refused and writes no access entry") {
    crypto::software_signer clerk(bodycam::tests::fixed_key(50));
    bundle::export_request request;
    request.what.session = record::session_id{};
    request.out = t.dir / "none";
    request.clerk_id = "clerk-1";
    auto e = bundle::export_bundle(t.s, request, clerk);
    REQUIRE_FALSE(e.has_value());
    CHECK(e.error().code == core::errc::not_found);
    CHECK(bodycam::tools::registers::read_register(t.s, store::entry_namespace::access).value().entry_count() == 2);
    CHECK_FALSE(fs::exists(t.dir / "none"));
  }
}

TEST_CASE("no access entry, no export: a store that cannot take the entry refuses the export", "[fault]") {
  two_shift_store t;
  const auto root = t.dir / "store";
  store::directory_store_options options;
  options.faults = [](store::write_step step, const store::store_key& key) {
    return key.str().starts_with("access/") && step == store::write_step::sync_file ? ENOSPC : 0;
  };
  auto failing = store::open_directory_store(root, options).value();
  crypto::software_signer clerk(bodycam::tests::fixed_key(50));
  bundle::export_request request;
  request.what.session = t.first_session;
  request.out = t.dir / "refused";
  request.clerk_id = "clerk-1";
  request.department = "d";
  request.reference = "r";
  auto e = bundle::export_bundle(failing, request, clerk);
  REQUIRE_FALSE(e.has_value());
  CHECK(e.error().code == core::errc::no_space);
  CHECK(e.error().context.find("export refused: the access register could not be written") == 0);
  CHECK_FALSE(fs::exists(t.dir / "refused"));
  bool partial = false;
  for (const auto& entry : fs::directory_iterator(t.dir.path()))
    partial = partial || entry.path().filename().string().find("partial") != std::string::npos;
  CHECK_FALSE(partial);
  CHECK(bodycam::tools::registers::read_register(t.s, store::entry_namespace::access).value().entry_count() == 0);
}

TEST_CASE("an export that fails after its access entry registers its outcome as failed, with the reason",
          "[integration]") {
  two_shift_store t;
  // A stored segment rotted underneath the store: the copy is re-hashed on the way and does not match.
  const auto seq = seq_of(t.cam, t.first_session, record::record_kind::segment, 0);
  const auto& payload = std::get<record::segment_payload>(t.cam.records().at(seq).body.body);
  const auto object = t.dir / "store/objects/sha256" / payload.file_sha256.to_hex();
  fs::permissions(object, fs::perms::owner_write, fs::perm_options::add);
  {
    std::fstream f(object, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(0);
    f.put('\x7f');
  }
  crypto::software_signer clerk(bodycam::tests::fixed_key(50));
  bundle::export_request request;
  request.what.session = t.first_session;
  request.out = t.dir / "bundle";
  request.clerk_id = "clerk-1";
  request.department = "records unit";
  request.reference = "CASE-7";
  auto done = bundle::export_bundle(t.s, request, clerk);
  REQUIRE_FALSE(done.has_value());
  CHECK(done.error().code == core::errc::corrupt);
  CHECK_FALSE(fs::exists(t.dir / "bundle"));
  auto book = bodycam::tools::registers::read_register(t.s, store::entry_namespace::access).value();
  REQUIRE(book.entry_count() == 2);
  CHECK(book.clerks[0].entries[0].body.action == "export");
  const auto& outcome = book.clerks[0].entries[1].body.action;
  INFO(outcome);
  CHECK(outcome.starts_with("failed clerk-1.0: "));
  CHECK(outcome.find(payload.file_name) != std::string::npos);  // the reason names the file
  CHECK(outcome.find("does not match") != std::string::npos);
}

TEST_CASE("manifest_field_of_wrong_type: a manifest whose format is an array is unreadable, the verifier does not crash") {
  // The input the bundle_manifest fuzzer found (fuzz/regressions/bundle_manifest/): a duplicate "format" key whose
  // last value is an array made nlohmann's value() throw out of verify_bundle.
  temp_dir dir;
  const std::string manifest = R"({"format":"bodycam-bundle","format":[{"files":["objects/sha256/00"]}]})";
  bodycam::tests::write_text(dir.path() / "manifest.json", manifest);
  bodycam::tests::write_text(dir.path() / "SHA256SUMS", crypto::sha256(manifest).to_hex() + "  manifest.json\n");
  const auto report = bundle::verify_bundle(dir.path());
  CHECK(report.verdict == chain::verdict::cannot_verify);
  REQUIRE(report.findings.size() == 1);
  CHECK(report.findings[0].code == "bundle_unreadable");
  CHECK(report.findings[0].file == "manifest.json");
}

}  // namespace bundle_test

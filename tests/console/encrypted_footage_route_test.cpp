// [integration] The console and encrypted footage (console/web/footage_routes.cpp): a session recorded by the
// camera's pipeline and stored encrypted. Without a footage key configured, its playback page, a file and the
// viewing copy answer 409 with a page saying the footage is encrypted and no key is configured — no 500, no
// access entry. With the key ([footage] of the config; here the chest itself), a file download is the record's
// plaintext, the playback page and the viewing copy are answered, each after its access entry, the key opened
// only once an entry is stored; an officer whose footage it is not still gets 403 and no entry. The approved
// export's bundle download is refused the same way without a key, and carries the plaintexts with it.
#include "common/crypto/footage_key_file.hpp"
#include "console/access/route_policy.hpp"
#include "tests/console/console_fixture.hpp"
#include "tests/support/files.hpp"
#include "tests/support/process.hpp"
#include "tests/tools/copy/recorded_footage.hpp"

#include <catch2/catch.hpp>

#include <cstring>

namespace ac = bodycam::console::access;
namespace web = bodycam::console::web;
namespace crypto = bodycam::common::crypto;
namespace core = bodycam::common::core;
namespace fs = std::filesystem;
using bodycam::tests::console_fixture;

namespace {

constexpr std::string_view passphrase = "console footage passphrase";

std::uint8_t bit(ac::role r) { return static_cast<std::uint8_t>(r); }

}  // namespace

TEST_CASE("encrypted sessions in the console: no key configured says so; with the key, decrypted after the entry",
          "[integration]") {
  console_fixture f;
  fs::create_directories(f.dir / "footage");
  const auto files = bodycam::tests::record_segments(f.dir / "footage", 2);
  auto agency = crypto::footage_secret_key::generate(crypto::system_random()).value();
  auto sealed = crypto::seal_footage_secret_key(
                    agency, "agency",
                    core::byte_view(reinterpret_cast<const std::uint8_t*>(passphrase.data()), passphrase.size()),
                    crypto::minimum_kdf_limits(), crypto::system_random())
                    .value();
  REQUIRE(crypto::write_sealed_footage_key(f.dir / "agency.sealed", sealed).has_value());
  const auto plaintexts = bodycam::tests::store_encrypted_session(f.camera, files, agency.public_key());
  f.add_person("clerk-1", bit(ac::role::clerk));
  f.add_person("officer-9", bit(ac::role::officer));
  f.add_person("sup-1", bit(ac::role::supervisor));
  const std::string cookie = f.login("clerk-1");
  const std::string approved = f.request_export("clerk-1");  // the two-person export of this session
  f.decide_export("sup-1", approved, true);
  const std::string bundle_target = "/exports/" + approved + "/bundle.tar";
  std::uint64_t first_seq = 0;  // the first segment of this (encrypted) session
  for (auto it = f.camera.records().rbegin(); it != f.camera.records().rend(); ++it)
    if (const auto* sg = std::get_if<bodycam::common::record::segment_payload>(&it->body.body);
        sg && sg->session == f.camera.session())
      first_seq = it->body.seq;
  REQUIRE(first_seq > 0);
  const std::string file_target = f.session_path() + "/files/" + std::to_string(first_seq);

  SECTION("no key configured: the pages say the footage is encrypted; no 500, no access entry") {
    const std::size_t before = f.access_entries();
    for (const std::string& target : {f.session_path() + "/play", file_target, f.session_path() + "/copy.mp4"}) {
      const auto r = f.get(target, cookie);
      INFO(target << ": " << r.body.substr(0, 400));
      CHECK(r.status == 409);
      CHECK(r.body.find("encrypted footage") != std::string::npos);
      CHECK(r.body.find("no footage key is configured") != std::string::npos);
    }
    CHECK(f.access_entries() == before);
    const auto bundle = f.get(bundle_target, cookie);  // the approved export: refused the same way
    INFO(bundle.body.substr(0, 600));
    CHECK(bundle.status == 409);
    CHECK(bundle.body.find("is encrypted footage") != std::string::npos);
    CHECK(bundle.body.find("No footage key is configured") != std::string::npos);
    CHECK(f.access_entries() == before);
    CHECK(f.get(f.session_path(), cookie).status == 200);  // the session's page (records, notes) still shows
  }

  SECTION("with the key: each answer after its access entry, the file is the record's plaintext") {
    int reads = 0;
    std::size_t entries_at_first_read = 0;
    bodycam::tools::decryption::footage_key_chest chest(
        bodycam::tools::decryption::load_footage_key_ring({(f.dir / "agency.sealed").string()}, {}).value(),
        [&]() -> core::expected<crypto::guarded_bytes> {
          if (reads++ == 0) entries_at_first_read = f.access_entries();
          crypto::guarded_bytes out(passphrase.size());
          std::memcpy(out.data(), passphrase.data(), passphrase.size());
          return out;
        });
    f.handler = std::make_unique<web::console_handler>(web::console_context{
        &f.store, f.agency.root().public_key(), &f.cookie_key, f.dir / "accounts", &*f.lockout, nullptr,
        std::chrono::hours(8), [&f] { return f.now; }, f.dir / "exports", {}, {}, f.catalogue.get(), {}, &chest});
    const std::string with_key = f.login("clerk-1");

    const std::size_t before = f.access_entries();
    CHECK(f.get(file_target, f.login("officer-9")).status == 403);  // not officer-9's footage
    CHECK(f.access_entries() == before);
    CHECK(reads == 0);

    const auto file = f.get(file_target, with_key);
    INFO(file.body.substr(0, 300));
    REQUIRE(file.status == 200);
    CHECK(reads == 1);
    CHECK(entries_at_first_read == before + 1);  // the download's entry was stored before the key was opened
    CHECK(f.access_entries() == before + 2);     // and its outcome after
    CHECK(file.content_type == "video/mp4");
    CHECK(file.body == bodycam::tests::slurp(files.front()));
    CHECK(crypto::sha256(std::string_view(file.body)) == plaintexts.front().sha256);

    const auto part = f.get(file_target, with_key, {{"range", "bytes=0-99"}});
    REQUIRE(part.status == 206);
    CHECK(part.body == file.body.substr(0, 100));

    CHECK(f.get(f.session_path() + "/play", with_key).status == 200);
    const auto copy = f.get(f.session_path() + "/copy.mp4", with_key);
    INFO(copy.body.substr(0, 300));
    REQUIRE(copy.status == 200);
    CHECK(copy.body.substr(4, 4) == "ftyp");
    bodycam::tests::write_text(f.dir / "answered.mp4", copy.body);
    const auto frames = bodycam::tests::run_process({"ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
                                                     "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0",
                                                     (f.dir / "answered.mp4").string()});
    REQUIRE(frames.exit_code == 0);
    CHECK(std::stol(frames.out) > 0);
    CHECK(reads == 1);  // the passphrase is read once

    const auto bundle = f.get(bundle_target, with_key);  // the approved export, decrypted after its entry
    INFO(bundle.body.substr(0, 300));
    REQUIRE(bundle.status == 200);
    CHECK(bundle.content_type == "application/x-tar");
    CHECK(bundle.body.find("decrypted_files") != std::string::npos);  // manifest.json inside the archive
  }
}

// [integration] The console's viewing copy (H10): a session recorded by the camera's own pipeline is answered
// as one MP4 from /sessions/<device>/<session>/copy.mp4 — access entry first, outcome after, built once into
// the cache outside the store and answered from there the next time, with Range — and refused (403, no entry)
// to an officer whose footage it is not.
#include "console/access/route_policy.hpp"
#include "tests/console/console_fixture.hpp"
#include "tests/support/files.hpp"
#include "tests/support/process.hpp"
#include "tests/tools/copy/recorded_footage.hpp"
#include "tools/copy/viewing_copy.hpp"

#include <catch2/catch.hpp>

namespace ac = bodycam::console::access;
namespace fs = std::filesystem;
using bodycam::tests::console_fixture;

namespace {

using bodycam::tests::role_bit;

std::vector<fs::path> cached_copies(const fs::path& cache) {
  std::vector<fs::path> out;
  if (!fs::exists(cache)) return out;
  for (const auto& e : fs::directory_iterator(cache))
    if (e.path().extension() == ".mp4") out.push_back(e.path());
  return out;
}

}  // namespace

TEST_CASE("the viewing copy route answers one MP4 of the session, access entry first, cached outside the store",
          "[integration]") {
  console_fixture f;
  fs::create_directories(f.dir / "footage");
  const auto files = bodycam::tests::record_segments(f.dir / "footage", 3);
  bodycam::tests::store_session(f.camera, files);
  f.add_person("clerk-1", role_bit(ac::role::clerk));
  f.add_person("officer-9", role_bit(ac::role::officer));
  const std::string target = f.session_path() + "/copy.mp4";
  const fs::path cache = f.dir / "exports" / "viewing-copies";

  const std::size_t before = f.access_entries();
  CHECK(f.get(target, f.login("officer-9")).status == 403);  // not officer-9's footage
  CHECK(f.access_entries() == before);

  const std::string cookie = f.login("clerk-1");
  const auto first = f.get(target, cookie);
  INFO(first.body.substr(0, 300));
  REQUIRE(first.status == 200);
  CHECK(first.content_type == "video/mp4");
  CHECK(first.body.substr(4, 4) == "ftyp");
  CHECK(f.access_entries() == before + 2);  // the access entry and its outcome
  REQUIRE(cached_copies(cache).size() == 1);
  const fs::path cached = cached_copies(cache).front();
  CHECK(bodycam::tests::slurp(cached) == first.body);
  auto check =
      bodycam::tools::copy::check_viewing_copy(cached, bodycam::tools::copy::manifest_path_of(cached), &f.store);
  REQUIRE(check);
  CHECK(check->authentic());
  CHECK(check->originals_checked == files.size());
  bodycam::tests::write_text(f.dir / "answered.mp4", first.body);
  auto probe = bodycam::tests::run_process({"/usr/bin/ffprobe", "-v", "error", "-show_entries", "format=format_name",
                                            "-of", "csv=p=0", (f.dir / "answered.mp4").string()});
  CHECK(probe.exit_code == 0);
  CHECK(probe.out.find("mp4") != std::string::npos);

  // Its manifest: signed by the clerk, naming this very copy; its own two entries.
  const auto manifest = f.get(target + ".manifest.json", cookie);
  REQUIRE(manifest.status == 200);
  CHECK(f.access_entries() == before + 4);
  auto parsed = bodycam::tools::copy::parse_manifest(manifest.body);
  REQUIRE(parsed);
  CHECK(bodycam::tools::copy::manifest_signature_ok(*parsed));
  CHECK(parsed->signer == f.signer_of("clerk-1").public_key());
  CHECK(parsed->copy_sha256 == bodycam::common::crypto::sha256(std::string_view(first.body)));
  CHECK(parsed->segments.size() == files.size());

  // Again, with a Range: answered from the cache (no second copy), its own two entries.
  const auto part = f.get(target, cookie, {{"range", "bytes=0-99"}});
  CHECK(part.status == 206);
  CHECK(part.body == first.body.substr(0, 100));
  CHECK(f.access_entries() == before + 6);
  CHECK(cached_copies(cache).size() == 1);
  // Nothing of the copy went into the store: its objects are the originals only.
  std::size_t objects = 0;
  REQUIRE(f.store.for_each_object([&](const bodycam::common::crypto::sha256_digest&) {
    ++objects;
    return true;
  }));
  std::size_t files_recorded = 0;
  for (const auto& r : f.camera.records())
    if (std::holds_alternative<bodycam::common::record::segment_payload>(r.body.body) ||
        std::holds_alternative<bodycam::common::record::annotation_payload>(r.body.body))
      ++files_recorded;
  CHECK(objects == files_recorded);
}

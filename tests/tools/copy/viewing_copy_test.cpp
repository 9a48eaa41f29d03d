// [integration] A viewing copy of a session recorded by the camera's own pipeline: one ordinary MP4 that
// ffprobe sees as mov/mp4 without fragments, as long as its segments together, with no timestamp jump at the
// boundaries; its manifest verifies; each attack on it is caught (flip_byte_in_copy, edit_manifest), and a
// missing segment is refused — or, with allow_gaps, left out as a real gap and listed. [fault]: no access
// entry, no copy.
#include "common/store/directory_backend.hpp"
#include "tests/support/files.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/tools/copy/recorded_footage.hpp"
#include "tools/copy/viewing_copy.hpp"
#include "tools/registers/register_book.hpp"

#include <fstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace bodycam::common;
namespace fs = std::filesystem;
namespace cp = bodycam::tools::copy;
using bodycam::tests::footage_frame_seconds;
using bodycam::tests::run_process;
using bodycam::tests::temp_dir;

namespace {

constexpr double audio_frame_seconds = 1024.0 / 48'000;

struct probed {
  std::string type;
  double dts = 0;
  double duration = 0;
};

nlohmann::json ffprobe(const std::vector<std::string>& entries, const fs::path& file) {
  std::vector<std::string> argv{"/usr/bin/ffprobe", "-v", "error"};
  argv.insert(argv.end(), entries.begin(), entries.end());
  argv.insert(argv.end(), {"-of", "json", file.string()});
  auto r = run_process(argv);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return nlohmann::json::parse(r.out);
}

double format_duration(const fs::path& file) {
  return std::stod(ffprobe({"-show_entries", "format=duration"}, file)["format"]["duration"].get<std::string>());
}

std::vector<probed> packets(const fs::path& file);

// From the earliest packet to the end of the latest, as ffprobe sees them. (ffprobe's format duration of a
// fragmented segment is where it ends, not how long it is, since the recorder's timestamps run on.)
double span(const fs::path& file) {
  double first = 1e18, end = -1e18;
  for (const auto& p : packets(file)) {
    first = std::min(first, p.dts);
    end = std::max(end, p.dts + p.duration);
  }
  return end - first;
}

std::vector<probed> packets(const fs::path& file) {
  std::vector<probed> out;
  const auto probed_file = ffprobe({"-show_entries", "packet=codec_type,dts_time,duration_time"}, file);
  for (const auto& p : probed_file["packets"])
    out.push_back({p["codec_type"].get<std::string>(), std::stod(p["dts_time"].get<std::string>()),
                   std::stod(p.value("duration_time", std::string("0")))});
  return out;
}

// The top-level box types of an MP4 file, in order.
std::vector<std::string> top_level_boxes(const fs::path& file) {
  const std::string bytes = bodycam::tests::slurp(file);
  std::vector<std::string> types;
  std::size_t at = 0;
  while (at + 8 <= bytes.size()) {
    std::uint64_t size = 0;
    for (int i = 0; i < 4; ++i)
      size = (size << 8) | static_cast<unsigned char>(bytes[at + static_cast<std::size_t>(i)]);
    types.push_back(bytes.substr(at + 4, 4));
    if (size == 1 && at + 16 <= bytes.size()) {
      size = 0;
      for (int i = 8; i < 16; ++i)
        size = (size << 8) | static_cast<unsigned char>(bytes[at + static_cast<std::size_t>(i)]);
    }
    if (size < 8) break;
    at += size;
  }
  return types;
}

// The largest step of dts from one packet of `type` to the next; REQUIREs they strictly increase.
double largest_step(const std::vector<probed>& all, const std::string& type) {
  double last = -1e9, largest = 0;
  bool first = true;
  for (const auto& p : all) {
    if (p.type != type) continue;
    if (!first) {
      INFO(type << " dts " << p.dts << " after " << last);
      REQUIRE(p.dts > last);
      largest = std::max(largest, p.dts - last);
    }
    last = p.dts;
    first = false;
  }
  REQUIRE_FALSE(first);
  return largest;
}

struct recorded_store {
  temp_dir dir;
  fs::path store_path = dir / "store";
  std::vector<fs::path> files;
  store::store s = store::open_directory_store(store_path, true).value();
  bodycam::tests::evidence_camera cam{s, "cam-0001", 1};
  crypto::software_signer clerk{bodycam::tests::fixed_key(7)};
  recorded_store() {
    fs::create_directories(dir / "footage");
    files = bodycam::tests::record_segments(dir / "footage", 3);
    bodycam::tests::store_session(cam, files);
  }
  cp::copy_request request(const fs::path& out) const {
    cp::copy_request r;
    r.device = cam.device();
    r.session = cam.session();
    r.out = out;
    r.person = "clerk-1";
    r.department = "records unit";
    r.reference = "FOI-7";
    r.now = cam.now();
    return r;
  }
  fs::path object_path(std::size_t segment) const {
    const auto digest = crypto::sha256(std::string_view(bodycam::tests::slurp(files.at(segment))));
    return store_path / "objects/sha256" / digest.to_hex();
  }
  double total_duration() const {
    double sum = 0;
    for (const auto& f : files) sum += span(f);
    return sum;
  }
};

}  // namespace

TEST_CASE("a session's segments become one non-fragmented MP4 that plays straight through", "[integration]") {
  recorded_store t;
  REQUIRE(t.files.size() >= 3);
  const fs::path out = t.dir / "copy.mp4";
  auto done = cp::make_viewing_copy(t.s, t.request(out), t.clerk);
  REQUIRE(done);
  CHECK(done->access_entry == "access/clerk-1.0");
  CHECK(done->outcome_entry == "access/clerk-1.1");
  REQUIRE(fs::exists(out));
  REQUIRE(fs::exists(done->manifest_path));

  // mov/mp4, the index first (+faststart), no fragment anywhere.
  const auto format = ffprobe({"-show_entries", "format=format_name"}, out)["format"]["format_name"].get<std::string>();
  CHECK(format.find("mp4") != std::string::npos);
  const auto boxes = top_level_boxes(out);
  INFO("boxes: " << nlohmann::json(boxes).dump());
  CHECK(std::find(boxes.begin(), boxes.end(), "moof") == boxes.end());
  CHECK(std::find(boxes.begin(), boxes.end(), "mvex") == boxes.end());
  const auto moov = std::find(boxes.begin(), boxes.end(), "moov");
  const auto mdat = std::find(boxes.begin(), boxes.end(), "mdat");
  REQUIRE(moov != boxes.end());
  REQUIRE(mdat != boxes.end());
  CHECK(moov < mdat);
  CHECK(bodycam::tests::slurp(out).find("moof") == std::string::npos);

  // As long as the segments together, within one frame; every packet of every segment is in it.
  const double total = t.total_duration();
  CHECK(std::abs(format_duration(out) - total) <= footage_frame_seconds);
  CHECK(std::abs(static_cast<double>(done->manifest.copy_duration.count()) / 1e6 - total) <= footage_frame_seconds);
  std::size_t segment_packets = 0;
  for (const auto& f : t.files) segment_packets += packets(f).size();
  const auto all = packets(out);
  CHECK(all.size() == segment_packets);
  // No timestamp gap: dts strictly increase, never by more than two frames (the boundaries included).
  CHECK(largest_step(all, "video") <= 2 * footage_frame_seconds + 1e-6);
  CHECK(largest_step(all, "audio") <= 2 * audio_frame_seconds + 1e-6);

  // The manifest: every segment, back to back, and it verifies with the originals in the store.
  REQUIRE(done->manifest.segments.size() == t.files.size());
  for (std::size_t i = 0; i < t.files.size(); ++i) {
    const auto& g = done->manifest.segments[i];
    CHECK(g.index == i);
    CHECK(g.left_out.empty());
    CHECK(g.sha256 == crypto::sha256(std::string_view(bodycam::tests::slurp(t.files[i]))));
    CHECK(std::abs(static_cast<double>(g.duration.count()) / 1e6 - span(t.files[i])) <= footage_frame_seconds);
    if (i > 0) {
      const auto& p = done->manifest.segments[i - 1];
      CHECK(std::abs(static_cast<double>((g.start - (p.start + p.duration)).count()) / 1e6) <= footage_frame_seconds);
    }
  }
  auto check = cp::check_viewing_copy(out, done->manifest_path, &t.s);
  REQUIRE(check);
  INFO(nlohmann::json(check->problems).dump());
  CHECK(check->authentic());
  CHECK(check->originals_checked == t.files.size());

  SECTION("flip_byte_in_copy: the copy no longer matches its manifest") {
    fs::permissions(out, fs::perms::owner_write, fs::perm_options::add);
    {
      std::fstream io(out, std::ios::in | std::ios::out | std::ios::binary);
      io.seekg(static_cast<std::streamoff>(fs::file_size(out) / 2));
      const int c = io.get();
      io.seekp(static_cast<std::streamoff>(fs::file_size(out) / 2));
      io.put(static_cast<char>(c ^ 0x01));
    }
    auto c = cp::check_viewing_copy(out, done->manifest_path, &t.s);
    REQUIRE(c);
    CHECK(c->manifest_signed);
    CHECK_FALSE(c->copy_matches);
    CHECK_FALSE(c->authentic());
  }
  SECTION("edit_manifest: a changed member breaks the signature") {
    std::string text = bodycam::tests::slurp(done->manifest_path);
    const auto at = text.find("\"made_by\": \"clerk-1\"");
    REQUIRE(at != std::string::npos);
    text.replace(at, 20, "\"made_by\": \"clerk-2\"");
    fs::permissions(done->manifest_path, fs::perms::owner_write, fs::perm_options::add);
    bodycam::tests::write_text(done->manifest_path, text);
    auto c = cp::check_viewing_copy(out, done->manifest_path, &t.s);
    REQUIRE(c);
    CHECK_FALSE(c->manifest_signed);
    CHECK(c->copy_matches);
    CHECK_FALSE(c->authentic());
  }
  SECTION("resign_manifest_with_another_key: it verifies, but the access entry it names is not that signer's") {
    auto forged = cp::parse_manifest(bodycam::tests::slurp(done->manifest_path)).value();
    crypto::software_signer mallory{bodycam::tests::fixed_key(66)};
    const auto text = cp::sign_manifest(forged, mallory).value();
    fs::permissions(done->manifest_path, fs::perms::owner_write, fs::perm_options::add);
    bodycam::tests::write_text(done->manifest_path, text);
    auto c = cp::check_viewing_copy(out, done->manifest_path, &t.s);
    REQUIRE(c);
    CHECK(c->manifest_signed);
    CHECK(c->copy_matches);
    CHECK_FALSE(c->authentic());
    REQUIRE(c->problems.size() == 1);
    CHECK(c->problems.front().find("was not signed by clerk-1 with the key that signed the manifest") !=
          std::string::npos);
  }
  SECTION("remade from the same originals, the copy has the same bytes (R3: anyone can re-derive it)") {
    auto again = cp::make_viewing_copy(t.s, t.request(t.dir / "again.mp4"), t.clerk);
    REQUIRE(again);
    CHECK(again->manifest.copy_sha256 == done->manifest.copy_sha256);
    CHECK(bodycam::tests::slurp(t.dir / "again.mp4") == bodycam::tests::slurp(out));
  }
  SECTION("an existing output is never replaced") {
    auto again = cp::make_viewing_copy(t.s, t.request(out), t.clerk);
    REQUIRE_FALSE(again);
    CHECK(again.error().code == core::errc::already_exists);
  }
}

TEST_CASE("remove_one_segment: the copy is refused naming the segment, or made with a listed gap", "[integration]") {
  recorded_store t;
  const fs::path missing = t.object_path(1);
  REQUIRE(fs::exists(missing));
  fs::remove(missing);
  const fs::path out = t.dir / "copy.mp4";

  SECTION("refused without allow_gaps: no copy, no manifest, the outcome says failed") {
    auto done = cp::make_viewing_copy(t.s, t.request(out), t.clerk);
    REQUIRE_FALSE(done);
    CHECK(done.error().code == core::errc::not_found);
    CHECK(done.error().context.find("segment 1 (record") != std::string::npos);
    CHECK(done.error().context.find("missing from the store") != std::string::npos);
    CHECK_FALSE(fs::exists(out));
    CHECK_FALSE(fs::exists(cp::manifest_path_of(out)));
    auto book = bodycam::tools::registers::read_register(t.s, store::entry_namespace::access);
    REQUIRE(book);
    REQUIRE(book->clerks.size() == 1);
    const auto& entries = book->clerks.front().entries;
    REQUIRE(entries.size() == 2);
    CHECK(entries[0].body.action == "viewing_copy");
    CHECK(entries[1].body.action.starts_with("failed clerk-1.0"));
    for (const auto& e : fs::directory_iterator(t.dir.path()))  // nothing staged is left behind
      CHECK(e.path().filename().string().find(".copy.mp4.") == std::string::npos);
  }
  SECTION("with allow_gaps: the segment's time stays as a gap, listed in the manifest") {
    auto request = t.request(out);
    request.allow_gaps = true;
    auto done = cp::make_viewing_copy(t.s, request, t.clerk);
    REQUIRE(done);
    REQUIRE(done->manifest.segments.size() == t.files.size());
    const auto& gap = done->manifest.segments[1];
    CHECK(gap.left_out == "missing");
    const double missing_seconds = span(t.files[1]);
    CHECK(std::abs(static_cast<double>(gap.duration.count()) / 1e6 - missing_seconds) <= footage_frame_seconds);
    // The copy keeps the session's timeline: as long as all segments, with a video jump of the gap's length.
    CHECK(std::abs(format_duration(out) - t.total_duration()) <= footage_frame_seconds);
    CHECK(largest_step(packets(out), "video") >= missing_seconds);
    auto check = cp::check_viewing_copy(out, done->manifest_path, &t.s);
    REQUIRE(check);
    CHECK(check->authentic());
    CHECK(check->left_out == 1);
    CHECK(check->originals_checked == t.files.size() - 1);
  }
}

TEST_CASE("no access entry, no copy: a store that cannot take the entry refuses before reading footage", "[fault]") {
  recorded_store t;
  store::directory_store_options options;
  options.faults = [](store::write_step step, const store::store_key& key) {
    return key.str().starts_with("access/") && step == store::write_step::sync_file ? ENOSPC : 0;
  };
  auto failing = store::open_directory_store(t.store_path, options).value();
  const fs::path out = t.dir / "refused.mp4";
  auto done = cp::make_viewing_copy(failing, t.request(out), t.clerk);
  REQUIRE_FALSE(done);
  CHECK(done.error().code == core::errc::no_space);
  CHECK(done.error().context.find("refused: the access register could not be written") != std::string::npos);
  CHECK_FALSE(fs::exists(out));
  CHECK_FALSE(fs::exists(cp::manifest_path_of(out)));
  for (const auto& e : fs::directory_iterator(t.dir.path()))  // nothing was staged: no footage was read
    CHECK(e.path().filename().string().find(".refused.mp4.") == std::string::npos);
  CHECK(bodycam::tools::registers::read_register(t.s, store::entry_namespace::access).value().entry_count() == 0);
}

// `bodycam` refusing bad usage the documented way: exit 3 ("cannot"), a message on stderr that names the
// option at fault, nothing on stdout, and nothing written — not the store, not the bundle folder, not a
// register entry. Each case runs the real program.
#include "common/store/directory_backend.hpp"
#include "tests/support/files.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <filesystem>

#include <catch2/catch.hpp>

using namespace bodycam::common;
namespace fs = std::filesystem;
using bodycam::tests::temp_dir;

namespace {

constexpr int exit_cannot = 3;
constexpr int exit_usage = 64;  // the command line is not understood (tools/README.md, exit codes)

bodycam::tests::process_result run_bodycam_60s(std::vector<std::string> args) {
  return bodycam::tests::run_bodycam(std::move(args), std::chrono::seconds(60));
}

// Runs `args`, checks the refusal (exit `code`) and that stderr says `says`.
void check_refused(const std::vector<std::string>& args, const std::string& says, int code = exit_cannot) {
  const auto r = run_bodycam_60s(args);
  INFO("bodycam stderr: " << r.err);
  REQUIRE_FALSE(r.timed_out);
  CHECK(r.exit_code == code);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Catch::Contains(says));
}

std::size_t files_under(const fs::path& root) {
  std::size_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file()) ++n;
  return n;
}

}  // namespace

TEST_CASE("no verb, an unknown verb or a missing required option are usage errors (64) that say what to type", "[e2e]") {
  check_refused({}, "say which verb: keygen, verify", exit_usage);
  check_refused({"frobnicate"}, "'frobnicate' is not a verb", exit_usage);
  check_refused({"retention"}, "say which verb: hold, release, expire", exit_usage);
  // Every missing required option, named at once.
  check_refused({"export", "/nonexistent-store", "--out", "/nonexistent-bundle"},
                "bodycam export: missing --clerk-key, --department and --reference", exit_usage);
  SECTION("--help is not an error") {
    const auto help = run_bodycam_60s({"--help"});
    CHECK(help.exit_code == 0);
    CHECK_THAT(help.out, Catch::Contains("retention"));
  }
}

TEST_CASE("verify and audit take --jobs 1..256 only; anything else is a usage error (64)", "[e2e]") {
  for (const std::string verb : {"verify", "audit"})
    for (const std::string jobs : {"0", "257", "two", "-1"}) {
      INFO(verb << " --jobs " << jobs);
      check_refused({verb, "/nonexistent-store", "--jobs", jobs}, "--jobs", exit_usage);
    }
}

TEST_CASE("bodycam audit --sample takes only n/m with 1 <= n <= m", "[e2e]") {
  temp_dir dir("bodycam-usage");
  const std::string store = dir / "no-store";
  for (const std::string bad : {"0/3", "4/3", "1/0", "1/3x", "three", "1/2000000"})
    check_refused({"audit", store, "--sample", bad}, "--sample '" + bad + "': use n/m");
  CHECK_FALSE(fs::exists(store));
}

TEST_CASE("bodycam export refuses an ambiguous or backwards selection before opening the store", "[e2e]") {
  temp_dir dir("bodycam-usage");
  const std::string store = dir / "no-store";
  const std::string out = dir / "bundle";
  const std::vector<std::string> clerk{"--clerk-key", dir / "none.key", "--department", "records", "--reference", "R-1"};
  auto with = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"export", store, "--out", out});
    args.insert(args.end(), clerk.begin(), clerk.end());
    return args;
  };
  check_refused(with({"--session", "00112233445566778899aabbccddeeff", "--device", "cam-0001"}),
                "give either --session or --device with --from and --to");
  check_refused(with({"--device", "cam-0001", "--from", "2026-11-18T08:00:00Z"}),
                "give either --session ID or --device ID --from T --to T");
  check_refused(with({"--device", "cam-0001", "--from", "2026-11-18T08:00:00Z", "--to", "2026-11-18T07:00:00Z"}),
                "--to is before --from");
  check_refused(with({"--device", "cam-0001", "--from", "yesterday", "--to", "2026-11-18T07:00:00Z"}), "--from: ");
  check_refused(with({"--session", "not-hex"}), "--session: ");
  CHECK_FALSE(fs::exists(store));
  CHECK_FALSE(fs::exists(out));
}

TEST_CASE("bodycam copy refuses a bad device id before opening the store or the clerk's key", "[e2e]") {
  temp_dir dir("bodycam-usage");
  const std::string store = dir / "no-store";
  const std::string out = dir / "seg.mp4";
  check_refused({"copy", store, "--device", "not a device", "--seq", "4", "--out", out, "--clerk-key",
                 dir / "none.key", "--department", "records", "--reference", "R-1"},
                "--device: ");
  check_refused({"copy", store, "--device", "cam-0001", "--seq", "four", "--out", out, "--clerk-key",
                 dir / "none.key", "--department", "records", "--reference", "R-1"},
                "--seq", exit_usage);  // CLI11 refuses a non-number: the command line is not understood
  CHECK_FALSE(fs::exists(store));
  CHECK_FALSE(fs::exists(out));
}

TEST_CASE("bodycam retention hold refuses an unknown reason and a hold with neither session nor range", "[e2e]") {
  temp_dir dir("bodycam-usage");
  const std::string store = dir / "store";
  REQUIRE(store::open_directory_store(store, true));
  const std::size_t before = files_under(store);
  REQUIRE(before > 0);  // the marker, at least
  const std::vector<std::string> clerk{"--clerk-key", dir / "none.key", "--department", "records", "--reference", "R-1"};
  auto hold = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"retention", "hold", store});
    args.insert(args.end(), clerk.begin(), clerk.end());
    return args;
  };
  check_refused(hold({"--reason", "vacation", "--device", "cam-0001", "--session", "00112233445566778899aabbccddeeff"}),
                "--reason 'vacation': use evidence, complaint, major_incident or legal_hold");
  check_refused(hold({"--reason", "evidence", "--device", "cam-0001"}), "give --session, or --from");
  check_refused(hold({"--reason", "evidence", "--device", "not a device"}), "--device: ");
  check_refused(hold({"--reason", "evidence", "--device", "cam-0001", "--from", "last week"}), "--from: ");
  CHECK(files_under(store) == before);
}

TEST_CASE("bodycam retention expire refuses a policy shorter than six months, even as a dry run", "[e2e]") {
  temp_dir dir("bodycam-usage");
  const std::string store = dir / "store";
  REQUIRE(store::open_directory_store(store, true));
  const std::size_t before = files_under(store);
  check_refused({"retention", "expire", store, "--days", "30", "--dry-run"},
                "retention of 30 days is shorter than the 183-day minimum");
  CHECK(files_under(store) == before);
}

TEST_CASE("bodycam verify of a path that is neither ledger, records, store nor bundle cannot verify", "[e2e]") {
  temp_dir dir("bodycam-usage");
  check_refused({"verify", dir / "nothing-here"}, "bodycam verify: cannot verify: ");
  check_refused({"verify", dir / "nothing-here"}, "nothing-here: no such file or directory");
  const fs::path text = dir / "notes.txt";
  bodycam::tests::write_text(text, "not a ledger\n");
  check_refused({"verify", text}, "notes.txt: neither a ledger nor a directory of records");
}

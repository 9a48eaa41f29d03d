// The small formats of a court bundle, pure: RFC 3339 UTC times as clerks type them, SHA256SUMS lines as
// `sha256sum -c` reads them, and which paths a bundle may name (nothing absolute, hidden or escaping).
#include "common/crypto/sha256.hpp"
#include "tools/bundle/bundle_export.hpp"
#include "tools/bundle/bundle_report.hpp"

#include <catch2/catch.hpp>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace bundle_formats_test {

using namespace bodycam::common;
namespace bundle = bodycam::tools::bundle;
using namespace std::chrono_literals;

namespace {

const auto day = record::utc_time(std::chrono::sys_days(std::chrono::year(2026) / 11 / 18).time_since_epoch());

}  // namespace

TEST_CASE("parse_utc takes RFC 3339 UTC with optional fractions, and nothing else") {
  CHECK(bundle::parse_utc("2026-11-18T10:00:00Z").value() == day + 10h);
  CHECK(bundle::parse_utc("2026-11-18T10:00:00.25Z").value() == day + 10h + 250ms);
  CHECK(bundle::parse_utc("2026-11-18T23:59:59.123456789Z").value() == day + 23h + 59min + 59s + 123456789ns);
  for (const char* bad : {"2026-11-18T10:00:00", "2026-11-18T10:00:00+01:00", "2026-11-18 10:00:00Z", "yesterday",
                          "2026-13-01T00:00:00Z", "2026-11-18T24:00:00Z", "2026-11-18T10:60:00Z", ""}) {
    INFO(bad);
    const auto t = bundle::parse_utc(bad);
    REQUIRE_FALSE(t.has_value());
    CHECK(t.error().code == core::errc::invalid_argument);
    CHECK_THAT(t.error().context, Catch::Contains("use RFC 3339 UTC"));
  }
  const auto no_day = bundle::parse_utc("2026-02-30T10:00:00Z");
  REQUIRE_FALSE(no_day.has_value());
  CHECK(no_day.error().context == "time '2026-02-30T10:00:00Z': no such date");
}

TEST_CASE("SHA256SUMS: sorted by path on the way out, the same lines back, refused line by line") {
  const std::vector<bundle::sums_line> lines{{crypto::sha256("b"), "records/cam-0001/2"},
                                             {crypto::sha256("a"), "objects/a.mp4"}};
  const std::string text = bundle::format_sums(lines);
  CHECK(text == crypto::sha256("a").to_hex() + "  objects/a.mp4\n" + crypto::sha256("b").to_hex() +
                    "  records/cam-0001/2\n");
  const auto back = bundle::parse_sums(text).value();
  REQUIRE(back.size() == 2);
  CHECK(back[0].path == "objects/a.mp4");
  CHECK(back[0].sha256 == crypto::sha256("a"));
  CHECK(back[1].path == "records/cam-0001/2");
  CHECK(bundle::parse_sums("").value().empty());

  const std::string digest = crypto::sha256("a").to_hex();
  const auto refused = [](const std::string& sums, const std::string& says) {
    INFO(sums);
    const auto r = bundle::parse_sums(sums);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == core::errc::malformed);
    CHECK(r.error().context == says);
  };
  refused(digest + "  objects/a.mp4", "SHA256SUMS line 1: no newline at the end");
  refused(text + digest + " objects/a.mp4\n", "SHA256SUMS line 3: not '<sha256 hex>  <path>'");
  refused(digest + "  \n", "SHA256SUMS line 1: not '<sha256 hex>  <path>'");
  refused(std::string(64, 'g') + "  objects/a.mp4\n", "SHA256SUMS line 1: bad digest");
  SECTION("an unsafe path parses, for the caller to report") {
    const auto escaping = bundle::parse_sums(digest + "  ../../etc/passwd\n").value();
    REQUIRE(escaping.size() == 1);
    CHECK_FALSE(bundle::is_safe_bundle_path(escaping[0].path));
  }
}

TEST_CASE("a bundle path is relative, '/'-separated, of plain parts that do not start with a dot") {
  for (const char* ok : {"SHA256SUMS", "objects/a.mp4", "records/cam-0001/17", "a_b-c.D9"}) {
    INFO(ok);
    CHECK(bundle::is_safe_bundle_path(ok));
  }
  for (const char* bad : {"", "/etc/passwd", "../x", "a/../b", "a//b", "a/", ".hidden", "a/.b", "a b", "a\\b",
                          "caf\xc3\xa9"}) {
    INFO(bad);
    CHECK_FALSE(bundle::is_safe_bundle_path(bad));
  }
  CHECK(bundle::is_safe_bundle_path(std::string(255, 'a')));
  CHECK_FALSE(bundle::is_safe_bundle_path(std::string(256, 'a')));
  CHECK_FALSE(bundle::is_safe_bundle_path(std::string(4, 'a') + std::string(1100, '/')));
}

}  // namespace bundle_formats_test

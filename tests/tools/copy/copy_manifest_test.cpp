// The viewing copy's manifest (tools/copy/copy_manifest.hpp): it round-trips, its signature covers every
// member (each changed in turn: change_member_<name>), and a manifest with an added member or another format
// is refused.
#include "tests/support/chain_scenario.hpp"
#include "tools/copy/copy_manifest.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace bodycam::common;
namespace cp = bodycam::tools::copy;

namespace {

cp::viewing_manifest sample() {
  cp::viewing_manifest m;
  m.device = "cam-0001";
  m.session = "00112233445566778899aabbccddeeff";
  m.made_utc = "2026-11-30T09:00:00.000000000Z";
  m.made_by = "clerk-1";
  m.access_entry = "access/clerk-1.4";
  m.tool = "bodycam 0.1.0";
  m.remuxer = "libavformat 59.27.100";
  m.copy_file = "session.mp4";
  m.copy_sha256 = crypto::sha256(std::string_view("copy"));
  m.copy_bytes = 1234;
  m.copy_duration = std::chrono::microseconds(6'000'000);
  m.segments.push_back(
      {7, 0, "S1-000000.mp4", crypto::sha256(std::string_view("a")), 100, {}, std::chrono::seconds(2), ""});
  m.segments.push_back({8, 1, "S1-000001.mp4", crypto::sha256(std::string_view("b")), 200, std::chrono::seconds(2),
                        std::chrono::seconds(2), "missing"});
  return m;
}

}  // namespace

TEST_CASE("a signed manifest parses back to what was signed and verifies") {
  crypto::software_signer clerk(bodycam::tests::fixed_key(7));
  auto m = sample();
  auto text = cp::sign_manifest(m, clerk);
  REQUIRE(text);
  auto back = cp::parse_manifest(*text);
  REQUIRE(back);
  CHECK(cp::manifest_signature_ok(*back));
  CHECK(cp::canonical_manifest(*back) == cp::canonical_manifest(m));
  CHECK(back->segments.at(1).left_out == "missing");
  CHECK(back->signer == clerk.public_key());
  // The canonical bytes are compact JSON with members sorted by name.
  const auto canonical = cp::canonical_manifest(m);
  CHECK(canonical.starts_with("{\"access_entry\":\"access/clerk-1.4\",\"copy\":{\"bytes\":1234,"));
  CHECK(canonical.find('\n') == std::string::npos);
  CHECK(canonical.find("\": ") == std::string::npos);
  CHECK(canonical.find("\"signature\"") == std::string::npos);
}

TEST_CASE("change_member: every member is covered by the signature") {
  crypto::software_signer clerk(bodycam::tests::fixed_key(7));
  auto m = sample();
  const auto signed_text = cp::sign_manifest(m, clerk).value();
  const auto j = nlohmann::json::parse(signed_text);
  std::size_t changed = 0;
  for (const auto& [name, value] : j.items()) {
    if (name == "signature" || name == "format" || name == "version" || name == "signer") continue;
    auto k = j;
    if (value.is_string())
      k[name] = value.get<std::string>() + "x";
    else if (value.is_object())
      k[name]["bytes"] = 99;
    else if (value.is_array())
      k[name][0]["bytes"] = 99;
    auto parsed = cp::parse_manifest(k.dump());
    INFO("member " << name);
    if (!parsed) continue;  // a change the format itself refuses is caught too
    CHECK_FALSE(cp::manifest_signature_ok(*parsed));
    ++changed;
  }
  CHECK(changed >= 9);
}

TEST_CASE("a manifest with an added member, another format or a bad digest is refused") {
  crypto::software_signer clerk(bodycam::tests::fixed_key(7));
  auto m = sample();
  const auto j = nlohmann::json::parse(cp::sign_manifest(m, clerk).value());
  auto added = j;
  added["note"] = "unsigned claim";
  CHECK(cp::parse_manifest(added.dump()).error().code == core::errc::malformed);
  auto other = j;
  other["format"] = "bodycam-bundle";
  CHECK_FALSE(cp::parse_manifest(other.dump()));
  auto digest = j;
  digest["copy"]["sha256"] = "00";
  CHECK_FALSE(cp::parse_manifest(digest.dump()));
  auto key = j;
  key["segments"][0]["store_key"] = "objects/sha256/" + std::string(64, '0');
  CHECK_FALSE(cp::parse_manifest(key.dump()));
  CHECK_FALSE(cp::parse_manifest("not json"));
}

TEST_CASE("golden vector: the worked example of docs/formats/viewing-copy.md §5") {
  crypto::software_signer clerk(bodycam::tests::fixed_key(7));  // seed 32 × 0x07
  auto m = sample();
  const auto text = cp::sign_manifest(m, clerk).value();
  CHECK(crypto::sha256(std::string_view(cp::canonical_manifest(m))).to_hex() ==
        "13faf93c5dbcc4070546e5133c6c166e2502f982399f7c769331a58b4c222e87");
  CHECK(m.signer.to_hex() == "ea4a6c63e29c520abef5507b132ec5f9954776aebebe7b92421eea691446d22c");
  CHECK(m.signature.to_hex() ==
        "08a5eec49b08d08b4785e35fcd8d9fcf5662b2a986a648d42227a40f032c1b24"
        "5b464be0db8d8f3ef59be2ed3f7b279ea79a17c7f2cbe600342575395ea0c70c");
  // The document's text parses and verifies as it stands.
  auto back = cp::parse_manifest(text);
  REQUIRE(back);
  CHECK(cp::manifest_signature_ok(*back));
}

// The add-checkpoint wire format (C2SP tlog-witness): a request round-trips, and every malformed body a
// client could send — no old line, a signed or zero-padded size, a proof line that is not canonical base64 of
// 32 bytes, too many proof lines, no blank line, no checkpoint, oversized — is refused naming the part.
#include "common/tlog/base64.hpp"
#include "common/tlog/witness_protocol.hpp"

#include <catch2/catch.hpp>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace witness_protocol_test {

using namespace bodycam::common;
using namespace bodycam::common::tlog;

namespace {

hash hash_of(std::uint8_t fill) {
  hash h;
  h.bytes.fill(fill);
  return h;
}

const std::string note = "bodycam.store/log\n3\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n\xE2\x80\x94 dock-1 c2ln\n";

void require_malformed(std::string_view body, std::string_view fragment) {
  auto parsed = parse_add_checkpoint(body);
  INFO(std::string(body));
  REQUIRE_FALSE(parsed);
  CHECK(parsed.error().code == core::errc::malformed);
  CHECK_THAT(parsed.error().context, Catch::Contains(std::string(fragment)));
}

}  // namespace

TEST_CASE("add-checkpoint request: format then parse is the identity", "[witness_protocol]") {
  for (std::size_t n : {0u, 1u, 5u, 63u}) {
    add_checkpoint_request r{n == 0 ? 0u : 17u, {}, note};
    for (std::size_t i = 0; i < n; ++i) r.consistency.push_back(hash_of(static_cast<std::uint8_t>(i)));
    const auto body = format_add_checkpoint(r);
    auto back = parse_add_checkpoint(body);
    REQUIRE(back);
    CHECK(back->old_size == r.old_size);
    CHECK(back->consistency == r.consistency);
    CHECK(back->note == note);
  }
  CHECK(format_add_checkpoint({0, {}, note}) == "old 0\n\n" + note);
}

TEST_CASE("add-checkpoint request: malformed bodies are refused naming the part", "[witness_protocol]") {
  const std::string h = encode_base64(hash_of(1).bytes);
  require_malformed("", "blank line");
  require_malformed("old 1", "blank line");
  require_malformed("new 1\n\n" + note, "line 1");
  require_malformed("old\n\n" + note, "line 1");
  require_malformed("old -1\n\n" + note, "old size");
  require_malformed("old +1\n\n" + note, "old size");
  require_malformed("old 01\n\n" + note, "old size");
  require_malformed("old 1 \n\n" + note, "old size");
  require_malformed("old 18446744073709551616\n\n" + note, "old size");
  require_malformed("old 1\n" + h + "\n", "blank line");
  require_malformed("old 1\n" + h + "\n\n", "no checkpoint");
  require_malformed("old 1\n" + h.substr(0, h.size() - 1) + "\n\n" + note, "proof line 2");
  require_malformed("old 1\n" + h + " \n\n" + note, "proof line 2");
  require_malformed("old 1\n" + encode_base64(core::byte_buffer(31, 7)) + "\n\n" + note, "not 32 bytes");
  require_malformed("old 1\n" + encode_base64(core::byte_buffer(33, 7)) + "\n\n" + note, "not 32 bytes");
  std::string many = "old 1\n";
  for (int i = 0; i < 64; ++i) many += h + "\n";
  require_malformed(many + "\n" + note, "more than 63 proof lines");
  require_malformed("old 1\n\n" + std::string(max_add_checkpoint_bytes, 'a'), "larger than");
}

TEST_CASE("witness size answer: only a canonical decimal and one newline", "[witness_protocol]") {
  CHECK(parse_witness_size(format_witness_size(0)).value() == 0);
  CHECK(parse_witness_size(format_witness_size(50)).value() == 50);
  for (std::string_view bad : {"", "50", "050\n", "50\n\n", " 50\n", "-1\n", "5 0\n"}) {
    INFO(std::string(bad));
    CHECK_FALSE(parse_witness_size(bad));
  }
}

TEST_CASE("cosignature lines: split, and refused when not signature lines", "[witness_protocol]") {
  const std::string a = "\xE2\x80\x94 witness-1 AAAA\n";
  const std::string b = "\xE2\x80\x94 witness-2 BBBB\n";
  auto lines = split_cosignature_lines(a + b);
  REQUIRE(lines);
  CHECK(*lines == std::vector<std::string>{a, b});
  for (const std::string& bad : {std::string(), a.substr(0, a.size() - 1), std::string("- witness-1 AAAA\n"),
                                 a + "not a line\n", std::string("\xE2\x80\x94 nospace\n")}) {
    INFO(bad);
    CHECK_FALSE(split_cosignature_lines(bad));
  }
}

}  // namespace witness_protocol_test

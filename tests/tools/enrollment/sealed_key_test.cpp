// The sealed agency root key (docs/formats/enrollment.md §2): round trip, wrong passphrase, truncated and
// altered files, header fields out of range. Tests use libsodium's minimum argon2id limits for speed, and one
// case the MODERATE limits `bodycam agency init` uses.
#include "tools/enrollment/sealed_key.hpp"

#include <catch2/catch.hpp>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace sealed_key_test {

namespace en = bodycam::tools::enrollment;
namespace core = bodycam::common::core;
namespace crypto = bodycam::common::crypto;

namespace {

core::byte_view text(std::string_view s) { return core::byte_view(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()); }

constexpr std::size_t header_size = 22 + 1 + 8 + 8 + 16 + 24;

}  // namespace

TEST_CASE("sealed key: round trip gives back the same key and label") {
  auto key = crypto::secret_key::generate().value();
  auto sealed = en::seal_secret_key(key, "agency-root", text("correct horse"), en::minimum_limits()).value();
  CHECK(sealed.size() == header_size + 16 + 1 + 11 + 32);
  auto header = en::parse_sealed_key_header(sealed).value();
  CHECK(header.algorithm == 1);
  CHECK(header.limits.ops == en::minimum_limits().ops);
  CHECK(header.limits.mem_bytes == en::minimum_limits().mem_bytes);
  auto opened = en::open_sealed_key(sealed, text("correct horse")).value();
  CHECK(opened.label == "agency-root");
  CHECK(opened.key.public_key() == key.public_key());
  // A fresh salt and nonce each time: the same key sealed twice differs.
  auto again = en::seal_secret_key(key, "agency-root", text("correct horse"), en::minimum_limits()).value();
  CHECK(again != sealed);
}

TEST_CASE("sealed key: the MODERATE limits of agency init are in range and work") {
  CHECK(en::limits_in_range(en::moderate_limits()));
  auto key = crypto::secret_key::generate().value();
  auto sealed = en::seal_secret_key(key, "agency-root", text("pw"), en::moderate_limits()).value();
  CHECK(en::parse_sealed_key_header(sealed).value().limits.mem_bytes == en::moderate_limits().mem_bytes);
  CHECK(en::open_sealed_key(sealed, text("pw")).value().key.public_key() == key.public_key());
}

TEST_CASE("sealed key: wrong_passphrase is refused, saying so") {
  auto key = crypto::secret_key::generate().value();
  auto sealed = en::seal_secret_key(key, "agency-root", text("correct horse"), en::minimum_limits()).value();
  auto opened = en::open_sealed_key(sealed, text("correct hors"));
  REQUIRE_FALSE(opened);
  CHECK(opened.error().code == core::errc::permission);
  CHECK_THAT(opened.error().context, Catch::Contains("wrong passphrase"));
  CHECK_FALSE(en::seal_secret_key(key, "agency-root", text(""), en::minimum_limits()));
}

TEST_CASE("sealed key: truncated_file and padded_file are malformed") {
  auto key = crypto::secret_key::generate().value();
  auto sealed = en::seal_secret_key(key, "agency-root", text("pw"), en::minimum_limits()).value();
  for (std::size_t n : {std::size_t{0}, std::size_t{10}, header_size - 1, header_size, header_size + 20,
                        sealed.size() - 1}) {
    INFO("truncated to " << n);
    auto opened = en::open_sealed_key(core::byte_view(sealed).first(n), text("pw"));
    REQUIRE_FALSE(opened);
    CHECK(opened.error().code != core::errc::internal);
  }
  auto padded = sealed;
  padded.resize(sealed.size() + 70, 0);
  CHECK_FALSE(en::open_sealed_key(padded, text("pw")));
}

TEST_CASE("sealed key: flip_any_byte — every altered byte is refused") {
  auto key = crypto::secret_key::generate().value();
  auto sealed = en::seal_secret_key(key, "agency-root", text("pw"), en::minimum_limits()).value();
  std::size_t refused = 0;
  for (std::size_t i = 0; i < sealed.size(); ++i) {
    auto altered = sealed;
    altered[i] ^= 0x01;
    INFO("byte " << i << " altered");
    auto opened = en::open_sealed_key(altered, text("pw"));
    if (!opened) ++refused;
    CHECK_FALSE(opened);
  }
  CHECK(refused == sealed.size());
}

TEST_CASE("sealed key: header fields out of range are refused before any derivation") {
  auto key = crypto::secret_key::generate().value();
  auto sealed = en::seal_secret_key(key, "agency-root", text("pw"), en::minimum_limits()).value();
  auto with_u64 = [&](std::size_t at, std::uint64_t v) {
    auto out = sealed;
    for (int i = 7; i >= 0; --i, v >>= 8) out[at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v);
    return out;
  };
  const std::size_t ops_at = 23;
  const std::size_t mem_at = 31;
  for (auto [at, value] : {std::pair{ops_at, std::uint64_t{0}}, std::pair{ops_at, std::uint64_t{17}},
                           std::pair{ops_at, UINT64_MAX}, std::pair{mem_at, std::uint64_t{0}},
                           std::pair{mem_at, (std::uint64_t{4} << 30) + 1024}, std::pair{mem_at, std::uint64_t{8192 + 1}},
                           std::pair{mem_at, UINT64_MAX}}) {
    INFO("field at " << at << " = " << value);
    auto h = en::parse_sealed_key_header(with_u64(at, value));
    REQUIRE_FALSE(h);
    CHECK(h.error().code == core::errc::malformed);
    CHECK_THAT(h.error().context, Catch::Contains("out of range"));
  }
  auto bad_algorithm = sealed;
  bad_algorithm[22] = 2;
  CHECK(en::parse_sealed_key_header(bad_algorithm).error().code == core::errc::unsupported);
  auto bad_magic = sealed;
  bad_magic[0] = 'B';
  CHECK_THAT(en::parse_sealed_key_header(bad_magic).error().context, Catch::Contains("not a sealed key file"));
}

}  // namespace sealed_key_test

// console/access: session cookies (tampered, expired, other-key), CSRF tokens, accounts and the login counter.
#include "console/access/account.hpp"
#include "console/access/lockout_store.hpp"
#include "console/access/session_cookie.hpp"
#include "tests/support/temp_dir.hpp"

#include <sodium.h>

#include <catch2/catch.hpp>

using namespace bodycam;
namespace ac = bodycam::console::access;
using common::record::utc_time;

namespace {

ac::cookie_key key_of(std::uint8_t fill) {
  common::core::byte_buffer bytes(32, fill);
  return ac::make_cookie_key(bytes).value();
}

const utc_time t0 = utc_time(std::chrono::sys_days(std::chrono::year(2026) / 12 / 1));

ac::session_claims claims(utc_time expires) {
  common::core::byte_buffer seed(32, 0x42);
  return ac::session_claims{"clerk-1", 2, expires, common::crypto::secret_key::from_seed(seed).value()};
}

common::core::byte_view text(const std::string& s) {
  return common::core::byte_view(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}

}  // namespace

TEST_CASE("session cookie: round trip keeps person, roles, expiry and the signing key") {
  const auto key = key_of(1);
  const auto c = claims(t0 + std::chrono::hours(8));
  const auto value = ac::seal_session_cookie(c, key).value();
  const auto opened = ac::open_session_cookie(value, key, t0).value();
  CHECK(opened.claims.person == "clerk-1");
  CHECK(opened.claims.roles == 2);
  CHECK(opened.claims.expires == std::chrono::floor<std::chrono::milliseconds>(c.expires));
  CHECK(opened.claims.key.public_key() == c.key.public_key());
  // Two seals of the same claims differ (random nonce).
  CHECK(ac::seal_session_cookie(c, key).value() != value);
}

TEST_CASE("session cookie: tampered_cookie — every flipped character is refused") {
  const auto key = key_of(1);
  const auto value = ac::seal_session_cookie(claims(t0 + std::chrono::hours(8)), key).value();
  std::size_t refused = 0;
  for (std::size_t i = 0; i < value.size(); ++i) {
    std::string bad = value;
    bad[i] = bad[i] == 'A' ? 'B' : 'A';
    const auto opened = ac::open_session_cookie(bad, key, t0);
    if (!opened) {
      CHECK(opened.error().code == common::core::errc::permission);
      ++refused;
    }
  }
  // The last base64 character may carry only padding bits that the decoder ignores; every other one counts.
  CHECK(refused >= value.size() - 1);
  CHECK_FALSE(ac::open_session_cookie(value.substr(0, value.size() - 4), key, t0));
  CHECK_FALSE(ac::open_session_cookie("", key, t0));
  CHECK_FALSE(ac::open_session_cookie("not base64!", key, t0));
}

TEST_CASE("session cookie: expired_cookie and other_key_cookie are refused") {
  const auto key = key_of(1);
  const auto value = ac::seal_session_cookie(claims(t0 + std::chrono::hours(8)), key).value();
  CHECK(ac::open_session_cookie(value, key, t0 + std::chrono::hours(7)));
  const auto expired = ac::open_session_cookie(value, key, t0 + std::chrono::hours(8));
  REQUIRE_FALSE(expired);
  CHECK(expired.error().context.find("expired") != std::string::npos);
  CHECK_FALSE(ac::open_session_cookie(value, key_of(2), t0));
}

TEST_CASE("csrf: token of the session's nonce matches; another nonce, key or token does not") {
  const auto key = key_of(1);
  std::array<std::uint8_t, ac::cookie_nonce_size> nonce{};
  nonce.fill(7);
  const auto token = ac::csrf_token(key, nonce);
  CHECK(token.size() == 64);
  CHECK(ac::csrf_matches(key, nonce, token));
  auto other = nonce;
  other[0] = 8;
  CHECK_FALSE(ac::csrf_matches(key, other, token));
  CHECK_FALSE(ac::csrf_matches(key_of(2), nonce, token));
  CHECK_FALSE(ac::csrf_matches(key, nonce, ""));
  CHECK_FALSE(ac::csrf_matches(key, nonce, token.substr(0, 63) + (token.back() == '0' ? "1" : "0")));
}

TEST_CASE("account: round trip, unlock with password and TOTP, refusals") {
  auto secret = common::crypto::secret_key::generate().value();
  common::core::byte_buffer totp(20, 0x31);
  const auto made = ac::make_account("officer-7", secret, text("pw"), totp, tools::enrollment::minimum_limits()).value();
  const auto parsed = ac::parse_account(ac::format_account(made), "test").value();
  CHECK(parsed.person == "officer-7");
  CHECK(parsed.totp_secret == made.totp_secret);
  CHECK(parsed.sealed_key == made.sealed_key);
  const std::string code = "000000";
  CHECK_FALSE(ac::unlock_account(parsed, text("wrong"), code, t0));
  CHECK_FALSE(ac::unlock_account(parsed, text("pw"), "", t0));  // TOTP required
  CHECK_FALSE(ac::parse_account("bodycam-console-account-v1\nperson ../x\nsealed 00\n", "t"));
  CHECK_FALSE(ac::parse_account("something else\n", "t"));
  CHECK_FALSE(ac::parse_account("bodycam-console-account-v1\nperson a\n", "t"));  // no sealed line
  CHECK_FALSE(ac::parse_account("bodycam-console-account-v1\nperson a\nperson b\nsealed 00\n", "t"));
}

TEST_CASE("lockout: five failures within 15 minutes lock for 15 minutes from the last") {
  tests::temp_dir dir;
  auto store = ac::lockout_store::open(dir / "failures.db").value();
  for (int i = 0; i < 4; ++i) REQUIRE(store.record_failure("clerk-1", t0 + std::chrono::minutes(i)));
  CHECK_FALSE(store.locked_until("clerk-1", t0 + std::chrono::minutes(4)).value());
  REQUIRE(store.record_failure("clerk-1", t0 + std::chrono::minutes(10)));
  const auto until = store.locked_until("clerk-1", t0 + std::chrono::minutes(11)).value();
  REQUIRE(until);
  CHECK(*until == t0 + std::chrono::minutes(25));
  CHECK(store.locked_until("clerk-1", t0 + std::chrono::minutes(24)).value());
  CHECK_FALSE(store.locked_until("clerk-1", t0 + std::chrono::minutes(25)).value());
  CHECK_FALSE(store.locked_until("clerk-2", t0 + std::chrono::minutes(11)).value());  // per person
  // Failures spread over more than 15 minutes do not lock.
  for (int i = 0; i < 5; ++i) REQUIRE(store.record_failure("clerk-3", t0 + std::chrono::minutes(4 * i)));
  CHECK_FALSE(store.locked_until("clerk-3", t0 + std::chrono::minutes(17)).value());
  // A second console process opening the same file sees the same lock.
  auto other = ac::lockout_store::open(dir / "failures.db").value();
  CHECK(other.locked_until("clerk-1", t0 + std::chrono::minutes(11)).value());
  REQUIRE(store.clear_failures("clerk-1"));
  CHECK_FALSE(other.locked_until("clerk-1", t0 + std::chrono::minutes(11)).value());
}

TEST_CASE("lockout store: a one-time code step is claimed once, on any console (L5)") {
  tests::temp_dir dir;
  auto one = ac::lockout_store::open(dir / "state.db").value();
  auto two = ac::lockout_store::open(dir / "state.db").value();
  CHECK(one.claim_totp_step("super-1", 100).value());
  CHECK_FALSE(two.claim_totp_step("super-1", 100).value());
  CHECK_FALSE(two.claim_totp_step("super-1", 99).value());
  CHECK(two.claim_totp_step("super-1", 101).value());
  CHECK(one.claim_totp_step("super-2", 100).value());  // per person
}

// TOTP and HOTP against the RFCs' test vectors and Debian's oathtool, and base32.
#include "console/access/totp.hpp"


#include <catch2/catch.hpp>

#include <cstdio>

using namespace bodycam;
namespace ac = bodycam::console::access;

namespace {

common::core::byte_buffer ascii(std::string_view s) { return common::core::byte_buffer(s.begin(), s.end()); }
common::record::utc_time at_seconds(std::int64_t s) { return common::record::utc_time(std::chrono::seconds(s)); }

std::string run_oathtool(const std::string& args) {
  const std::string command = "oathtool " + args + " 2>&1";
  FILE* p = ::popen(command.c_str(), "r");
  REQUIRE(p != nullptr);
  std::string out;
  char buffer[256];
  while (std::fgets(buffer, sizeof buffer, p) != nullptr) out += buffer;
  const int rc = ::pclose(p);
  INFO("oathtool " << args << ": " << out);
  REQUIRE(rc == 0);  // oathtool missing (scripts/install-deps installs it) fails the test
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

}  // namespace

TEST_CASE("hotp: RFC 4226 appendix D vectors") {
  const auto key = ascii("12345678901234567890");
  const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                            "254676", "287922", "162583", "399871", "520489"};
  for (std::uint64_t i = 0; i < 10; ++i) CHECK(ac::hotp_code(key, i) == expected[i]);
}

TEST_CASE("totp: RFC 6238 appendix B vectors (SHA-1, 8 digits) and their 6-digit tails") {
  const auto key = ascii("12345678901234567890");
  const std::pair<std::int64_t, const char*> vectors[] = {{59, "94287082"},         {1111111109, "07081804"},
                                                          {1111111111, "14050471"}, {1234567890, "89005924"},
                                                          {2000000000, "69279037"}};
  // The RFC's last vector (T = 20000000000, year 2603) lies past utc_time's range (nanoseconds, to 2262).
  for (const auto& [t, code] : vectors) {
    CHECK(ac::totp_code(key, at_seconds(t), 8) == code);
    CHECK(ac::totp_code(key, at_seconds(t)) == std::string(code).substr(2));
  }
}

TEST_CASE("totp: verify accepts one step of skew either way and nothing further") {
  const auto key = ascii("12345678901234567890");
  const auto t = at_seconds(1234567890);
  const std::string code = ac::totp_code(key, t);
  CHECK(ac::verify_totp(key, code, t));
  CHECK(ac::verify_totp(key, code, t + std::chrono::seconds(30)));
  CHECK(ac::verify_totp(key, code, t - std::chrono::seconds(30)));
  CHECK_FALSE(ac::verify_totp(key, code, t + std::chrono::seconds(90)));
  CHECK_FALSE(ac::verify_totp(key, code, t - std::chrono::seconds(90)));
  CHECK_FALSE(ac::verify_totp(key, code.substr(0, 5), t));
  CHECK_FALSE(ac::verify_totp(key, code + "0", t));
  CHECK_FALSE(ac::verify_totp(key, "12a456", t));
  CHECK_FALSE(ac::verify_totp(ascii("another secret key!!"), code, t));
  CHECK(ac::match_totp(key, code, t).value() == 1234567890 / 30);
  CHECK(ac::match_totp(key, code, t + std::chrono::seconds(30)).value() == 1234567890 / 30);
  CHECK_FALSE(ac::match_totp(key, "000000", t + std::chrono::seconds(3000)).has_value());
}

TEST_CASE("base32: RFC 4648 vectors and round trip") {
  CHECK(ac::base32_encode(ascii("")) == "");
  CHECK(ac::base32_encode(ascii("f")) == "MY");
  CHECK(ac::base32_encode(ascii("foobar")) == "MZXW6YTBOI");
  CHECK(ac::base32_decode("MZXW6YTBOI======").value() == ascii("foobar"));
  CHECK(ac::base32_decode("mzxw 6ytb oi").value() == ascii("foobar"));
  CHECK_FALSE(ac::base32_decode("MZXW1").has_value());  // 1 is not in the alphabet
}

TEST_CASE("totp: the same codes as Debian's oathtool", "[integration]") {
  const auto key = ascii("12345678901234567890");
  const std::string b32 = ac::base32_encode(key);
  for (const std::int64_t t : {59LL, 1111111109LL, 1234567890LL, 2000000000LL, 1764900000LL}) {
    const std::string ours = ac::totp_code(key, at_seconds(t));
    const std::string theirs = run_oathtool("--totp -b " + b32 + " --now=@" + std::to_string(t));
    CHECK(ours == theirs);
  }
}

// HMAC, HKDF and the ChaChaPoly cipher state against published vectors (RFC 4231, RFC 5869, RFC 8439), plus
// the cipher state's nonce rules (Noise revision 34 §5.1). Forged and truncated inputs included.
#include "common/link/cipher_state.hpp"
#include "common/link/hkdf.hpp"
#include "link_test_support.hpp"

#include <array>

#include <catch2/catch.hpp>

using namespace bodycam::common::link;
using namespace bodycam::common::link::testing;

namespace {
std::string hex(core::byte_view bytes) { return core::to_hex(bytes); }

// RFC 8439 §2.8.2 and Appendix A.5.
const std::string rfc8439_sunscreen_key = "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f";
const std::string rfc8439_sunscreen_ciphertext_and_tag =
    "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b1a71de0a9e060b"
    "2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9de576d26586ce"
    "c64b6116"
    "1ae10b594f09e26a7e902ecbd0600691";
const std::string rfc8439_a5_key = "1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0";
const std::string rfc8439_a5_ad = "f33388860000000000004e91";
const std::string rfc8439_a5_ciphertext_and_tag =
    "64a0861575861af460f062c79be643bd5e805cfd345cf389f108670ac76c8cb24c6cfc18755d43eea09ee94e382d26b0bdb7b73c321b01"
    "00d4f03b7f355894cf332f830e710b97ce98c8a84abd0b948114ad176e008d33bd60f982b1ff37c8559797a06ef4f0ef61c186324e2b35"
    "06383606907b6a7c02b0f9f6157b53c867e4b9166c767b804d46a59b5216cde7a4e99040c5a40433225ee282a1b0a06c523eaf4534d7f8"
    "3fa1155b0047718cbc546a0d072b04b3564eea1b422273f548271a0bb2316053fa76991955ebd63159434ecebb4e466dae5a1073a67276"
    "27097a1049e617d91d361094fa68f0ff77987130305beaba2eda04df997b714d6c6f2c29a6ad5cb4022b02709b"
    "eead9d67890cbb22392336fea1851f38";
const std::string rfc8439_a5_plaintext =
    "Internet-Drafts are draft documents valid for a maximum of six months and may be updated, replaced, or "
    "obsoleted by other documents at any time. It is inappropriate to use Internet-Drafts as reference material or "
    "to cite them other than as /\xe2\x80\x9cwork in progress./\xe2\x80\x9d";
// The A.5 nonce 00000000 0102030405060708 is a Noise nonce: 4 zero bytes || little-endian n.
constexpr std::uint64_t rfc8439_a5_noise_counter = 0x0807060504030201ULL;

cipher_state keyed_cipher(std::string_view key_hex) {
  auto cs = cipher_state::create();
  REQUIRE(cs.has_value());
  const auto key = from_hex(key_hex);
  cs->initialize_key(std::span<const std::uint8_t, cipher_key_size>(key.data(), cipher_key_size));
  return std::move(*cs);
}
}  // namespace

TEST_CASE("hmac_sha256 matches RFC 4231 test case 1") {
  std::array<std::uint8_t, sha256_size> mac{};
  const core::byte_buffer key(20, 0x0b);
  const auto data = bytes_of("Hi There");
  hmac_sha256(key, {data}, mac);
  CHECK(hex(mac) == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  // Data given in pieces is the same message.
  const auto hi = bytes_of("Hi "), there = bytes_of("There");
  std::array<std::uint8_t, sha256_size> pieces{};
  hmac_sha256(key, {hi, there}, pieces);
  CHECK(pieces == mac);
}

TEST_CASE("hkdf_sha256 matches RFC 5869 test case 1 (salt and info)") {
  const core::byte_buffer ikm(22, 0x0b);
  const auto salt = from_hex("000102030405060708090a0b0c");
  const auto info = from_hex("f0f1f2f3f4f5f6f7f8f9");
  std::array<std::uint8_t, sha256_size> prk{};
  hkdf_sha256_extract(salt, ikm, prk);
  CHECK(hex(prk) == "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
  core::byte_buffer okm(42);
  REQUIRE(hkdf_sha256_expand(prk, info, okm).has_value());
  CHECK(hex(okm) == "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
}

TEST_CASE("hkdf_sha256 matches RFC 5869 test case 3 (no salt, no info), and so does the Noise HKDF") {
  const core::byte_buffer ikm(22, 0x0b);
  std::array<std::uint8_t, sha256_size> prk{};
  hkdf_sha256_extract({}, ikm, prk);
  CHECK(hex(prk) == "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04");
  core::byte_buffer okm(42);
  REQUIRE(hkdf_sha256_expand(prk, {}, okm).has_value());
  const std::string expected = "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8";
  CHECK(hex(okm) == expected);

  // Noise HKDF(ck, ikm, 2) = RFC 5869 with salt = ck and empty info; a 32-byte zero ck is RFC 5869's "no salt".
  const core::byte_buffer zero_chaining_key(32, 0);
  core::byte_buffer two(64);
  REQUIRE(noise_hkdf(zero_chaining_key, ikm, two).has_value());
  CHECK(hex(two).substr(0, expected.size()) == expected);
  core::byte_buffer three(96);
  REQUIRE(noise_hkdf(zero_chaining_key, ikm, three).has_value());
  CHECK(std::equal(two.begin(), two.end(), three.begin()));  // output3 extends the same stream
  core::byte_buffer wrong(48);
  CHECK(noise_hkdf(zero_chaining_key, ikm, wrong).error().code == core::errc::invalid_argument);
}

TEST_CASE("the raw AEAD matches RFC 8439 section 2.8.2 and refuses a forged tag") {
  const auto key = from_hex(rfc8439_sunscreen_key);
  const auto nonce = from_hex("070000004041424344454647");
  const auto ad = from_hex("50515253c0c1c2c3c4c5c6c7");
  const auto plaintext = bytes_of(
      "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would "
      "be it.");
  const std::span<const std::uint8_t, 12> n(nonce.data(), 12);
  const auto sealed = aead_chacha20poly1305_encrypt(key, n, ad, plaintext);
  CHECK(hex(sealed) == rfc8439_sunscreen_ciphertext_and_tag);
  auto opened = aead_chacha20poly1305_decrypt(key, n, ad, sealed);
  REQUIRE(opened.has_value());
  CHECK(*opened == plaintext);

  auto forged = sealed;
  forged.back() ^= 0x01;
  CHECK(aead_chacha20poly1305_decrypt(key, n, ad, forged).error().code == core::errc::bad_signature);
  auto other_ad = ad;
  other_ad[0] ^= 0x80;
  CHECK(aead_chacha20poly1305_decrypt(key, n, other_ad, sealed).error().code == core::errc::bad_signature);
  const core::byte_buffer short_input(15, 0);
  CHECK(aead_chacha20poly1305_decrypt(key, n, ad, short_input).error().code == core::errc::malformed);
}

TEST_CASE("cipher_state builds the Noise nonce: RFC 8439 appendix A.5 decrypts at n = 0x0807060504030201") {
  CHECK(hex(noise_nonce(rfc8439_a5_noise_counter)) == "000000000102030405060708");
  CHECK(hex(noise_nonce(1)) == "000000000100000000000000");

  auto receiver = keyed_cipher(rfc8439_a5_key);
  receiver.set_nonce(rfc8439_a5_noise_counter);
  auto opened = receiver.decrypt_with_ad(from_hex(rfc8439_a5_ad), from_hex(rfc8439_a5_ciphertext_and_tag));
  REQUIRE(opened.has_value());
  CHECK(*opened == bytes_of(rfc8439_a5_plaintext));
  CHECK(receiver.nonce() == rfc8439_a5_noise_counter + 1);

  auto sender = keyed_cipher(rfc8439_a5_key);
  sender.set_nonce(rfc8439_a5_noise_counter);
  auto sealed = sender.encrypt_with_ad(from_hex(rfc8439_a5_ad), bytes_of(rfc8439_a5_plaintext));
  REQUIRE(sealed.has_value());
  CHECK(hex(*sealed) == rfc8439_a5_ciphertext_and_tag);
}

TEST_CASE("cipher_state: a failed decrypt leaves the nonce alone; the same message under the next nonce fails") {
  auto sender = keyed_cipher(rfc8439_a5_key);
  auto receiver = keyed_cipher(rfc8439_a5_key);
  const auto first = sender.encrypt_with_ad({}, bytes_of("first"));
  const auto second = sender.encrypt_with_ad({}, bytes_of("second"));
  REQUIRE(first.has_value());
  REQUIRE(second.has_value());

  // Out of order: message 2 under nonce 0 fails, and n stays 0.
  CHECK(receiver.decrypt_with_ad({}, *second).error().code == core::errc::bad_signature);
  CHECK(receiver.nonce() == 0);
  REQUIRE(receiver.decrypt_with_ad({}, *first).has_value());
  // Replay of message 1 under nonce 1 fails.
  CHECK(receiver.decrypt_with_ad({}, *first).error().code == core::errc::bad_signature);
  CHECK(receiver.decrypt_with_ad({}, *second).value() == bytes_of("second"));
}

TEST_CASE("cipher_state: nonce 2^64-1 is reserved, so the last usable nonce is 2^64-2") {
  auto sender = keyed_cipher(rfc8439_a5_key);
  auto receiver = keyed_cipher(rfc8439_a5_key);
  sender.set_nonce(reserved_nonce - 1);
  receiver.set_nonce(reserved_nonce - 1);
  auto last = sender.encrypt_with_ad({}, bytes_of("last"));
  REQUIRE(last.has_value());
  CHECK(receiver.decrypt_with_ad({}, *last).value() == bytes_of("last"));
  CHECK(sender.encrypt_with_ad({}, bytes_of("one too many")).error().code == core::errc::conflict);
  CHECK(receiver.decrypt_with_ad({}, *last).error().code == core::errc::conflict);
}

TEST_CASE("cipher_state without a key passes bytes through (handshake message 1)") {
  auto cs = cipher_state::create();
  REQUIRE(cs.has_value());
  CHECK_FALSE(cs->has_key());
  CHECK(cs->encrypt_with_ad(bytes_of("ad"), bytes_of("clear")).value() == bytes_of("clear"));
  CHECK(cs->decrypt_with_ad(bytes_of("ad"), bytes_of("clear")).value() == bytes_of("clear"));
}

#include "common/crypto/secretstream_pull.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <array>
#include <cstring>

namespace bodycam::common::crypto {

namespace {

constexpr std::size_t counter_bytes = 4;  // libsodium: the state nonce is counter (4, little-endian) ‖ inonce (8)
constexpr std::size_t inonce_bytes = 8;
static_assert(sizeof(crypto_secretstream_xchacha20poly1305_state::nonce) == counter_bytes + inonce_bytes);
constexpr std::array<std::uint8_t, 64> zeros{};

void store64_le(std::uint8_t* out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

}  // namespace

void secretstream_puller::cipher_ctx_free::operator()(evp_cipher_ctx_st* ctx) const noexcept { EVP_CIPHER_CTX_free(ctx); }
void secretstream_puller::cipher_free::operator()(evp_cipher_st* cipher) const noexcept { EVP_CIPHER_free(cipher); }
void secretstream_puller::mac_ctx_free::operator()(evp_mac_ctx_st* ctx) const noexcept { EVP_MAC_CTX_free(ctx); }

core::expected<secretstream_puller> secretstream_puller::create(crypto_secretstream_xchacha20poly1305_state* state) {
  secretstream_puller p;
  p.state_ = state;
  p.cipher_.reset(EVP_CIPHER_fetch(nullptr, "ChaCha20", nullptr));
  p.cipher_ctx_.reset(EVP_CIPHER_CTX_new());
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "POLY1305", nullptr);
  if (mac != nullptr) p.mac_ctx_.reset(EVP_MAC_CTX_new(mac));
  EVP_MAC_free(mac);  // the context holds its own reference
  if (!p.cipher_ || !p.cipher_ctx_ || !p.mac_ctx_)
    return core::fail(core::errc::internal, "set up ChaCha20 and Poly1305 (libcrypto) for reading encrypted footage");
  return p;
}

bool secretstream_puller::chacha20(std::uint32_t counter, const std::uint8_t* in, std::uint8_t* out, std::size_t size) {
  // libcrypto's ChaCha20 IV: the 32-bit block counter (little-endian), then the 96-bit nonce.
  std::array<std::uint8_t, 16> iv{};
  for (int i = 0; i < 4; ++i) iv[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(counter >> (8 * i));
  std::memcpy(iv.data() + 4, state_->nonce, 12);
  if (EVP_EncryptInit_ex2(cipher_ctx_.get(), cipher_.get(), state_->k, iv.data(), nullptr) != 1) return false;
  int written = 0;
  std::size_t done = 0;
  while (done < size) {  // EVP takes int lengths
    const std::size_t chunk = std::min<std::size_t>(size - done, std::size_t{1} << 30);
    if (EVP_EncryptUpdate(cipher_ctx_.get(), out + done, &written, in + done, static_cast<int>(chunk)) != 1) return false;
    done += chunk;
  }
  return true;
}

bool secretstream_puller::pull(std::uint8_t* out, unsigned char& tag, core::byte_view in, core::byte_view ad) {
  constexpr std::size_t abytes = crypto_secretstream_xchacha20poly1305_ABYTES;
  if (in.size() < abytes) return false;
  const std::size_t mlen = in.size() - abytes;
  std::array<std::uint8_t, 64> block{};
  if (!chacha20(0, zeros.data(), block.data(), 32)) return false;  // block 0: the Poly1305 key
  EVP_MAC_CTX* mac = mac_ctx_.get();
  bool ok = EVP_MAC_init(mac, block.data(), 32, nullptr) == 1;
  sodium_memzero(block.data(), block.size());
  ok = ok && EVP_MAC_update(mac, ad.data(), ad.size()) == 1;
  ok = ok && EVP_MAC_update(mac, zeros.data(), (0x10 - ad.size()) & 0xf) == 1;
  block[0] = in[0];
  std::array<std::uint8_t, 64> tag_block{};
  ok = ok && chacha20(1, block.data(), tag_block.data(), block.size());
  const unsigned char decrypted_tag = tag_block[0];
  tag_block[0] = in[0];
  const std::uint8_t* c = in.data() + 1;
  ok = ok && EVP_MAC_update(mac, tag_block.data(), tag_block.size()) == 1;
  ok = ok && EVP_MAC_update(mac, c, mlen) == 1;
  // libsodium's pad after the ciphertext: (0x10 - 64 + mlen) & 0xf bytes.
  ok = ok && EVP_MAC_update(mac, zeros.data(), (0x10 - tag_block.size() + mlen) & 0xf) == 1;
  std::array<std::uint8_t, 16> lengths{};
  store64_le(lengths.data(), ad.size());
  store64_le(lengths.data() + 8, tag_block.size() + mlen);
  ok = ok && EVP_MAC_update(mac, lengths.data(), lengths.size()) == 1;
  std::array<std::uint8_t, 16> computed{};
  std::size_t computed_size = 0;
  ok = ok && EVP_MAC_final(mac, computed.data(), &computed_size, computed.size()) == 1 && computed_size == 16;
  if (!ok || sodium_memcmp(computed.data(), c + mlen, computed.size()) != 0) return false;  // invariant 1
  if (!chacha20(2, c, out, mlen)) return false;
  // invariant 2
  for (std::size_t i = 0; i < inonce_bytes; ++i) state_->nonce[counter_bytes + i] ^= computed[i];
  sodium_increment(state_->nonce, counter_bytes);
  if ((decrypted_tag & crypto_secretstream_xchacha20poly1305_TAG_REKEY) != 0 ||
      sodium_is_zero(state_->nonce, counter_bytes))
    crypto_secretstream_xchacha20poly1305_rekey(state_);
  tag = decrypted_tag;
  return true;
}

}  // namespace bodycam::common::crypto

#include "common/tlog/base64.hpp"

#include "common/crypto/sodium_init.hpp"

#include <sodium.h>

namespace bodycam::common::tlog {

std::string encode_base64(core::byte_view bytes) {
  crypto::ensure_sodium_initialized();
  std::string out(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

core::expected<core::byte_buffer> decode_base64(std::string_view text, std::string_view what) {
  crypto::ensure_sodium_initialized();
  core::byte_buffer out(text.size() / 4 * 3 + 3);
  std::size_t length = 0;
  const char* end = nullptr;
  if (text.size() % 4 != 0 ||
      sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &length, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size()) {
    return core::fail(core::errc::malformed, "decode " + std::string(what) + ": not base64");
  }
  out.resize(length);
  // The canonical check re-encodes; the copy is wiped because parse_signer_key decodes seeds through here.
  std::string again = encode_base64(out);
  const bool canonical = again == text;
  sodium_memzero(again.data(), again.size());
  if (!canonical) {
    return core::fail(core::errc::malformed, "decode " + std::string(what) + ": not canonical base64");
  }
  return out;
}

}  // namespace bodycam::common::tlog

#include "common/crypto/domain_message.hpp"

#include <algorithm>

namespace bodycam::common::crypto {

core::byte_buffer domain_message(std::string_view domain, const sha256_digest& digest) {
  core::byte_buffer out(domain.size() + digest.bytes.size());
  std::copy(domain.begin(), domain.end(), out.begin());
  std::copy(digest.bytes.begin(), digest.bytes.end(), out.begin() + static_cast<std::ptrdiff_t>(domain.size()));
  return out;
}

}  // namespace bodycam::common::crypto

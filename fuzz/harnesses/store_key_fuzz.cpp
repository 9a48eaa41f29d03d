// Fuzzes the store's key and leaf-name readers (common/store): keys listed by a directory or an S3 store
// that anyone with write access could have created.
// Invariants checked: an accepted key is the input unchanged, within the length limits, and its leaf and
// parent put together give it back; a name parsed as an object digest, a seq or a device key prints back to
// the very name (one spelling per name).
#include "common/store/store_key.hpp"
#include "fuzz/fuzz_check.hpp"

#include <string>

namespace store = bodycam::common::store;
using bodycam::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = bodycam::fuzz::as_text(data, size);
  if (auto key = store::store_key::parse(text)) {
    require(key->str() == text, "store_key", "an accepted key is the input");
    require(key->str().size() <= store::store_key::max_length, "store_key", "a key is within max_length");
    const std::string joined = key->parent().empty() ? std::string(key->leaf())
                                                     : std::string(key->parent()) + "/" + std::string(key->leaf());
    require(joined == text, "store_key", "parent/leaf gives the key back");
    (void)key->kind();
  }
  if (auto digest = store::parse_object_name(text))
    require(digest->to_hex() == text, "store_key", "an object name is its digest's hex");
  if (auto seq = store::parse_seq_name(text))
    require(std::to_string(*seq) == text, "store_key", "a seq name is its number in decimal");
  if (auto device = store::parse_public_key_name(text))
    require(store::store_key::public_key(*device).leaf() == text, "store_key", "a key name is its device's key name");
  (void)store::is_valid_key_component(text);
  return 0;
}

// Fuzzes the small signed documents a dock and a store hand around (common/receipt, common/chain,
// common/store_log): a receipt, a device checkpoint and a store-log leaf, each read from bytes a camera, a
// dock or a store supplied. The first input byte picks the reader, the rest is the document.
// Invariants checked: each has one encoding, so an accepted document re-encodes to exactly its input
// (receipt.hpp invariant 1, checkpoint canonical || signature, leaf.hpp's encode_leaf(parse_leaf(b)) == b).
#include "common/chain/checkpoint.hpp"
#include "common/crypto/ed25519.hpp"
#include "common/receipt/receipt.hpp"
#include "common/store_log/leaf.hpp"
#include "fuzz/fuzz_check.hpp"

namespace core = bodycam::common::core;
using bodycam::fuzz::require;
using bodycam::fuzz::same_bytes;

namespace {

constexpr std::size_t sig_size = bodycam::common::crypto::signature::size;

void check_receipt(core::byte_view doc) {
  auto r = bodycam::common::receipt::parse(doc);
  if (!r) return;
  require(same_bytes(r->document, doc), "signed_documents", "a receipt keeps its document bytes");
  const auto canonical = bodycam::common::receipt::canonical_bytes(r->body);
  require(canonical.size() + sig_size == doc.size() && same_bytes(canonical, doc.first(canonical.size())),
          "signed_documents", "a receipt's canonical part re-encodes to itself");
  (void)bodycam::common::receipt::verify_signature(*r);
}

void check_checkpoint(core::byte_view doc) {
  auto c = bodycam::common::chain::parse_signed_checkpoint(doc);
  if (!c) return;
  require(same_bytes(c->bytes, doc), "signed_documents", "a checkpoint keeps its bytes");
  const auto canonical = bodycam::common::chain::encode_checkpoint(c->body);
  require(canonical.size() + sig_size == doc.size() && same_bytes(canonical, doc.first(canonical.size())),
          "signed_documents", "a checkpoint's canonical part re-encodes to itself");
}

void check_leaf(core::byte_view doc) {
  auto leaf = bodycam::common::store_log::parse_leaf(doc);
  if (!leaf) return;
  auto encoded = bodycam::common::store_log::encode_leaf(*leaf);
  require(encoded.has_value() && same_bytes(*encoded, doc), "signed_documents", "parse_leaf then encode_leaf == input");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto input = bodycam::fuzz::as_bytes(data, size);
  if (input.empty()) return 0;
  const auto doc = input.subspan(1);
  switch (input[0] % 3) {
    case 0: check_receipt(doc); break;
    case 1: check_checkpoint(doc); break;
    default: check_leaf(doc); break;
  }
  return 0;
}

// Decrypting one encrypted file of the store, as bodycam export, bodycam copy and the console do once their
// access entry is stored: the stored ciphertext is streamed through the footage reader
// (common/crypto/footage_reader.hpp) into a sink, and both ends are checked against the signed record.
// Guarantees:
//  D1. Before any message is decrypted the file's header is read from the store and the chest asked for the
//      key its envelopes name (footage_key_chest C2): a file sealed to another agency's key is refused naming
//      the key ids, and nothing is written to the sink.
//  D2. Only authenticated fragments reach the sink, in order (footage_reader invariant 1). A file that does not
//      read completely — truncated, tampered, swapped envelope, trailing bytes — is errc::corrupt carrying the
//      reader's named error; what the sink received is then not the file and the caller discards it.
//  D3. The ciphertext is re-hashed as it is read and must be the record's byte_length and file_sha256; the
//      plaintext written must be the record's `encrypted` byte_length and sha256. Otherwise errc::corrupt
//      naming the file and the side that differs.
//  D4. A record whose plaintext is "not stated" (byte_length 0 and an all-zero sha256: a segment the camera
//      salvaged after a power loss, docs/formats/chain.md §4.2) is decrypted in salvage mode: every complete
//      fragment is written and a `truncated` end is accepted (any other reader error is still corrupt); the
//      ciphertext is checked as in D3 and the result says the plaintext could not be checked (plaintext_stated
//      false) and where reading stopped.
#pragma once

#include "common/crypto/footage_stream.hpp"
#include "common/record/payloads.hpp"
#include "common/store/store.hpp"
#include "tools/decryption/footage_key_chest.hpp"

#include <optional>
#include <string>

namespace bodycam::tools::decryption {

// What the signed record says of an encrypted file.
struct encrypted_file {
  std::string name;  // for messages: "files/cam-0001/S-000002.mp4 (record 17 of cam-0001)"
  common::crypto::sha256_digest ciphertext_sha256;
  std::uint64_t ciphertext_bytes = 0;
  common::record::footage_plaintext plaintext;
};

struct decrypted_file {
  common::crypto::footage_key_id key_id;  // the key whose envelope was opened
  std::uint64_t fragments = 0;            // messages written
  common::crypto::sha256_digest plaintext_sha256;
  std::uint64_t plaintext_bytes = 0;
  bool plaintext_stated = true;  // false: D4, the record states no plaintext to check against
  std::string salvaged;          // D4: the reader's account of where the file ends ("" when complete)
};

// D4: the record's `encrypted` field says "encrypted, plaintext not stated".
[[nodiscard]] bool is_plaintext_unstated(const common::record::footage_plaintext& p) noexcept;

[[nodiscard]] common::core::expected<decrypted_file> decrypt_stored_file(const common::store::store& s,
                                                                         const encrypted_file& file,
                                                                         footage_key_chest& keys,
                                                                         common::crypto::footage_sink& out);

// The record's `encrypted` field of a segment, annotation or photo body, if it has one (nullptr otherwise).
[[nodiscard]] const common::record::footage_plaintext* plaintext_of(const common::record::record& r) noexcept;

}  // namespace bodycam::tools::decryption

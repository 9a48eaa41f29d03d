// A playback copy: one segment or annotation file copied out of a store for viewing, after writing the
// clerk's access entry (action playback_copy) in the store's access register.
// Invariants:
//  1. The access entry is stored before any byte is read for the copy; if it cannot be, nothing is copied.
//  2. The copy is created only if `out` does not exist, re-hashed on the way against the record, and
//     fsynced before it gets its name; a mismatch leaves no file (errc::corrupt).
//  3. Once the access entry is stored, an outcome entry follows it whatever happens (tools/registers/
//     access_outcome.hpp): "completed" when the copy is in place, "failed: <reason>" otherwise, so the
//     register neither claims a copy that was not made nor hides one that was. Callers check what can be
//     checked (the output path) before calling, so that a refused copy writes no entry at all.
//  4. An encrypted file (its record carries `encrypted`) is copied as its plaintext, decrypted only after the
//     access entry and checked against the record (tools/decryption/stored_footage.hpp); without footage_keys
//     it is refused before the access entry (errc::permission naming the record).
#pragma once

#include "common/store/store.hpp"
#include "tools/decryption/footage_key_chest.hpp"

#include <filesystem>

namespace bodycam::tools::bundle {

struct playback_request {
  common::record::device_id device;
  std::uint64_t seq = 0;  // the segment or annotation record whose file is wanted
  std::filesystem::path out;
  std::string clerk_id;
  std::string department;
  std::string reference;
  common::record::utc_time now{};
  decryption::footage_key_chest* footage_keys = nullptr;  // invariant 4
};

// Returns the access entry's name ("access/<clerk>.<seq>").
[[nodiscard]] common::core::expected<std::string> copy_for_playback(common::store::store& s,
                                                                    const playback_request& request,
                                                                    common::crypto::signer& clerk);

}  // namespace bodycam::tools::bundle

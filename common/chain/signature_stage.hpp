// The signature stage of chain verification: which records' signatures verify under the key in force at them,
// checked on several threads. Records come in seq order; the key starts as the enrolled one and moves on at each
// key_rotate record whose own signature verifies, exactly as a single thread walking the chain would see it.
// Guarantees:
//  1. The outcome is the same for every number of jobs and every batch size (records up to and including a
//     key_rotate are checked under the key before it; the key_rotate itself is checked by the calling thread
//     before any later record is handed out, so no record is ever checked under a key it would not get
//     sequentially).
//  2. Memory beyond the outcome is bounded by the window (jobs × queue depth × batch records of descriptors),
//     not by the chain's length; the records themselves are read in place, never copied.
//  3. jobs == 1, or a chain no longer than one batch, runs entirely on the calling thread (no thread started).
//  4. Every thread started is joined before check_signatures returns.
// Pure: no I/O. Needs libsodium initialised (crypto_sign_verify_detached is thread-safe after sodium_init).
#pragma once

#include "common/record/record.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace bodycam::common::chain {

struct signature_stage_options {
  unsigned jobs = 0;               // worker threads; 0 = one per hardware thread
  std::size_t batch_records = 256; // records per work item handed to a worker
};

struct signature_outcome {
  std::vector<std::uint8_t> ok;   // per record: 1 if its signature verifies under the key in force at it
  std::size_t verified = 0;       // how many entries of `ok` are 1
  crypto::public_key key_after;   // the key in force after the last record
  unsigned threads = 0;           // worker threads that checked signatures; 0 when the calling thread did all
};

// `jobs` as the stage uses it: 0 becomes std::thread::hardware_concurrency() (1 when that is unknown).
[[nodiscard]] unsigned resolve_jobs(unsigned jobs) noexcept;

// `records` in seq order; a null entry (a record of another device) is not checked, counts as not verified
// and never moves the key on.
[[nodiscard]] signature_outcome check_signatures(std::span<const record::signed_record* const> records,
                                                 const crypto::public_key& enrolled_key,
                                                 const signature_stage_options& options);

}  // namespace bodycam::common::chain

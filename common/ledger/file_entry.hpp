// The rows the ledger keeps about files (segments and annotations) and their fragments, as the firmware and
// the tools see them. Lengths and offsets are in bytes; times are ledger_time (UTC milliseconds).
#pragma once

#include "common/crypto/sha256.hpp"
#include "common/ledger/file_state.hpp"
#include "common/ledger/ledger_time.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace bodycam::common::ledger {

// A file the firmware starts writing: it enters the ledger as `partial`.
struct new_file {
  std::string name;  // file name in the recording directory, e.g. "000123.mp4" (no '/')
  file_kind kind = file_kind::segment;
  std::string session_id;  // the session the file belongs to
};

// What sealing fixes about a file for good.
struct file_seal {
  std::uint64_t byte_length = 0;
  crypto::sha256_digest sha256{};
};

// One move of a file along file_state_transitions, citing the record that justifies it.
struct file_transition {
  file_state to = file_state::sealed;
  std::uint64_t record_seq = 0;  // sealing record (→ sealed), receipt record (→ stored), reclaim record (→ reclaimed)
  std::optional<file_seal> seal;  // required when (and only when) to == sealed
};

struct file_entry {
  std::string name;
  file_kind kind = file_kind::segment;
  std::string session_id;
  file_state state = file_state::partial;
  std::optional<file_seal> seal;             // set from sealed on
  std::optional<std::uint64_t> sealing_seq;  // set from sealed on
  std::optional<std::uint64_t> receipt_seq;  // set from stored on
  std::optional<std::uint64_t> reclaim_seq;  // set when reclaimed
  ledger_time created_at{};
  ledger_time updated_at{};
};

// One moof+mdat of a segment, written after its fdatasync. Fragments of a file are numbered 0, 1, 2, …
// in file order and do not overlap.
struct fragment_entry {
  std::string file_name;
  std::uint64_t index = 0;
  std::uint64_t byte_offset = 0;
  std::uint64_t byte_length = 0;
  crypto::sha256_digest sha256{};

  friend bool operator==(const fragment_entry&, const fragment_entry&) = default;
};

}  // namespace bodycam::common::ledger

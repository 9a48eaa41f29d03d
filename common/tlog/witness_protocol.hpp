// The wire format of C2SP tlog-witness's add-checkpoint call (https://c2sp.org/tlog-witness, v1.0.0), pure:
// the request body a log (here: a dock) POSTs to <witness>/add-checkpoint, and the bodies a witness answers.
//   request  = "old " <decimal size> "\n" *( <base64 proof hash> "\n" ) "\n" <signed checkpoint note>
//   200      = one or more cosignature lines "— <witness name> <base64>\n"
//   409      = Content-Type text/x.tlog.size, body <decimal size of the witness's last cosigned checkpoint> "\n"
// Guarantees of parse_add_checkpoint: exactly that shape — a canonical decimal old size, at most
// max_witness_proof_hashes proof lines of canonical base64 of exactly 32 bytes, a blank line, then a non-empty
// note within max_add_checkpoint_bytes — or a malformed error naming the line; the note itself is not opened
// here (the witness rule, witness.hpp, checks its signature and shape). format then parse is the identity.
#pragma once

#include "common/tlog/proof.hpp"

#include <string>
#include <string_view>

namespace bodycam::common::tlog {

inline constexpr std::size_t max_witness_proof_hashes = 63;
inline constexpr std::size_t max_add_checkpoint_bytes = 64 * 1024;
inline constexpr std::string_view witness_size_content_type = "text/x.tlog.size";

struct add_checkpoint_request {
  std::uint64_t old_size = 0;
  proof consistency;
  std::string note;  // the signed checkpoint
};

[[nodiscard]] std::string format_add_checkpoint(const add_checkpoint_request& request);
[[nodiscard]] core::expected<add_checkpoint_request> parse_add_checkpoint(std::string_view body);

// "<size>\n"
[[nodiscard]] std::string format_witness_size(std::uint64_t size);
// Accepts exactly a canonical decimal followed by one newline.
[[nodiscard]] core::expected<std::uint64_t> parse_witness_size(std::string_view body);

// The cosignature lines of a 200 answer, each "— <name> <base64>\n"; malformed if the body is empty, a line
// lacks its newline, or any line is not a signature line.
[[nodiscard]] core::expected<std::vector<std::string>> split_cosignature_lines(std::string_view body);

}  // namespace bodycam::common::tlog

// Fuzzes the store log's text formats (common/tlog): a checkpoint body and a signed note (checkpoint plus
// signature lines) as fetched from a store or sent to a witness, and the verifier keys a witness is given.
// Invariants checked: format_checkpoint(parse_checkpoint(t)) == t for every accepted t (checkpoint.hpp); a
// note opened with no known key verifies no signature; format_verifier_key(parse_verifier_key(t)) == t.
#include "common/tlog/checkpoint.hpp"
#include "common/tlog/note.hpp"
#include "fuzz/fuzz_check.hpp"

namespace tlog = bodycam::common::tlog;
using bodycam::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = bodycam::fuzz::as_text(data, size);
  if (auto c = tlog::parse_checkpoint(text)) {
    require(tlog::format_checkpoint(*c) == text, "tlog_checkpoint", "format(parse(t)) == t");
  }
  const std::span<const tlog::note_verifier> none;
  if (auto note = tlog::open_note(text, none)) {
    require(note->verified.empty(), "tlog_checkpoint", "no signature verifies without a known key");
    require(note->text.size() < text.size(), "tlog_checkpoint", "the note's text is a proper prefix");
    require(text.substr(0, note->text.size()) == note->text, "tlog_checkpoint", "the note's text is its prefix");
    if (auto c = tlog::parse_checkpoint(note->text))
      require(tlog::format_checkpoint(*c) == note->text, "tlog_checkpoint", "a note's checkpoint round-trips");
  }
  if (auto key = tlog::parse_verifier_key(text)) {
    require(tlog::format_verifier_key(*key) == text, "tlog_checkpoint", "a verifier key prints back to itself");
  }
  return 0;
}

#include "tools/enrollment/enrollment_register.hpp"

#include "common/record/record_json.hpp"

#include <algorithm>
#include <charconv>
#include <map>

namespace bodycam::tools::enrollment {

namespace {

std::optional<std::uint64_t> canonical_seq(std::string_view name) {
  if (name.empty() || name.size() > 20 || (name.size() > 1 && name.front() == '0')) return std::nullopt;
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), v);
  if (ec != std::errc{} || end != name.data() + name.size()) return std::nullopt;
  return v;
}

std::string where(std::uint64_t seq) { return "enrollment/" + std::to_string(seq); }

}  // namespace

verified_register verify_register(const crypto::public_key& root, const std::vector<stored_item>& items) {
  verified_register out;
  std::map<std::uint64_t, signed_enrollment_entry> by_seq;
  for (const auto& item : items) {  // R1
    const auto seq = canonical_seq(item.name);
    if (!seq) {
      out.findings.push_back({"enrollment/" + item.name, "misplaced", "not a register entry name (<seq> in decimal)"});
      continue;
    }
    auto parsed = parse_enrollment_entry(item.bytes);
    if (!parsed) {
      out.findings.push_back({where(*seq), "malformed", parsed.error().context});
      continue;
    }
    if (parsed->body.seq != *seq) {
      out.findings.push_back({where(*seq), "misplaced", "the entry says it is " + where(parsed->body.seq)});
      continue;
    }
    by_seq.emplace(*seq, std::move(*parsed));
  }
  std::vector<enrollment_entry> counting;  // R5: the intact prefix
  bool broken = !out.findings.empty();
  std::uint64_t expected_seq = 0;
  const signed_enrollment_entry* previous = nullptr;
  for (auto& [seq, e] : by_seq) {
    if (seq != expected_seq) {  // R2
      out.findings.push_back({where(expected_seq), "seq_gap",
                              seq - expected_seq == 1
                                  ? "entry " + std::to_string(expected_seq) + " is missing"
                                  : "entries " + std::to_string(expected_seq) + ".." + std::to_string(seq - 1) +
                                        " are missing"});
      broken = true;
    }
    const crypto::sha256_digest expected_prev = previous != nullptr && previous->body.seq + 1 == seq
                                                    ? previous->hash
                                                    : crypto::sha256_digest{};
    if (seq == 0 || (previous != nullptr && previous->body.seq + 1 == seq)) {
      if (e.body.prev_hash != expected_prev) {
        out.findings.push_back({where(seq), "prev_hash_mismatch",
                                "prev_hash " + e.body.prev_hash.to_hex().substr(0, 16) +
                                    " is not the hash of the entry before it"});
        broken = true;
      }
    }
    if (!verify_enrollment_signature(e)) {  // R3
      out.findings.push_back({where(seq), "bad_signature", "the signature does not verify under its signer key"});
      broken = true;
    }
    if (previous != nullptr && e.body.utc < previous->body.utc) {  // R4
      out.findings.push_back({where(seq), "time_goes_backwards",
                              "signed at " + record::format_utc(e.body.utc) + ", before the entry before it (" +
                                  record::format_utc(previous->body.utc) + ")"});
      broken = true;
    }
    if (!broken) counting.push_back(e.body);
    previous = &e;
    expected_seq = seq + 1;
  }
  std::vector<rejected_entry> rejected;
  out.table = authorization_table::build(root, counting, &rejected);
  for (const auto& r : rejected) out.findings.push_back({where(r.seq), r.code, r.detail});
  for (auto& [seq, e] : by_seq) out.entries.push_back(std::move(e));
  return out;
}

}  // namespace bodycam::tools::enrollment

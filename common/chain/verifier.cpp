#include "common/chain/verifier.hpp"

#include <algorithm>
#include <map>

namespace bodycam::common::chain {

std::string_view to_string(reason r) noexcept {
  switch (r) {
    case reason::malformed: return "malformed";
    case reason::unknown_version: return "unknown_version";
    case reason::wrong_device: return "wrong_device";
    case reason::wrong_key: return "wrong_key";
    case reason::bad_signature: return "bad_signature";
    case reason::seq_gap: return "seq_gap";
    case reason::seq_repeated: return "seq_repeated";
    case reason::fork: return "fork";
    case reason::prev_hash_mismatch: return "prev_hash_mismatch";
    case reason::boot_counter_backwards: return "boot_counter_backwards";
    case reason::time_backwards: return "time_backwards";
    case reason::seq_mismatch: return "seq_mismatch";
    case reason::missing_tail: return "missing_tail";
    case reason::checkpoint_mismatch: return "checkpoint_mismatch";
    case reason::bad_checkpoint: return "bad_checkpoint";
  }
  return "unknown";
}

std::string_view to_string(verdict v) noexcept {
  switch (v) {
    case verdict::authentic: return "authentic";
    case verdict::authentic_with_gaps: return "authentic_with_gaps";
    case verdict::not_authentic: return "not_authentic";
    case verdict::cannot_verify: return "cannot_verify";
  }
  return "unknown";
}

std::size_t chain_report::problem_count() const noexcept {
  std::size_t n = chain_findings.size();
  for (const auto& r : records) n += r.findings.size();
  return n;
}

namespace {

std::string range_text(std::uint64_t first, std::uint64_t last) {
  return first == last ? std::to_string(first) : std::to_string(first) + "-" + std::to_string(last);
}

bool is_documented_gap(const record::record& r) {
  if (r.kind() == record::record_kind::interruption || r.kind() == record::record_kind::recovery) return true;
  if (const auto* s = std::get_if<record::segment_payload>(&r.body))
    return s->unsigned_tail_bytes > 0 || s->closed_by == record::close_reason::power_loss_recovered;
  return false;
}

struct predecessor {
  std::uint64_t seq = 0;
  std::vector<crypto::sha256_digest> hashes;  // more than one only at a fork
  std::uint32_t boot_counter = 0;
  record::nanoseconds monotonic{0};
};

}  // namespace

chain_report verify_chain(std::span<const record_input> inputs, const verify_options& options) {
  chain_report report;
  std::vector<record_report> undecodable;
  std::vector<record_report> decoded;

  // 1. Decode; check device and the place's claimed seq.
  for (const auto& in : inputs) {
    record_report rr{in.origin, std::nullopt, {}};
    auto parsed = record::parse_signed_record(in.bytes);
    if (!parsed) {
      const auto code =
          parsed.error().code == core::errc::unsupported ? reason::unknown_version : reason::malformed;
      rr.findings.push_back({code, parsed.error().context});
      undecodable.push_back(std::move(rr));
      continue;
    }
    rr.parsed = std::move(*parsed);
    const auto& body = rr.parsed->body;
    if (body.device != options.device)
      rr.findings.push_back({reason::wrong_device, "record of device '" + body.device.str() + "', expected '" +
                                                       options.device.str() + "'"});
    if (in.claimed_seq && *in.claimed_seq != body.seq)
      rr.findings.push_back({reason::seq_mismatch, "stored as seq " + std::to_string(*in.claimed_seq) +
                                                       " but the record says seq " + std::to_string(body.seq)});
    decoded.push_back(std::move(rr));
  }
  std::stable_sort(decoded.begin(), decoded.end(), [](const record_report& a, const record_report& b) {
    return a.parsed->body.seq < b.parsed->body.seq;
  });

  // 2. Signatures, following key rotations in seq order. When no record verifies under the given key, the key
  //    is what is wrong: the chain gets one wrong_key finding and each record wrong_key, not bad_signature.
  //    Records of another device are not checked (null) and never move the key on.
  const auto signatures = [&] {
    std::vector<const record::signed_record*> in_seq_order(decoded.size(), nullptr);
    for (std::size_t i = 0; i < decoded.size(); ++i)
      if (decoded[i].parsed->body.device == options.device) in_seq_order[i] = &*decoded[i].parsed;
    return check_signatures(in_seq_order, options.key, options.signatures);
  }();
  report.signature_threads = signatures.threads;
  const crypto::public_key key = signatures.key_after;
  const std::size_t verified = signatures.verified;
  const std::vector<std::uint8_t>& signature_ok = signatures.ok;
  const bool key_matches_chain = verified > 0;
  if (!key_matches_chain && !decoded.empty())
    report.chain_findings.push_back(
        {reason::wrong_key, "no record verifies under the given key (fingerprint " +
                                options.key.fingerprint().to_hex().substr(0, 16) + "); is it this device's key?"});
  for (std::size_t i = 0; i < decoded.size(); ++i) {
    auto& rr = decoded[i];
    if (rr.parsed->body.device != options.device || signature_ok[i] != 0) continue;
    if (key_matches_chain)
      rr.findings.push_back({reason::bad_signature, "signature does not verify under the device key"});
    else
      rr.findings.push_back({reason::wrong_key, "signature does not verify under the given key"});
  }

  // 3. Order, adjacency and links, one seq at a time.
  std::optional<predecessor> prev;
  auto note_missing = [&](std::uint64_t first, std::uint64_t last, record_report& at) {
    report.missing.push_back({first, last});
    at.findings.push_back({reason::seq_gap, "records " + range_text(first, last) + " are missing before this one"});
  };
  // Records of other devices are reported above and take no part in this device's order.
  std::vector<std::size_t> members;
  for (std::size_t i = 0; i < decoded.size(); ++i)
    if (decoded[i].parsed->body.device == options.device) members.push_back(i);
  for (std::size_t m = 0; m < members.size();) {
    const std::size_t i = members[m];
    const std::uint64_t seq = decoded[i].parsed->body.seq;
    std::size_t m_end = m;
    while (m_end < members.size() && decoded[members[m_end]].parsed->body.seq == seq) ++m_end;

    // Same seq more than once: identical copies are repeats; different records are a fork.
    std::vector<std::size_t> distinct{i};
    for (std::size_t k = m + 1; k < m_end; ++k) {
      const std::size_t j = members[k];
      if (decoded[j].parsed->bytes == decoded[i].parsed->bytes)
        decoded[j].findings.push_back({reason::seq_repeated, "identical copy of record " + std::to_string(seq)});
      else
        distinct.push_back(j);
    }
    if (distinct.size() > 1)
      for (std::size_t j : distinct)
        decoded[j].findings.push_back(
            {reason::fork, std::to_string(distinct.size()) + " different records claim seq " + std::to_string(seq)});

    for (std::size_t j : distinct) {
      auto& rr = decoded[j];
      const auto& body = rr.parsed->body;
      if (!prev) {
        if (options.expect_genesis && seq > 0) note_missing(0, seq - 1, rr);
      } else if (seq > prev->seq + 1) {
        note_missing(prev->seq + 1, seq - 1, rr);
      } else if (std::find(prev->hashes.begin(), prev->hashes.end(), body.prev_hash) == prev->hashes.end()) {
        rr.findings.push_back({reason::prev_hash_mismatch,
                               "prev_hash " + body.prev_hash.to_hex().substr(0, 16) +
                                   "… is not the hash of record " + std::to_string(prev->seq)});
      }
      if (prev && body.boot_counter < prev->boot_counter)
        rr.findings.push_back({reason::boot_counter_backwards, "boot counter " + std::to_string(body.boot_counter) +
                                                                   " after " + std::to_string(prev->boot_counter)});
      else if (prev && body.boot_counter == prev->boot_counter && body.monotonic < prev->monotonic)
        rr.findings.push_back({reason::time_backwards, "monotonic time went backwards within boot " +
                                                           std::to_string(body.boot_counter)});
      if (is_documented_gap(body)) ++report.documented_gaps;
    }

    // The next seq must link to one of the records stored at this seq. Signatures are judged separately: a
    // record whose only defect is its signature keeps its hash, so its successor's link is still checked
    // against what is stored (a changed payload changes the hash and shows up at the successor too).
    predecessor next{seq, {}, decoded[distinct.front()].parsed->body.boot_counter,
                     decoded[distinct.front()].parsed->body.monotonic};
    for (std::size_t j : distinct) next.hashes.push_back(decoded[j].parsed->hash);
    prev = std::move(next);
    m = m_end;
  }

  // 4. The witnessed checkpoint: is anything missing from the end, and does the head match?
  if (options.checkpoint) {
    const auto& cp = *options.checkpoint;
    const bool signed_by_device = verify_checkpoint_signature(cp, key) || verify_checkpoint_signature(cp, options.key);
    if (cp.body.device != options.device || !signed_by_device) {
      report.chain_findings.push_back({reason::bad_checkpoint, "checkpoint signature or device does not verify"});
    } else if (cp.body.count > 0) {
      const std::uint64_t have = prev ? prev->seq + 1 : 0;
      if (have < cp.body.count) {
        report.missing.push_back({have, cp.body.count - 1});
        report.chain_findings.push_back(
            {reason::missing_tail, "checkpoint covers " + std::to_string(cp.body.count) + " records; records " +
                                       range_text(have, cp.body.count - 1) + " are missing"});
      }
      for (const auto& rr : decoded) {
        if (rr.parsed->body.seq == cp.body.count - 1 && rr.parsed->hash != cp.body.head)
          report.chain_findings.push_back({reason::checkpoint_mismatch,
                                           "record " + std::to_string(cp.body.count - 1) +
                                               " does not have the hash the checkpoint names"});
      }
    }
  }

  // 5. Verdict.
  report.records = std::move(decoded);
  for (auto& rr : undecodable) report.records.push_back(std::move(rr));
  bool tampered = false;
  bool unreadable = false;
  auto weigh = [&](const finding& f) {
    if (f.code == reason::unknown_version)
      unreadable = true;
    else
      tampered = true;
  };
  for (const auto& f : report.chain_findings) weigh(f);
  for (const auto& rr : report.records)
    for (const auto& f : rr.findings) weigh(f);
  if (report.records.empty())
    report.result = verdict::cannot_verify;
  else if (tampered)
    report.result = verdict::not_authentic;
  else if (unreadable)
    report.result = verdict::cannot_verify;
  else if (report.documented_gaps > 0)
    report.result = verdict::authentic_with_gaps;
  else
    report.result = verdict::authentic;
  return report;
}

}  // namespace bodycam::common::chain

#include "tools/audit/store_findings.hpp"
#include "tools/registers/export_approval.hpp"

#include <map>

namespace bodycam::tools::audit {

namespace store = common::store;
namespace core = common::core;

std::string_view to_string(store_reason r) noexcept {
  switch (r) {
    case store_reason::object_missing: return "object_missing";
    case store_reason::object_short: return "object_short";
    case store_reason::object_oversize: return "object_oversize";
    case store_reason::object_mismatch: return "object_mismatch";
    case store_reason::receipt_record_missing: return "receipt_record_missing";
    case store_reason::receipt_head_mismatch: return "receipt_head_mismatch";
  }
  return "unknown";
}

namespace {

std::string seq_text(const store_finding& f) {
  if (!f.first_seq) return "";
  if (!f.last_seq || *f.last_seq == *f.first_seq) return "record " + std::to_string(*f.first_seq);
  return "records " + std::to_string(*f.first_seq) + "–" + std::to_string(*f.last_seq);
}

std::string file_text(const store_finding& f) {
  const std::string name = f.file_name.empty() ? "a file no stored record describes" : "file " + f.file_name;
  return name + " (objects/sha256/" + (f.object ? f.object->to_hex() : std::string("?")) + ")";
}

}  // namespace

std::string object_place(const store_finding& f) {
  std::string out = "objects/sha256/" + (f.object ? f.object->to_hex() : std::string("?"));
  if (!f.file_name.empty() || f.first_seq) {
    out += " (";
    if (!f.file_name.empty()) out += f.file_name;
    if (f.first_seq) out += std::string(f.file_name.empty() ? "" : ", ") + seq_text(f);
    out += ")";
  }
  return out;
}

std::string describe(const store_finding& f) {
  const bool many = f.last_seq && f.first_seq && *f.last_seq != *f.first_seq;
  const std::string of_device = seq_text(f) + " of " + f.device.str();
  const std::string by = f.receipt.empty() ? "" : " (listed by receipt " + f.receipt + ")";
  std::string out;
  switch (f.code) {
    case store_reason::object_missing:
      out = file_text(f) + (f.first_seq ? ", described by " + of_device : " of " + f.device.str()) + by +
            ", is not in the store.";
      break;
    case store_reason::object_short:
      out = file_text(f) + " of " + f.device.str() + " is shorter than recorded (" + f.detail + "): it was truncated.";
      break;
    case store_reason::object_oversize:
      out = file_text(f) + " of " + f.device.str() + " is longer than recorded (" + f.detail + ").";
      break;
    case store_reason::object_mismatch:
      out = file_text(f) + " of " + f.device.str() + " no longer has the bytes that were recorded (" + f.detail + ").";
      break;
    case store_reason::receipt_record_missing:
      out = of_device + (many ? " are" : " is") + " covered by receipt " + f.receipt + " (the dock stored " +
            (many ? "them" : "it") + "), but " + (many ? "they are" : "it is") + " not in the store.";
      break;
    case store_reason::receipt_head_mismatch:
      out = "receipt " + f.receipt + " names another hash for " + of_device + " than the stored record has (" +
            f.detail + ").";
      break;
  }
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(out[0] - 'a' + 'A');
  return out;
}

nlohmann::json store_finding_json(const store_finding& f) {
  nlohmann::json j{{"reason", std::string(to_string(f.code))}, {"device", f.device.str()}};
  if (f.first_seq) j["first_seq"] = *f.first_seq;
  if (f.first_seq) j["last_seq"] = f.last_seq.value_or(*f.first_seq);
  if (f.object) j["object"] = f.object->to_hex();
  if (!f.file_name.empty()) j["file_name"] = f.file_name;
  if (!f.receipt.empty()) j["receipt"] = f.receipt;
  if (!f.detail.empty()) j["detail"] = f.detail;
  j["explanation"] = describe(f);
  return j;
}

core::expected<object_check> check_stored_object(const store::store& s, const crypto::sha256_digest& sha256,
                                                 std::uint64_t byte_length, bool rehash) {
  object_check out;
  auto present = s.has_object(sha256);
  if (!present) return std::unexpected(present.error());
  if (!*present) {
    out.state = object_state::missing;
    out.problem = store_reason::object_missing;
    out.detail = "not in the store";
    return out;
  }
  auto size = s.object_size(sha256);
  if (!size) return std::unexpected(size.error());
  if (*size != byte_length) {
    out.state = object_state::mismatch;
    out.problem = *size < byte_length ? store_reason::object_short : store_reason::object_oversize;
    out.detail = "stored length " + std::to_string(*size) + ", recorded " + std::to_string(byte_length);
    return out;
  }
  if (!rehash) {
    out.state = object_state::present;
    return out;
  }
  auto actual = s.rehash_object(sha256);
  if (!actual) return std::unexpected(actual.error());
  if (*actual != sha256) {
    out.state = object_state::mismatch;
    out.problem = store_reason::object_mismatch;
    out.detail = "its bytes now hash to " + actual->to_hex();
    return out;
  }
  out.state = object_state::verified;
  return out;
}

std::set<crypto::sha256_digest> expired_objects(const registers::register_book& retention) {
  std::set<crypto::sha256_digest> out;
  for (const auto& clerk : retention.clerks)
    for (const auto& e : clerk.entries)
      if (registers::is_expiry_event(e.body))
        for (const auto& o : e.body.objects) out.insert(o.sha256);
  return out;
}

core::expected<std::vector<receipt_audit>> read_device_receipts(const store::store& s, const record::device_id& device,
                                                                const std::vector<std::string>& names) {
  std::vector<receipt_audit> out;
  const std::string prefix = device.str() + ".";
  for (const auto& name : names) {
    if (!name.starts_with(prefix)) continue;
    receipt_audit ra;
    ra.name = name;
    auto bytes = s.get_entry(store::entry_namespace::receipts, name);
    if (!bytes) return std::unexpected(bytes.error());
    auto parsed = common::receipt::parse(*bytes);
    if (!parsed) {
      ra.problem = "malformed: " + parsed.error().context;
      out.push_back(std::move(ra));
      continue;
    }
    const auto& r = parsed->body;
    ra.issuer = r.issuer;
    ra.first_seq = r.first_seq;
    ra.end_seq = r.end_seq;
    ra.stored_utc = r.stored_utc;
    ra.head_hash = r.head_hash;
    ra.objects = r.objects;
    if (r.device != device || common::receipt::store_name(r) != name) {
      ra.problem = "misplaced: the receipt says it is " + common::receipt::store_name(r);
    } else if (auto dock = record::device_id::parse(r.issuer); !dock) {
      ra.problem = "unknown_issuer: '" + r.issuer + "'";
    } else if (auto key = s.get_public_key(*dock); !key) {
      ra.problem = "unknown_issuer: no key enrolled for dock " + r.issuer + " (keys/" + r.issuer + ".pub)";
    } else if (key->key != r.issuer_key) {
      ra.problem = "wrong_issuer_key: signed by a key other than the one enrolled for " + r.issuer;
    } else if (!common::receipt::verify_signature(*parsed)) {
      ra.problem = "bad_signature: the receipt's signature does not verify";
    } else {
      ra.signature_ok = true;
    }
    out.push_back(std::move(ra));
  }
  return out;
}

namespace {

struct described_file {
  std::uint64_t seq = 0;
  std::string file_name;
  std::uint64_t byte_length = 0;
};

// The files the chain's parsed records of `device` describe, by digest (the first record naming each).
std::map<crypto::sha256_digest, described_file> described_files(const record::device_id& device,
                                                                 const chain::chain_report& chain) {
  std::map<crypto::sha256_digest, described_file> out;
  for (const auto& rr : chain.records) {
    if (!rr.parsed || rr.parsed->body.device != device) continue;
    const auto& r = rr.parsed->body;
    if (const auto* sg = std::get_if<record::segment_payload>(&r.body))
      out.try_emplace(sg->file_sha256, described_file{r.seq, sg->file_name, sg->byte_length});
    else if (const auto* a = std::get_if<record::annotation_payload>(&r.body);
             a && a->status != record::annotation_status::missing)
      out.try_emplace(a->file_sha256, described_file{r.seq, a->file_name, a->byte_length});
    else if (const auto* p = std::get_if<record::photo_payload>(&r.body))
      out.try_emplace(p->file_sha256, described_file{r.seq, p->file_name, p->byte_length});
  }
  return out;
}

store_finding object_finding(const record::device_id& device, const crypto::sha256_digest& sha256,
                             const object_check& c) {
  store_finding f;
  f.code = *c.problem;
  f.device = device;
  f.object = sha256;
  f.detail = c.detail;
  return f;
}

}  // namespace

core::expected<std::vector<store_finding>> check_described_objects(const store::store& s,
                                                                   const record::device_id& device,
                                                                   const chain::chain_report& chain,
                                                                   const std::set<crypto::sha256_digest>& expired) {
  std::vector<store_finding> out;
  for (const auto& [sha256, file] : described_files(device, chain)) {
    auto c = check_stored_object(s, sha256, file.byte_length, true);
    if (!c) return std::unexpected(c.error());
    if (!c->problem || (c->state == object_state::missing && expired.contains(sha256))) continue;
    auto f = object_finding(device, sha256, *c);
    f.first_seq = file.seq;
    f.file_name = file.file_name;
    out.push_back(std::move(f));
  }
  return out;
}

core::expected<std::vector<store_finding>> check_receipt_coverage(const store::store& s,
                                                                  const record::device_id& device,
                                                                  const chain::chain_report& chain,
                                                                  const std::vector<receipt_audit>& receipts,
                                                                  const std::set<crypto::sha256_digest>& expired,
                                                                  bool rehash) {
  std::map<std::uint64_t, crypto::sha256_digest> present;  // seq -> record hash
  for (const auto& rr : chain.records)
    if (rr.parsed && rr.parsed->body.device == device) present.try_emplace(rr.parsed->body.seq, rr.parsed->hash);
  const auto described = described_files(device, chain);

  std::vector<store_finding> out;
  std::set<crypto::sha256_digest> checked;
  for (const auto& r : receipts) {
    if (!r.signature_ok) continue;
    // Invariant 2: missing seqs of the range, as ranges.
    for (std::uint64_t seq = r.first_seq; seq < r.end_seq;) {
      if (present.contains(seq)) {
        ++seq;
        continue;
      }
      std::uint64_t last = seq;
      while (last + 1 < r.end_seq && !present.contains(last + 1)) ++last;
      store_finding f;
      f.code = store_reason::receipt_record_missing;
      f.device = device;
      f.first_seq = seq;
      f.last_seq = last;
      f.receipt = "receipts/" + r.name;
      out.push_back(std::move(f));
      seq = last + 1;
    }
    if (const auto head = present.find(r.end_seq - 1); head != present.end() && head->second != r.head_hash) {
      store_finding f;
      f.code = store_reason::receipt_head_mismatch;
      f.device = device;
      f.first_seq = r.end_seq - 1;
      f.receipt = "receipts/" + r.name;
      f.detail = "receipt " + r.head_hash.to_hex() + ", stored " + head->second.to_hex();
      out.push_back(std::move(f));
    }
    // Invariant 3: objects the receipt lists that no present record describes.
    for (const auto& o : r.objects) {
      if (described.contains(o.sha256) || expired.contains(o.sha256) || !checked.insert(o.sha256).second) continue;
      auto c = check_stored_object(s, o.sha256, o.byte_length, rehash);
      if (!c) return std::unexpected(c.error());
      if (!c->problem) continue;
      auto f = object_finding(device, o.sha256, *c);
      f.receipt = "receipts/" + r.name;
      out.push_back(std::move(f));
    }
  }
  return out;
}

bool is_store_finding_line(const std::string& problem) {
  for (auto code : {store_reason::object_missing, store_reason::object_short, store_reason::object_oversize,
                    store_reason::object_mismatch, store_reason::receipt_record_missing,
                    store_reason::receipt_head_mismatch})
    if (problem.starts_with(std::string(to_string(code)) + ": ")) return true;
  return false;
}

}  // namespace bodycam::tools::audit

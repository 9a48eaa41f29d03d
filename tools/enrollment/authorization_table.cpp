#include "tools/enrollment/authorization_table.hpp"

#include "common/record/record_json.hpp"

#include <algorithm>
#include <set>

namespace bodycam::tools::enrollment {

namespace {

bool has(std::uint8_t roles, role r) { return (roles & static_cast<std::uint8_t>(r)) != 0; }

std::string short_fingerprint(const crypto::public_key& key) { return key.fingerprint().to_hex().substr(0, 16); }

void end_grant(grant& g, record::utc_time at, std::string why) {
  if (g.end && *g.end <= at) return;
  g.end = at;
  g.end_reason = std::move(why);
}

bool is_allowed(const std::vector<grant>& grants, const crypto::public_key& key, signature_kind kind,
                record::utc_time t) {
  return std::any_of(grants.begin(), grants.end(),
                     [&](const grant& g) { return g.key == key && grant_fits(g, kind) && g.is_in_force(t); });
}

// One pass of A1 and A2 over `entries` in chain order, leaving out the seqs in `excluded`.
std::vector<grant> one_pass(const crypto::public_key& root, const std::vector<enrollment_entry>& entries,
                            const std::set<std::uint64_t>& excluded, std::vector<rejected_entry>& rejected) {
  std::vector<grant> grants;
  for (const auto& e : entries) {
    if (excluded.contains(e.seq)) continue;
    if (e.signer != root && !is_allowed(grants, e.signer, signature_kind::enrollment, e.utc)) {
      rejected.push_back({e.seq, "unauthorized_signer",
                          "signed by key " + short_fingerprint(e.signer) +
                              ", which is neither the agency root nor an admin in force at " +
                              record::format_utc(e.utc)});
      continue;
    }
    if (e.action == entry_action::enroll) {
      for (auto& g : grants)  // A1: rotation
        if (g.kind == e.kind && g.subject == e.subject && g.key != e.subject_key)
          end_grant(g, e.valid_from, "rotated to a new key by entry " + std::to_string(e.seq));
      grant g{e.seq, e.kind, e.subject, e.subject_key, e.roles, e.unit, e.valid_from, std::nullopt, {}};
      if (e.valid_until != record::utc_time{}) {
        g.end = e.valid_until;
        g.end_reason = "valid until";
      }
      grants.push_back(std::move(g));
      continue;
    }
    const auto target = std::find_if(grants.begin(), grants.end(), [&](const grant& g) { return g.seq == e.revokes_seq; });
    if (target == grants.end()) {
      rejected.push_back({e.seq, "unknown_revoked_entry",
                          "revokes entry " + std::to_string(e.revokes_seq) + ", which is not an enrollment that counts"});
      continue;
    }
    const record::utc_time at = e.valid_from != record::utc_time{} ? e.valid_from : e.utc;
    end_grant(*target, at, "revoked by entry " + std::to_string(e.seq) + " (" + e.reason + ")");
  }
  return grants;
}

}  // namespace

std::string_view to_string(signature_kind k) noexcept {
  switch (k) {
    case signature_kind::record: return "record";
    case signature_kind::receipt: return "receipt";
    case signature_kind::access_entry: return "access entry";
    case signature_kind::retention_entry: return "retention entry";
    case signature_kind::approval: return "approval";
    case signature_kind::enrollment: return "enrollment entry";
    case signature_kind::cosignature: return "cosignature";
    case signature_kind::note: return "note";
  }
  return "unknown";
}

bool grant_fits(const grant& g, signature_kind kind) noexcept {
  switch (kind) {
    case signature_kind::record: return g.kind == subject_kind::camera;
    case signature_kind::receipt: return g.kind == subject_kind::dock;
    case signature_kind::access_entry:
    case signature_kind::retention_entry:
      return g.kind == subject_kind::person && (has(g.roles, role::clerk) || has(g.roles, role::supervisor));
    case signature_kind::approval: return g.kind == subject_kind::person && has(g.roles, role::supervisor);
    case signature_kind::enrollment: return g.kind == subject_kind::person && has(g.roles, role::admin);
    case signature_kind::cosignature: return g.kind == subject_kind::witness;
    case signature_kind::note:
      return g.kind == subject_kind::person && (has(g.roles, role::officer) || has(g.roles, role::clerk));
  }
  return false;
}

std::string who_may_sign(signature_kind kind) {
  switch (kind) {
    case signature_kind::record: return "an enrolled camera";
    case signature_kind::receipt: return "an enrolled dock";
    case signature_kind::access_entry:
    case signature_kind::retention_entry: return "a person enrolled with role clerk or supervisor";
    case signature_kind::approval: return "a person enrolled with role supervisor";
    case signature_kind::enrollment: return "the agency root or a person enrolled with role admin";
    case signature_kind::cosignature: return "an enrolled witness";
    case signature_kind::note: return "a person enrolled with role clerk, or an officer of the session";
  }
  return "nobody";
}

authorization_table authorization_table::build(const crypto::public_key& root,
                                               const std::vector<enrollment_entry>& entries,
                                               std::vector<rejected_entry>* rejected) {
  std::set<std::uint64_t> excluded;
  std::vector<rejected_entry> late;  // A2: dropped by the re-check
  for (;;) {
    std::vector<rejected_entry> in_pass;
    auto grants = one_pass(root, entries, excluded, in_pass);
    bool changed = false;
    for (const auto& e : entries) {
      if (e.signer == root || excluded.contains(e.seq)) continue;
      const bool was_rejected =
          std::any_of(in_pass.begin(), in_pass.end(), [&](const rejected_entry& r) { return r.seq == e.seq; });
      if (was_rejected || is_allowed(grants, e.signer, signature_kind::enrollment, e.utc)) continue;
      excluded.insert(e.seq);
      late.push_back({e.seq, "unauthorized_signer",
                      "signed by key " + short_fingerprint(e.signer) + " at " + record::format_utc(e.utc) +
                          ", when that admin was no longer in force"});
      changed = true;
    }
    if (!changed) {
      if (rejected != nullptr) {
        *rejected = std::move(in_pass);
        rejected->insert(rejected->end(), late.begin(), late.end());
        std::sort(rejected->begin(), rejected->end(),
                  [](const rejected_entry& a, const rejected_entry& b) { return a.seq < b.seq; });
      }
      authorization_table t;
      t.root_ = root;
      t.grants_ = std::move(grants);
      return t;
    }
  }
}

decision authorization_table::may_sign(const crypto::public_key& key, signature_kind kind, record::utc_time t) const {
  decision d;
  if (kind == signature_kind::enrollment && key == root_) {
    d.allowed = true;
    d.subject = "agency root";
    return d;
  }
  const grant* enrolled = nullptr;
  std::string edge;
  for (const auto& g : grants_) {
    if (g.key != key) continue;
    if (enrolled == nullptr) enrolled = &g;
    if (!grant_fits(g, kind)) continue;
    if (g.is_in_force(t)) {
      d.allowed = true;
      d.subject = g.subject;
      d.entry_seq = g.seq;
      d.reason.clear();
      return d;
    }
    d.subject = g.subject;
    d.entry_seq = g.seq;
    const std::string who = std::string(to_string(g.kind)) + " " + g.subject + " (enrollment entry " +
                            std::to_string(g.seq) + ")";
    if (t < g.valid_from)
      edge = who + " is not valid before " + record::format_utc(g.valid_from);
    else
      edge = who + ": " + g.end_reason + " " + record::format_utc(*g.end);
  }
  const std::string fp = "key " + short_fingerprint(key);
  if (!edge.empty()) {
    d.reason = fp + " may not sign a " + std::string(to_string(kind)) + " at " + record::format_utc(t) + ": " + edge;
  } else if (enrolled != nullptr) {
    d.subject = enrolled->subject;
    d.entry_seq = enrolled->seq;
    d.reason = fp + " is enrolled as " + std::string(to_string(enrolled->kind)) + " " + enrolled->subject +
               (enrolled->roles != 0 ? " (roles " + roles_text(enrolled->roles) + ")" : std::string()) +
               ", which may not sign a " + std::string(to_string(kind)) + ": only " + who_may_sign(kind) + " may";
  } else {
    d.reason = fp + " is not in the enrollment register; a " + std::string(to_string(kind)) + " needs " +
               who_may_sign(kind);
  }
  return d;
}

bool is_session_officer(const std::vector<std::string>& roster, std::string_view person) noexcept {
  return !person.empty() && std::find(roster.begin(), roster.end(), person) != roster.end();
}

decision authorization_table::may_note(const crypto::public_key& key, std::string_view device,
                                       std::string_view session, const std::vector<std::string>* roster,
                                       record::utc_time t) const {
  decision d = may_sign(key, signature_kind::note, t);
  if (!d.allowed) return d;
  const auto in_force = [&](const grant& g, role r) {
    return g.key == key && g.kind == subject_kind::person && has(g.roles, r) && g.is_in_force(t);
  };
  if (std::any_of(grants_.begin(), grants_.end(), [&](const grant& g) { return in_force(g, role::clerk); })) return d;
  for (const auto& officer : grants_)  // A4
    if (in_force(officer, role::officer) && roster != nullptr && is_session_officer(*roster, officer.subject))
      return d;
  d.allowed = false;
  d.reason = "key " + short_fingerprint(key) + " (officer " + d.subject + ") may not note session " +
             std::string(session) + " of camera " + std::string(device) + ": " +
             (roster == nullptr ? std::string("the session's records are not in the store")
                                : std::string("the officer neither wore the camera nor joined the session"));
  return d;
}

decision authorization_table::officer_in_force(const crypto::public_key& key, record::utc_time t) const {
  for (const auto& g : grants_)
    if (g.key == key && g.kind == subject_kind::person && has(g.roles, role::officer) && g.is_in_force(t))
      return {true, g.subject, g.seq, {}};
  decision d;
  d.reason = "key " + short_fingerprint(key) + " is not an officer's in force at " + record::format_utc(t);
  return d;
}

std::vector<const grant*> authorization_table::grants_of(subject_kind kind) const {
  std::vector<const grant*> out;
  for (const auto& g : grants_)
    if (g.kind == kind) out.push_back(&g);
  return out;
}

}  // namespace bodycam::tools::enrollment

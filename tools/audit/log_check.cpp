// The audit's store-log check; invariants L1–L5 in log_check.hpp.
#include "tools/audit/log_check.hpp"

#include "common/store_log/leaf.hpp"
#include "common/store_log/log_files.hpp"
#include "common/store_log/log_reader.hpp"
#include "common/tlog/hash.hpp"
#include "common/tlog/note.hpp"
#include "common/tlog/proof.hpp"
#include "tools/audit/store_audit.hpp"
#include "tools/enrollment/enrollment_store.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <set>

namespace bodycam::tools::audit {

namespace store = common::store;
namespace core = common::core;
namespace tlog = common::tlog;
namespace slog = common::store_log;
namespace en = enrollment;

namespace {

struct log_keys {
  std::vector<tlog::note_verifier> docks;
  std::vector<trusted_witness> witnesses;
};

void add_finding(log_audit& out, std::string code, std::string item, std::string detail) {
  out.findings.push_back({std::move(code), std::move(item), std::move(detail)});
}

// L1, L2: the docks whose keys may sign checkpoints and the witnesses whose cosignatures count.
core::expected<log_keys> trusted_keys(const store::store& s, const log_check_options& options, log_audit& out) {
  log_keys keys;
  std::optional<crypto::public_key> root;
  if (options.root) {
    root = options.root->key;
  } else {
    auto store_root = en::get_store_root(s);
    if (!store_root) return std::unexpected(store_root.error());
    root = *store_root;
    if (root)
      out.notes.push_back("checkpoint signers read from the register under the store's own root (not confirmed)");
  }
  auto present = en::has_register(s);
  if (!present) return std::unexpected(present.error());
  if (root && *present) {
    auto reg = en::load_register(s, *root);
    if (!reg) return std::unexpected(reg.error());
    for (const auto* g : reg->table.grants_of(en::subject_kind::dock))
      if (auto v = tlog::make_note_verifier(g->subject, tlog::key_type::ed25519, g->key)) keys.docks.push_back(*v);
    for (const auto* g : reg->table.grants_of(en::subject_kind::witness))
      keys.witnesses.push_back({g->subject, g->key});
  } else {
    out.notes.push_back("no enrollment register: checkpoint signers taken from the store's keys/ (not confirmed)");
    auto ids = s.list_public_keys();
    if (!ids) return core::wrap("list keys/ for the store log check", ids.error());
    for (const auto& id : *ids) {
      auto k = s.get_public_key(id);
      if (!k) return core::wrap("read keys/" + id.str() + " for the store log check", k.error());
      if (auto v = tlog::make_note_verifier(id.str(), tlog::key_type::ed25519, k->key)) keys.docks.push_back(*v);
    }
  }
  if (!options.witnesses.empty()) keys.witnesses = options.witnesses;
  return keys;
}

// The cosignature files: size -> witness names.
core::expected<std::map<std::uint64_t, std::vector<std::string>>> list_cosignatures(const store::store_backend& b) {
  std::map<std::uint64_t, std::vector<std::string>> out;
  auto folder = store::store_key::parse("log/cosignature");
  if (!folder) return std::unexpected(folder.error());
  std::vector<std::string> sizes;
  auto listed = b.list(*folder, [&](const store::list_entry& e) {
    if (e.is_folder) sizes.push_back(e.name);
    return true;
  });
  if (!listed) return core::wrap("list log/cosignature", listed.error());
  for (const auto& name : sizes) {
    if (name.empty() || name.size() > 19 || name.find_first_not_of("0123456789") != std::string::npos) continue;
    const std::uint64_t n = std::stoull(name);
    auto sub = store::store_key::parse("log/cosignature/" + name);
    if (!sub) continue;
    auto ok = b.list(*sub, [&](const store::list_entry& e) {
      if (!e.is_folder) out[n].push_back(e.name);
      return true;
    });
    if (!ok) return core::wrap("list log/cosignature/" + name, ok.error());
  }
  return out;
}

// L2: the largest size with a trusted witness's valid cosignature over the stored checkpoint of that size.
core::expected<std::optional<slog::stored_checkpoint>> find_witnessed(const store::store_backend& b,
                                                                      const log_keys& keys, log_audit& out) {
  auto cosigs = list_cosignatures(b);
  if (!cosigs) return std::unexpected(cosigs.error());
  std::optional<slog::stored_checkpoint> best;
  for (const auto& [size, names] : *cosigs) {
    for (const auto& name : names) {
      const auto w = std::find_if(keys.witnesses.begin(), keys.witnesses.end(),
                                  [&](const trusted_witness& t) { return t.name == name; });
      if (w == keys.witnesses.end()) continue;
      const std::string where = "log/cosignature/" + std::to_string(size) + "/" + name;
      auto cp = slog::read_checkpoint(b, size);
      if (!cp) {
        add_finding(out, "log_inconsistent", where,
                    "witness " + name + " cosigned a checkpoint of size " + std::to_string(size) +
                        " that is not in the store log (" + cp.error().context + ")");
        continue;
      }
      auto key = slog::cosignature_key(size, name);
      if (!key) return std::unexpected(key.error());
      auto line = slog::read_log_file(b, *key, 64 * 1024);
      if (!line) return core::wrap("read " + where, line.error());
      if (!*line) continue;
      auto verifier = tlog::make_note_verifier(name, tlog::key_type::cosignature_v1, w->key);
      if (!verifier) return std::unexpected(verifier.error());
      const std::string text =
          cp->note.substr(0, cp->note.find("\n\n") + 1);  // the signed text, its signatures left off
      const std::string note = text + "\n" + std::string((*line)->begin(), (*line)->end());
      const std::array<tlog::note_verifier, 1> known{*verifier};
      auto opened = tlog::open_note(note, known);
      if (!opened) {
        add_finding(out, "log_inconsistent", where,
                    "the cosignature of witness " + name + " does not verify over the stored log/checkpoint/" +
                        std::to_string(size) + ": the log was rewritten after the witness saw it (" +
                        opened.error().context + ")");
        continue;
      }
      if (!best || best->checkpoint.size < size) {
        best = *cp;
        out.witnesses.clear();
      }
      if (best->checkpoint.size == size) out.witnesses.push_back(name);
    }
  }
  return best;
}

std::set<std::string> expired_object_keys(const audit_report& report) {
  std::set<std::string> out;
  const auto add = [&](const object_audit& o) {
    if (o.state == object_state::expired) out.insert("objects/sha256/" + o.sha256.to_hex());
  };
  for (const auto& d : report.devices)
    for (const auto& session : d.sessions) {
      for (const auto& seg : session.segments) add(seg);
      for (const auto& st : session.statements) add(st.file);
    }
  return out;
}

core::expected<std::optional<crypto::sha256_digest>> hash_object(store::store& s, const store::store_key& key) {
  auto reader = s.backend().open(key);
  if (!reader) {
    if (reader.error().code == core::errc::not_found) return std::optional<crypto::sha256_digest>{};
    return std::unexpected(reader.error());
  }
  crypto::sha256_hasher h;
  std::vector<std::uint8_t> buffer(1 << 20);
  for (;;) {
    auto n = (*reader)->read(buffer);
    if (!n) return core::wrap("re-hash " + key.str(), n.error());
    if (*n == 0) break;
    h.update(core::byte_view(buffer.data(), *n));
  }
  return std::optional<crypto::sha256_digest>(h.finish());
}

// L4 for one leaf.
core::status check_item(store::store& s, const slog::store_leaf& leaf, const log_check_options& options,
                        const std::set<std::string>& expired, log_audit& out) {
  auto key = store::store_key::parse(leaf.key);
  if (!key) return core::wrap("store log leaf", key.error());
  const bool object = key->parent() == store::store_key::objects_folder().str();
  if (object) {
    auto size = s.backend().stat(*key);
    if (!size) return core::wrap("stat " + leaf.key, size.error());
    if (!*size) {
      if (expired.contains(leaf.key)) {
        ++out.items_expired;
        return {};
      }
      add_finding(out, "log_item_missing", leaf.key, "logged, and no retention expiry event deleted it");
      return {};
    }
    ++out.items_checked;
    if (!in_sample(leaf.sha256, options.sample_slice, options.sample_slices)) return {};
    auto h = hash_object(s, *key);
    if (!h) return std::unexpected(h.error());
    if (*h && **h != leaf.sha256)
      add_finding(out, "log_item_changed", leaf.key, "its bytes now hash to " + (*h)->to_hex());
    return {};
  }
  auto bytes = slog::read_log_file(s.backend(), *key, store::max_entry_bytes);
  if (!bytes) return core::wrap("read " + leaf.key + " for the store log check", bytes.error());
  if (!*bytes) {
    add_finding(out, "log_item_missing", leaf.key, "logged with SHA-256 " + leaf.sha256.to_hex() + ", now absent");
    return {};
  }
  ++out.items_checked;
  if (const auto now = crypto::sha256(**bytes); now != leaf.sha256)
    add_finding(out, "log_item_changed", leaf.key,
                "logged with SHA-256 " + leaf.sha256.to_hex() + ", its bytes now hash to " + now.to_hex());
  return {};
}

}  // namespace

core::expected<log_audit> check_store_log(store::store& s, const audit_report& report,
                                          const log_check_options& options) {
  return check_store_log_excluding(s, expired_object_keys(report), options);
}

core::expected<std::optional<witnessed_checkpoint>> find_witnessed_checkpoint(store::store& s,
                                                                             const log_check_options& options) {
  log_audit scratch;
  auto newest = slog::newest_checkpoint(s.backend());
  if (!newest) return core::wrap("read the store log's newest checkpoint", newest.error());
  if (!*newest) return std::optional<witnessed_checkpoint>{};
  auto keys = trusted_keys(s, options, scratch);
  if (!keys) return std::unexpected(keys.error());
  auto found = find_witnessed(s.backend(), *keys, scratch);
  if (!found) return std::unexpected(found.error());
  if (!*found) return std::optional<witnessed_checkpoint>{};
  witnessed_checkpoint out{(*found)->note, (*found)->checkpoint.size, scratch.witnesses};
  for (const auto& name : scratch.witnesses) {
    auto key = slog::cosignature_key(out.size, name);
    if (!key) return std::unexpected(key.error());
    auto line = slog::read_log_file(s.backend(), *key, 64 * 1024);
    if (!line) return core::wrap("read " + key->str(), line.error());
    if (*line) out.note.append((*line)->begin(), (*line)->end());
  }
  return std::optional<witnessed_checkpoint>(std::move(out));
}

core::expected<log_audit> check_store_log_excluding(store::store& s, const std::set<std::string>& expired_objects,
                                          const log_check_options& options) {
  log_audit out;
  auto& backend = s.backend();
  auto newest = slog::newest_checkpoint(backend);
  if (!newest) return core::wrap("read the store log's newest checkpoint", newest.error());
  if (!*newest) {  // L5
    out.notes.push_back(
        "this store has no log (made before the store log existed, or nothing logged yet): "
        "deletions of whole items are found only through the chains and receipts");
    return out;
  }
  out.present = true;
  const auto& head = **newest;
  out.size = head.checkpoint.size;
  auto keys = trusted_keys(s, options, out);
  if (!keys) return std::unexpected(keys.error());
  const std::string head_key = "log/checkpoint/" + std::to_string(out.size);
  // L1
  if (auto opened = tlog::open_note(head.note, keys->docks); !opened) {
    add_finding(out, "log_bad_signature", head_key,
                "not signed by the key of an enrolled dock: " + opened.error().context);
  } else if (!opened->verified.empty()) {
    out.signed_by = opened->verified.front().name;
  }
  // L2
  if (keys->witnesses.empty()) out.notes.push_back("no witness enrolled or given (--witness)");
  auto witnessed = find_witnessed(backend, *keys, out);
  if (!witnessed) return std::unexpected(witnessed.error());
  // L3
  auto entries = slog::read_log_entries(backend, out.size);
  if (!entries) {
    add_finding(out, "log_inconsistent", head_key, "its entries cannot be read: " + entries.error().context);
  } else {
    std::vector<tlog::hash> hashes;
    hashes.reserve(entries->size());
    for (const auto& e : *entries) hashes.push_back(tlog::leaf_hash(e));
    if (tlog::tree_hash_of_leaf_hashes(hashes) != head.checkpoint.root)
      add_finding(out, "log_inconsistent", head_key, "the entry bundles do not hash to the checkpoint's root");
  }
  if (*witnessed) {
    const auto& w = (*witnessed)->checkpoint;
    out.witnessed_size = w.size;
    auto proof = slog::prove_log_consistency(backend, head.checkpoint, w.size);
    const auto ok = proof ? tlog::verify_consistency(*proof, w.size, w.root, head.checkpoint.size, head.checkpoint.root)
                          : core::status(std::unexpected(proof.error()));
    if (w.size > head.checkpoint.size || !ok)
      add_finding(out, "log_inconsistent", head_key,
                  "not consistent with the witnessed checkpoint of size " + std::to_string(w.size) +
                      (ok ? std::string() : ": " + ok.error().context));
  } else {
    add_finding(out, "log_unwitnessed", head_key,
                "no checkpoint of this log is cosigned by a trusted witness: a rewrite of the whole log by "
                "someone holding a dock key cannot be ruled out");
  }
  // L4
  if (entries) {
    const auto& expired = expired_objects;
    std::set<std::string> seen;
    for (const auto& e : *entries) {
      auto leaf = slog::parse_leaf(e);
      if (!leaf) {
        add_finding(out, "log_inconsistent", head_key, "a leaf does not parse: " + leaf.error().context);
        continue;
      }
      if (!seen.insert(leaf->key).second) continue;
      if (auto ok = check_item(s, *leaf, options, expired, out); !ok) return std::unexpected(ok.error());
    }
    auto stored = slog::list_loggable_keys(backend);
    if (!stored) return core::wrap("list the stored items for the store log check", stored.error());
    for (const auto& k : *stored)
      if (!seen.contains(k.str())) ++out.unlogged;
    if (out.unlogged > 0)
      out.notes.push_back(std::to_string(out.unlogged) +
                          " stored items are not in the log yet (the dock logs them at its next start)");
  }
  const bool only_unwitnessed = std::all_of(out.findings.begin(), out.findings.end(),
                                            [](const log_finding& f) { return f.code == "log_unwitnessed"; });
  if (!only_unwitnessed)
    out.verdict = chain::verdict::not_authentic;
  else if (!out.findings.empty())
    out.verdict = chain::verdict::authentic_with_gaps;
  return out;
}

std::string render_log_text(const log_audit& l) {
  std::string t = "\nSTORE LOG (nothing logged may vanish or change)\n";
  if (l.present) {
    t += "  newest checkpoint: size " + std::to_string(l.size) +
         (l.signed_by.empty() ? std::string() : ", signed by dock " + l.signed_by) + "\n";
    if (l.witnessed_size) {
      t += "  witnessed checkpoint: size " + std::to_string(*l.witnessed_size) + ", cosigned by";
      for (const auto& w : l.witnesses) t += " " + w;
      t += "\n";
    }
    t += "  items checked: " + std::to_string(l.items_checked) +
         ", expired under retention: " + std::to_string(l.items_expired) + "\n";
  }
  for (const auto& f : l.findings)
    t += std::string(f.code == "log_unwitnessed" ? "  GAP " : "  NOT AUTHENTIC ") + f.code + " " + f.item + ": " +
         f.detail + "\n";
  for (const auto& n : l.notes) t += "  note: " + n + "\n";
  t += "  store log verdict: " + std::string(chain::to_string(l.verdict)) + "\n";
  return t;
}

nlohmann::json render_log_json(const log_audit& l) {
  nlohmann::json j;
  j["present"] = l.present;
  j["size"] = l.size;
  j["signed_by"] = l.signed_by;
  j["witnessed_size"] = l.witnessed_size ? nlohmann::json(*l.witnessed_size) : nlohmann::json(nullptr);
  j["witnesses"] = l.witnesses;
  j["items_checked"] = l.items_checked;
  j["items_expired"] = l.items_expired;
  j["unlogged"] = l.unlogged;
  j["findings"] = nlohmann::json::array();
  for (const auto& f : l.findings) j["findings"].push_back({{"code", f.code}, {"item", f.item}, {"detail", f.detail}});
  j["notes"] = l.notes;
  j["verdict"] = std::string(chain::to_string(l.verdict));
  return j;
}

}  // namespace bodycam::tools::audit

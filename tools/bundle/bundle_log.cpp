// The store-log part of a bundle; invariants B1–B4 in bundle_log.hpp.
#include "tools/bundle/bundle_log.hpp"

#include "common/core/durable_file.hpp"
#include "common/crypto/key_file.hpp"
#include "common/store_log/leaf.hpp"
#include "common/store_log/log_appender.hpp"
#include "common/store_log/log_files.hpp"
#include "common/store_log/log_reader.hpp"
#include "common/tlog/checkpoint.hpp"
#include "common/tlog/note.hpp"
#include "common/tlog/tile.hpp"

#include <array>
#include <set>

namespace bodycam::tools::bundle {

namespace store = common::store;
namespace tlog = common::tlog;
namespace slog = common::store_log;
using nlohmann::json;

std::string store_key_of_bundle_file(std::string_view path, const crypto::sha256_digest& sha256) {
  if (path.starts_with("files/")) return "objects/sha256/" + sha256.to_hex();
  for (std::string_view prefix : {"records/", "receipts/", "retention/", "keys/"})
    if (path.starts_with(prefix)) return std::string(path);
  return {};
}

namespace {

constexpr std::string_view em_dash_line = "\xE2\x80\x94 ";

// The key names of a note's signature lines, in order.
std::vector<std::string> signature_names(std::string_view note) {
  std::vector<std::string> names;
  const auto body = note.rfind("\n\n");
  if (body == std::string_view::npos) return names;
  std::size_t at = body + 2;
  while (at < note.size()) {
    auto end = note.find('\n', at);
    if (end == std::string_view::npos) end = note.size();
    std::string_view line = note.substr(at, end - at);
    if (line.starts_with(em_dash_line)) {
      line.remove_prefix(em_dash_line.size());
      names.emplace_back(line.substr(0, line.find(' ')));
    }
    at = end + 1;
  }
  return names;
}

using core::as_text;

}  // namespace

core::expected<bundle_log_proofs> collect_log_proofs(store::store& s,
                                                     const std::map<std::string, crypto::sha256_digest>& files) {
  bundle_log_proofs out;
  auto& backend = s.backend();
  // B2.
  auto witnessed = audit::find_witnessed_checkpoint(s, {});
  if (!witnessed) return core::wrap("bundle log proofs", witnessed.error());
  if (*witnessed) {
    out.checkpoint_note = (*witnessed)->note;
    out.witnesses = (*witnessed)->witnesses;
  } else {
    auto newest = slog::newest_checkpoint(backend);
    if (!newest) return core::wrap("bundle log proofs: read the newest checkpoint", newest.error());
    if (!*newest) return out;
    out.checkpoint_note = (*newest)->note;
  }
  out.present = true;
  auto cp = slog::peek_checkpoint(out.checkpoint_note);
  if (!cp) return core::wrap("bundle log proofs", cp.error());
  out.tree_size = cp->size;
  if (const auto names = signature_names(out.checkpoint_note); !names.empty()) out.signed_by = names.front();
  auto entries = slog::read_log_entries(backend, out.tree_size);
  if (!entries) return core::wrap("bundle log proofs: read the log's entries", entries.error());
  std::map<std::string, std::uint64_t> first_index;
  for (std::uint64_t i = 0; i < entries->size(); ++i)
    if (auto leaf = slog::parse_leaf((*entries)[i])) first_index.try_emplace(leaf->key, i);
  slog::store_tile_source tiles(backend);
  tlog::tile_hash_reader reader(out.tree_size, tiles, cp->root);
  for (const auto& [path, digest] : files) {
    const std::string key = store_key_of_bundle_file(path, digest);
    if (key.empty()) continue;
    const auto at = first_index.find(key);
    if (at == first_index.end()) {  // B1
      out.unlogged.push_back(path);
      continue;
    }
    auto proof = tlog::prove_inclusion(out.tree_size, at->second, reader);
    if (!proof) return core::wrap("bundle log proofs: prove " + key, proof.error());
    const auto& leaf = (*entries)[at->second];
    if (auto ok = tlog::verify_inclusion(*proof, out.tree_size, cp->root, at->second, tlog::leaf_hash(leaf)); !ok)
      return core::wrap("bundle log proofs: the store's tiles give no valid proof for " + key, ok.error());
    out.items.push_back({path, as_text(leaf), at->second, std::move(*proof)});
  }
  return out;
}

std::string format_proofs_json(const bundle_log_proofs& proofs) {
  json items = json::array();
  for (const auto& i : proofs.items) {
    json path = json::array();
    for (const auto& h : i.proof) path.push_back(h.to_hex());
    items.push_back({{"file", i.file}, {"leaf", i.leaf}, {"leaf_index", i.index}, {"proof", path}});
  }
  return json{{"format", log_proofs_format},
              {"version", 1},
              {"checkpoint", log_checkpoint_name},
              {"tree_size", proofs.tree_size},
              {"items", items}}
             .dump(2) +
         "\n";
}

json manifest_log_json(const bundle_log_proofs& proofs) {
  if (!proofs.present) return nullptr;
  return {{"checkpoint", log_checkpoint_name}, {"proofs", log_proofs_name}, {"tree_size", proofs.tree_size},
          {"signed_by", proofs.signed_by},     {"witnesses", proofs.witnesses}, {"unlogged", proofs.unlogged}};
}

namespace {

class log_checker {
 public:
  log_checker(const std::filesystem::path& dir, const json& manifest,
              const std::map<std::string, crypto::sha256_digest>& good_files,
              const std::vector<audit::trusted_witness>& witnesses)
      : dir_(dir), manifest_(manifest), good_(good_files), witnesses_(witnesses) {}

  bundle_log_check run() {
    const json& log = manifest_.contains("log") ? manifest_["log"] : json(nullptr);
    if (!log.is_object()) {
      out_.notes.push_back("the bundle carries no store log proofs (exported from a store without a log, or by an "
                           "older version)");
      if (!witnesses_.empty()) gap("log_unwitnessed", "", "no checkpoint of the store log is in the bundle");
      return out_;
    }
    std::set<std::string> unlogged;
    if (log.contains("unlogged") && log["unlogged"].is_array())
      for (const auto& u : log["unlogged"])
        if (u.is_string()) unlogged.insert(u.get<std::string>());
    const auto cp = check_checkpoint();
    std::set<std::string> proven;
    if (cp) check_proofs(*cp, proven);
    // The exporting clerk's key, like the access entry, may be the export's own writing (a clerk's first entry
    // stores it): proven when the log held it, else a note.
    const std::string clerk_key = "keys/" + manifest_.value("clerk", std::string()) + ".pub";
    for (const auto& [path, digest] : good_) {
      if (path.starts_with("log/") || store_key_of_bundle_file(path, digest).empty() || proven.contains(path))
        continue;
      if (path == clerk_key) {
        out_.notes.push_back(clerk_key + " (the exporting clerk's key) was not in the log's checkpoint yet");
        continue;
      }
      if (unlogged.contains(path))
        gap("log_item_unlogged", path, "not yet in the store log when the bundle was exported; no proof");
      else if (cp)
        bad("log_proof_missing", path, "the bundle carries no store log proof for it and does not list it unlogged");
    }
    return out_;
  }

 private:
  void bad(std::string code, std::string file, std::string detail) {
    out_.findings.push_back({std::move(code), std::move(file), "", std::move(detail)});
  }
  void gap(std::string code, std::string file, std::string detail) {
    bad(std::move(code), std::move(file), std::move(detail));
    ++out_.documented_gaps;
  }

  // B3: the checkpoint under the dock key the bundle carries; cosignatures under the given witness keys.
  std::optional<tlog::checkpoint> check_checkpoint() {
    const std::string name(log_checkpoint_name);
    if (!good_.contains(name)) {
      bad("log_bad_signature", name, "the checkpoint is not in the bundle (or does not match SHA256SUMS)");
      return std::nullopt;
    }
    auto bytes = core::read_file(dir_ / name, tlog::max_checkpoint_bytes + 64 * 1024);
    if (!bytes) {
      bad("log_bad_signature", name, bytes.error().context);
      return std::nullopt;
    }
    const std::string note = as_text(*bytes);
    std::set<std::string> not_log_keys{manifest_.value("clerk", "")};
    for (const auto& d : manifest_["devices"])
      if (d.is_object()) not_log_keys.insert(d.value("device", ""));
    std::vector<tlog::note_verifier> docks;
    for (const auto& signer : signature_names(note)) {
      const std::string key_path = "keys/" + signer + ".pub";
      if (not_log_keys.contains(signer) || !good_.contains(key_path)) continue;
      auto key = crypto::load_public_key(dir_ / key_path);
      if (!key || key->label != signer) continue;
      if (auto v = tlog::make_note_verifier(signer, tlog::key_type::ed25519, key->key)) {
        docks.push_back(*v);
        out_.notes.push_back("checkpoint signed by dock " + signer + " (key fingerprint " +
                             key->key.fingerprint().to_hex() + ")");
      }
    }
    auto opened = tlog::open_note(note, docks);
    if (!opened) {
      bad("log_bad_signature", name, "not signed by the key of a dock the bundle carries: " + opened.error().context);
      return std::nullopt;
    }
    auto cp = tlog::parse_checkpoint(opened->text);
    if (!cp) {
      bad("log_bad_signature", name, cp.error().context);
      return std::nullopt;
    }
    std::vector<std::string> cosigned;
    for (const auto& w : witnesses_) {
      auto v = tlog::make_note_verifier(w.name, tlog::key_type::cosignature_v1, w.key);
      if (!v) continue;
      const std::array<tlog::note_verifier, 1> known{*v};
      if (auto ok = tlog::open_note(note, known); ok) {
        cosigned.push_back(w.name);
      } else if (ok.error().context.find("does not verify") != std::string::npos) {
        bad("log_bad_cosignature", name, "the cosignature of witness " + w.name + " does not verify over it");
      }
    }
    if (!witnesses_.empty() && cosigned.empty())
      gap("log_unwitnessed", name, "no witness the verifier trusts cosigned the bundle's checkpoint");
    for (const auto& w : cosigned) out_.notes.push_back("checkpoint cosigned by witness " + w);
    if (witnesses_.empty()) out_.notes.push_back("cosignatures not checked: no --witness key given");
    return *cp;
  }

  void check_proofs(const tlog::checkpoint& cp, std::set<std::string>& proven) {
    const std::string name(log_proofs_name);
    auto bytes = good_.contains(name) ? core::read_file(dir_ / name, std::size_t{64} << 20)
                                      : core::expected<core::byte_buffer>(core::fail(core::errc::not_found, "absent"));
    const json doc = bytes ? json::parse(as_text(*bytes), nullptr, false) : json();
    if (!bytes || doc.is_discarded() || !doc.is_object() || doc.value("format", "") != log_proofs_format ||
        !doc.contains("items") || !doc["items"].is_array()) {
      bad("log_proof_invalid", name, "the proofs file is absent, unlisted or not a version-1 proofs document");
      return;
    }
    if (doc.value("tree_size", std::uint64_t{0}) != cp.size)
      bad("log_proof_invalid", name, "its tree size differs from the checkpoint's");
    for (const auto& item : doc["items"]) {
      const std::string file = item.is_object() ? item.value("file", "") : "";
      const auto have = good_.find(file);
      if (have == good_.end()) continue;  // absent or tampered files are reported by the file checks
      const std::string leaf_text = item.value("leaf", "");
      const core::byte_view leaf_bytes(reinterpret_cast<const std::uint8_t*>(leaf_text.data()), leaf_text.size());
      auto leaf = slog::parse_leaf(leaf_bytes);
      const std::string key = store_key_of_bundle_file(file, have->second);
      if (!leaf || leaf->key != key || leaf->sha256 != have->second) {
        bad("log_leaf_mismatch", file,
            leaf ? "the logged leaf names " + leaf->key + " with SHA-256 " + leaf->sha256.to_hex() +
                       "; the bundle's bytes are " + key + " with SHA-256 " + have->second.to_hex()
                 : "the leaf does not parse: " + leaf.error().context);
        continue;
      }
      tlog::proof path;
      bool parsed = item.contains("proof") && item["proof"].is_array();
      if (parsed)
        for (const auto& h : item["proof"]) {
          auto digest = h.is_string() ? crypto::sha256_digest::parse(h.get<std::string>())
                                      : core::expected<crypto::sha256_digest>(core::fail(core::errc::malformed, ""));
          if (!digest) {
            parsed = false;
            break;
          }
          path.push_back(*digest);
        }
      const auto index = item.value("leaf_index", std::uint64_t{0});
      const auto ok = parsed ? tlog::verify_inclusion(path, cp.size, cp.root, index, tlog::leaf_hash(leaf_bytes))
                             : core::status(core::fail(core::errc::malformed, "proof hashes do not parse"));
      if (!ok) {
        bad("log_proof_invalid", file,
            "its inclusion proof (leaf " + std::to_string(index) + ") does not lead to the checkpoint's root: " +
                ok.error().context);
        continue;
      }
      proven.insert(file);
      ++out_.proven;
    }
  }

  const std::filesystem::path& dir_;
  const json& manifest_;
  const std::map<std::string, crypto::sha256_digest>& good_;
  const std::vector<audit::trusted_witness>& witnesses_;
  bundle_log_check out_;
};

}  // namespace

bundle_log_check check_bundle_log(const std::filesystem::path& dir, const json& manifest,
                                  const std::map<std::string, crypto::sha256_digest>& good_files,
                                  const std::vector<audit::trusted_witness>& witnesses) {
  return log_checker(dir, manifest, good_files, witnesses).run();
}

}  // namespace bodycam::tools::bundle

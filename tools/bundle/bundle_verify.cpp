#include "tools/bundle/bundle_verify.hpp"

#include "tools/audit/chain_words.hpp"
#include "tools/bundle/bundle_log.hpp"
#include "tools/decryption/stored_footage.hpp"

#include "common/chain/report_json.hpp"
#include "common/core/durable_file.hpp"
#include "common/crypto/key_file.hpp"
#include "common/receipt/receipt.hpp"
#include "common/store/byte_source.hpp"
#include "common/store/store.hpp"
#include "tools/registers/register_entry.hpp"
#include "tools/registers/export_approval.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace bodycam::tools::bundle {

namespace fs = std::filesystem;
namespace record = common::record;
using nlohmann::json;

namespace {

constexpr std::size_t max_small_file = std::size_t{16} << 20;

using core::as_text;

struct hashed {
  crypto::sha256_digest sha256;
  std::uint64_t size = 0;
};

core::expected<hashed> hash_file(const fs::path& path) {
  auto reader = common::store::file_reader::open(path);
  if (!reader) return std::unexpected(reader.error());
  crypto::sha256_hasher hasher;
  core::byte_buffer buffer(std::size_t{256} * 1024);
  std::uint64_t size = 0;
  for (;;) {
    auto n = reader->read(buffer);
    if (!n) return std::unexpected(n.error());
    if (*n == 0) break;
    hasher.update(core::byte_view(buffer).first(*n));
    size += *n;
  }
  return hashed{hasher.finish(), size};
}

class checker {
 public:
  checker(fs::path dir, const bundle_verify_options& options) : dir_(std::move(dir)), options_(options) {}

  bundle_report run();

 private:
  void add(std::string code, std::string file, std::string rec, std::string detail) {
    report_.findings.push_back({std::move(code), std::move(file), std::move(rec), std::move(detail)});
  }
  bool cannot(std::string code, std::string file, std::string detail) {
    add(std::move(code), std::move(file), "", std::move(detail));
    unreadable_ = true;
    return false;
  }
  bool check_files();
  bool read_manifest();
  void check_objects();
  void check_decrypted(const std::string& device, const std::string& file, const std::string& rec,
                       const crypto::sha256_digest& ciphertext, std::uint64_t ciphertext_length,
                       const record::footage_plaintext& plaintext, const hashed& actual);
  void check_access_entry();
  void check_receipts();
  void check_report();
  void check_log();
  [[nodiscard]] bool listed(const std::string& path) const { return good_files_.contains(path); }

  fs::path dir_;
  const bundle_verify_options& options_;
  bundle_report report_;
  bool unreadable_ = false;
  json manifest_;
  std::map<std::string, crypto::sha256_digest> listed_;  // path -> hash SHA256SUMS states
  std::set<std::string> good_files_;                     // listed, present and matching
  std::map<std::string, hashed> hashed_;                 // what each present listed file hashed to (read once)
  std::set<crypto::sha256_digest> expired_;
  std::map<std::string, crypto::sha256_digest> ciphertext_of_;  // decrypted file -> the stored file's SHA-256
};

// Invariants 1 and 2 (files).
bool checker::check_files() {
  std::error_code ec;
  if (!fs::is_directory(dir_, ec)) return cannot("bundle_unreadable", "", dir_.string() + " is not a directory");
  auto sums_bytes = core::read_file(dir_ / sums_name, max_small_file);
  if (!sums_bytes) return cannot("bundle_unreadable", std::string(sums_name), sums_bytes.error().context);
  auto sums = parse_sums(as_text(*sums_bytes));
  if (!sums) return cannot("bundle_unreadable", std::string(sums_name), sums.error().context);
  for (const auto& line : *sums) {
    if (!is_safe_bundle_path(line.path)) {
      add("unsafe_path", line.path, "", "SHA256SUMS names a path that could lead outside the bundle; not opened");
      continue;
    }
    listed_[line.path] = line.sha256;
  }
  // Walk what is really there, without following links.
  std::set<std::string> present;
  for (auto it = fs::recursive_directory_iterator(dir_, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    const std::string rel = it->path().lexically_relative(dir_).generic_string();
    const auto st = it->symlink_status();
    if (fs::is_directory(st)) continue;
    if (!fs::is_regular_file(st)) {
      add("unsafe_path", rel, "", "not a regular file (a link or device); not followed");
      continue;
    }
    if (rel == sums_name) continue;
    present.insert(rel);
    if (!listed_.contains(rel)) add("extra_file", rel, "", "present in the bundle but not listed in SHA256SUMS");
  }
  if (ec) return cannot("bundle_unreadable", "", "walk " + dir_.string() + ": " + ec.message());
  for (const auto& [path, digest] : listed_) {
    if (!present.contains(path)) {
      add("file_missing", path, "", "listed in SHA256SUMS but absent");
      continue;
    }
    auto actual = hash_file(dir_ / path);
    if (!actual) {
      add("file_missing", path, "", actual.error().context);
      continue;
    }
    hashed_[path] = *actual;
    if (actual->sha256 != digest) {
      add("checksum_mismatch", path, "",
          "SHA-256 is " + actual->sha256.to_hex() + ", SHA256SUMS says " + digest.to_hex());
      continue;
    }
    good_files_.insert(path);
  }
  return true;
}

bool checker::read_manifest() {
  if (!listed_.contains(std::string(manifest_name)))
    return cannot("bundle_unreadable", std::string(manifest_name), "manifest.json is not listed in SHA256SUMS");
  auto bytes = core::read_file(dir_ / manifest_name, max_small_file);
  if (!bytes) return cannot("bundle_unreadable", std::string(manifest_name), bytes.error().context);
  manifest_ = json::parse(as_text(*bytes), nullptr, false);
  if (manifest_.is_discarded() || !manifest_.is_object() || manifest_.value("format", "") != bundle_format ||
      !manifest_.contains("devices") || !manifest_["devices"].is_array())
    return cannot("bundle_unreadable", std::string(manifest_name), "not a bodycam bundle manifest");
  if (manifest_.value("version", 0) != bundle_version)
    return cannot("bundle_unreadable", std::string(manifest_name), "bundle version this build does not know");
  return true;
}

void checker::check_objects() {
  for (const auto& d : report_.devices) {
    std::uint64_t first = 0;
    std::uint64_t end = 0;
    for (const auto& m : manifest_["devices"])
      if (m.is_object() && m.value("device", "") == d.device) {
        first = m.value("files_first_seq", std::uint64_t{0});
        end = m.value("files_end_seq", std::uint64_t{0});
      }
    for (const auto& rr : d.chain.records) {
      if (!rr.parsed) continue;
      const auto& body = rr.parsed->body;
      if (body.seq < first || body.seq >= end) continue;
      std::string name;
      crypto::sha256_digest digest;
      std::uint64_t length = 0;
      const record::footage_plaintext* plaintext = nullptr;
      if (const auto* s = std::get_if<record::segment_payload>(&body.body)) {
        name = s->file_name;
        digest = s->file_sha256;
        length = s->byte_length;
        if (s->encrypted) plaintext = &*s->encrypted;
      } else if (const auto* a = std::get_if<record::annotation_payload>(&body.body)) {
        if (a->status == record::annotation_status::missing) continue;
        name = a->file_name;
        digest = a->file_sha256;
        length = a->byte_length;
        if (a->encrypted) plaintext = &*a->encrypted;
      } else if (const auto* p = std::get_if<record::photo_payload>(&body.body)) {
        name = p->file_name;
        digest = p->file_sha256;
        length = p->byte_length;
        if (p->encrypted) plaintext = &*p->encrypted;
      } else {
        continue;
      }
      const std::string rec = "records/" + d.device + "/" + std::to_string(body.seq);
      const std::string file = "files/" + d.device + "/" + (is_safe_bundle_path(name) ? name : digest.to_hex());
      std::error_code ec;
      if (!fs::exists(fs::symlink_status(dir_ / file, ec))) {
        if (expired_.contains(digest)) {
          add("expired_under_policy", file, rec, "deleted under the retention policy (signed expiry event)");
          ++report_.documented_gaps;
        } else {
          add("object_missing", file, rec, "the file this record describes is not in the bundle");
        }
        continue;
      }
      const auto actual = hashed_.find(file);  // every listed, present file was hashed once in check_files
      if (actual == hashed_.end()) {
        if (listed_.contains(file)) add("object_missing", file, rec, "the file could not be read");
        continue;  // an unlisted file is already reported as extra_file
      }
      if (plaintext != nullptr && (actual->second.sha256 != digest || actual->second.size != length)) {
        check_decrypted(d.device, file, rec, digest, length, *plaintext, actual->second);
        continue;
      }
      if (actual->second.sha256 != digest || actual->second.size != length)
        add("object_mismatch", file, rec,
            "the file has " + std::to_string(actual->second.size) + " bytes with SHA-256 " +
                actual->second.sha256.to_hex() + "; the record states " + std::to_string(length) + " bytes with " +
                digest.to_hex());
    }
  }
}

// Invariant 6: a file carried decrypted is the plaintext the signed record states, and the manifest's
// decrypted_files entry for it states exactly the record's two hashes and lengths.
void checker::check_decrypted(const std::string& device, const std::string& file, const std::string& rec,
                              const crypto::sha256_digest& ciphertext, std::uint64_t ciphertext_length,
                              const record::footage_plaintext& plaintext, const hashed& actual) {
  const bool unstated = decryption::is_plaintext_unstated(plaintext);
  if (!unstated && (actual.sha256 != plaintext.sha256 || actual.size != plaintext.byte_length)) {
    add("object_mismatch", file, rec,
        "the file has " + std::to_string(actual.size) + " bytes with SHA-256 " + actual.sha256.to_hex() +
            "; the record states " + std::to_string(ciphertext_length) + " bytes with " + ciphertext.to_hex() +
            " encrypted, " + std::to_string(plaintext.byte_length) + " bytes with " + plaintext.sha256.to_hex() +
            " decrypted");
    return;
  }
  const json* entry = nullptr;
  for (const auto& m : manifest_["devices"])
    if (m.is_object() && m.value("device", "") == device && m.contains("decrypted_files") &&
        m["decrypted_files"].is_array())
      for (const auto& e : m["decrypted_files"])
        if (e.is_object() && e.value("file", "") == file) entry = &e;
  if (entry == nullptr || entry->value("record", "") != rec ||
      entry->value("ciphertext_sha256", "") != ciphertext.to_hex() ||
      entry->value("ciphertext_byte_length", std::uint64_t{0}) != ciphertext_length ||
      entry->value("plaintext_sha256", "") != (unstated ? actual.sha256 : plaintext.sha256).to_hex() ||
      entry->value("plaintext_byte_length", std::uint64_t{0}) != (unstated ? actual.size : plaintext.byte_length) ||
      entry->value("plaintext_stated", true) == unstated) {
    add("manifest_mismatch", std::string(manifest_name), rec,
        "the decrypted file " + file + " has no decrypted_files entry stating its record's hashes and lengths");
    return;
  }
  ciphertext_of_[file] = ciphertext;
  if (unstated) {
    add("plaintext_unstated", file, rec,
        "salvaged after a power loss: the record states the encrypted file only, so these decrypted fragments are "
        "checked through the encrypted file's hash, not against a signed plaintext hash");
    ++report_.documented_gaps;
  }
}

void checker::check_access_entry() {
  const std::string path = manifest_.value("access_entry", "");
  if (!is_safe_bundle_path(path) || !listed_.contains(path)) {
    add("bad_access_entry", path, "", "the access-register entry for this export is not in the bundle");
    return;
  }
  auto bytes = core::read_file(dir_ / path, registers::max_entry_bytes);
  if (!bytes) {
    add("bad_access_entry", path, "", bytes.error().context);
    return;
  }
  auto entry = registers::parse_signed_entry(*bytes);
  if (!entry) {
    add("bad_access_entry", path, "", entry.error().context);
    return;
  }
  const std::string key_path = "keys/" + entry->body.clerk + ".pub";
  auto key = crypto::load_public_key(dir_ / key_path);
  if (!listed_.contains(key_path) || !key || key->key != entry->body.clerk_key ||
      !registers::verify_entry_signature(*entry, key->key)) {
    add("bad_access_entry", path, "", "its signature does not verify under " + key_path);
    return;
  }
  // Invariant 3: the manifest's ranges are what the clerk signed.
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> signed_ranges;
  for (const auto& s : entry->body.scopes) signed_ranges[s.device.str()] = {s.first_seq, s.end_seq};
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> manifest_ranges;
  for (const auto& m : manifest_["devices"])
    if (m.is_object())
      manifest_ranges[m.value("device", "")] = {m.value("first_seq", std::uint64_t{0}),
                                                m.value("end_seq", std::uint64_t{0})};
  if (signed_ranges != manifest_ranges)
    add("manifest_mismatch", std::string(manifest_name), "",
        "the devices and record ranges differ from those the clerk's signed access entry " + path + " states");
}

void checker::check_receipts() {
  std::error_code ec;
  for (const auto& [path, digest] : listed_) {
    if (!path.starts_with("receipts/")) continue;
    auto bytes = core::read_file(dir_ / path, max_small_file);
    if (!bytes) continue;  // reported by check_files
    auto r = common::receipt::parse(*bytes);
    if (!r) {
      add("bad_receipt", path, "", r.error().context);
      continue;
    }
    const std::string key_path = "keys/" + r->body.issuer + ".pub";
    auto key = crypto::load_public_key(dir_ / key_path);
    if (!is_safe_bundle_path(key_path) || !listed_.contains(key_path) || !key || key->key != r->body.issuer_key ||
        !common::receipt::verify_signature(*r)) {
      add("bad_receipt", path, "", "its signature does not verify under " + key_path);
      continue;
    }
    for (const auto& d : report_.devices) {
      if (d.device != r->body.device.str()) continue;
      for (const auto& rr : d.chain.records)
        if (rr.parsed && rr.parsed->body.seq + 1 == r->body.end_seq && rr.parsed->hash != r->body.head_hash)
          add("receipt_mismatch", path, rr.origin, "the receipt names another hash for this record");
    }
  }
}

void checker::check_report() {
  const auto expected_json = make_report_json(manifest_, report_.devices).dump(2) + "\n";
  const auto expected_text = make_report_text(manifest_, report_.devices);
  for (const auto& [name, expected] :
       {std::pair{std::string(report_json_name), expected_json}, {std::string(report_text_name), expected_text}}) {
    auto bytes = core::read_file(dir_ / name, max_small_file);
    if (!bytes || as_text(*bytes) != expected)
      add("report_mismatch", name, "", "differs from the report the bundle's content gives");
  }
}

// Invariant 5.
void checker::check_log() {
  std::map<std::string, crypto::sha256_digest> good;
  for (const auto& path : good_files_) good.emplace(path, listed_.at(path));
  for (const auto& [path, ciphertext] : ciphertext_of_)  // the store logged the encrypted file
    if (good.contains(path)) good[path] = ciphertext;
  auto log = check_bundle_log(dir_, manifest_, good, options_.witnesses);
  report_.findings.insert(report_.findings.end(), log.findings.begin(), log.findings.end());
  report_.documented_gaps += log.documented_gaps;
  report_.log_proven = log.proven;
  report_.log_notes = std::move(log.notes);
}

bundle_report checker::run() {
  if (check_files() && read_manifest()) {
    for (const auto& [path, digest] : listed_) {
      if (!path.starts_with("retention/")) continue;
      auto bytes = core::read_file(dir_ / path, registers::max_entry_bytes);
      if (!bytes) continue;
      auto entry = registers::parse_signed_entry(*bytes);
      auto key = entry ? crypto::load_public_key(dir_ / ("keys/" + entry->body.clerk + ".pub"))
                       : core::expected<crypto::labelled_public_key>(core::fail(core::errc::malformed, ""));
      if (!entry || !key || !registers::verify_entry_signature(*entry, key->key)) {
        add("bad_retention_entry", path, "", "does not decode or verify under its clerk's key");
        continue;
      }
      if (registers::is_expiry_event(entry->body))
        for (const auto& o : entry->body.objects) expired_.insert(o.sha256);
    }
    auto devices = verify_bundle_records(dir_, manifest_);
    if (!devices) {
      cannot("key_missing", "", devices.error().context);
    } else {
      report_.devices = std::move(*devices);
      for (const auto& d : report_.devices) {
        report_.documented_gaps += d.chain.documented_gaps;
        for (const auto& rr : d.chain.records)
          for (const auto& f : rr.findings) add(std::string(chain::to_string(f.code)), rr.origin, rr.origin, f.detail);
        for (const auto& f : d.chain.chain_findings)
          add(std::string(chain::to_string(f.code)), "keys/" + d.device + ".pub", "", f.detail);
        // Every record of the stated range must be here (the edges too).
        for (const auto& m : manifest_["devices"]) {
          if (!m.is_object() || m.value("device", "") != d.device) continue;
          std::set<std::uint64_t> have;
          for (const auto& rr : d.chain.records)
            if (rr.parsed) have.insert(rr.parsed->body.seq);
          const auto first = m.value("first_seq", std::uint64_t{0});
          const auto end = m.value("end_seq", std::uint64_t{0});
          for (std::uint64_t seq = first; seq < end && seq < first + 1'000'000; ++seq)
            if (!have.contains(seq)) {
              const std::string rec = "records/" + d.device + "/" + std::to_string(seq);
              add("record_missing", rec, rec,
                  "the bundle's range " + std::to_string(first) + ".." + std::to_string(end - 1) +
                      " includes this record; it is absent");
            }
        }
      }
      check_objects();
      check_access_entry();
      check_receipts();
      check_report();
      check_log();
    }
  }
  // Invariant 4.
  bool tampered = false;
  for (const auto& f : report_.findings)
    if (f.code != "expired_under_policy" && f.code != "plaintext_unstated" && f.code != "bundle_unreadable" &&
        f.code != "key_missing" &&
        f.code != "unknown_version" && f.code != "log_item_unlogged" && f.code != "log_unwitnessed")
      tampered = true;
  if (tampered)
    report_.verdict = chain::verdict::not_authentic;
  else if (unreadable_ || report_.devices.empty())
    report_.verdict = chain::verdict::cannot_verify;
  else if (report_.documented_gaps > 0)
    report_.verdict = chain::verdict::authentic_with_gaps;
  else
    report_.verdict = chain::verdict::authentic;
  return report_;
}

}  // namespace

core::expected<std::vector<device_part>> verify_bundle_records(const fs::path& dir, const json& manifest) {
  std::vector<device_part> out;
  for (const auto& m : manifest["devices"]) {
    const std::string device_text = m.is_object() ? m.value("device", "") : "";
    auto device = record::device_id::parse(device_text);
    if (!device) return core::fail(core::errc::malformed, "manifest: device '" + device_text + "'");
    const std::string key_path = "keys/" + device->str() + ".pub";
    auto key = crypto::load_public_key(dir / key_path);
    if (!key) return core::wrap("device key " + key_path, key.error());
    device_part part{device->str(), key->key, {*device, key->key, false, std::nullopt}, {}};
    std::vector<chain::record_input> inputs;
    std::error_code ec;
    const fs::path records = dir / "records" / device->str();
    for (auto it = fs::directory_iterator(records, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
      if (!fs::is_regular_file(it->symlink_status())) continue;  // reported by the file walk
      const std::string name = it->path().filename().string();
      // A record too large or unreadable goes to the verifier as no bytes: it is reported malformed, by name.
      auto bytes = core::read_file(it->path(), common::store::max_stored_record_bytes);
      inputs.push_back({"records/" + device->str() + "/" + name, common::store::parse_seq_name(name),
                        bytes ? std::move(*bytes) : core::byte_buffer{}});
    }
    std::sort(inputs.begin(), inputs.end(), [](const auto& a, const auto& b) { return a.origin < b.origin; });
    part.chain = chain::verify_chain(inputs, part.options);
    out.push_back(std::move(part));
  }
  return out;
}

bundle_report verify_bundle(const fs::path& dir, const bundle_verify_options& options) {
  // A manifest field of the wrong type ("format": [], "version": "1") makes nlohmann's value() throw; that is an
  // unreadable manifest, not a crash of the verifier.
  try {
    return checker(dir, options).run();
  } catch (const json::exception& e) {
    bundle_report report;
    report.findings.push_back({"bundle_unreadable", std::string(manifest_name), "",
                               std::string("a manifest field has the wrong type: ") + e.what()});
    report.verdict = chain::verdict::cannot_verify;
    return report;
  }
}

namespace {

// A bundle finding as a sentence, with what the reader should do about it.
std::string finding_sentence(const bundle_finding& f) {
  const std::string detail = f.detail.empty() ? "" : " (" + f.detail + ")";
  const std::string fresh_copy = " Ask the agency for a fresh copy of the bundle; the store keeps the originals.";
  if (f.code == "extra_file")
    return "File " + f.file + " is in the bundle but not in its SHA256SUMS list: it was added after the export "
           "and is not part of the evidence. Remove it, or ask the agency for a fresh copy of the bundle.";
  if (f.code == "checksum_mismatch" || f.code == "object_mismatch")
    return "File " + f.file + " does not have the bytes it had when exported" + detail + "." + fresh_copy;
  if (f.code == "file_missing" || f.code == "object_missing")
    return "File " + f.file + " is missing from the bundle" + detail + "." + fresh_copy;
  if (f.code == "bundle_unreadable" || f.code == "key_missing")
    return "This folder cannot be checked as a bundle" + detail + ". Ask the agency for a complete copy.";
  if (f.code == "expired_under_policy")
    return "File " + f.file + " was deleted under the retention policy before the export" + detail + ".";
  std::string code = f.code;
  for (auto& c : code)
    if (c == '_') c = ' ';
  if (!code.empty() && code[0] >= 'a' && code[0] <= 'z') code[0] = static_cast<char>(code[0] - 'a' + 'A');
  return code + detail + ".";
}

}  // namespace

std::string bundle_report_text(const bundle_report& report) {
  std::string out;
  std::size_t records = 0, problems = 0;
  std::vector<std::string> gaps;
  for (const auto& f : report.findings) {
    if (f.code == "expired_under_policy" || f.code == "plaintext_unstated" || f.code == "log_item_unlogged" ||
        f.code == "log_unwitnessed")
      gaps.push_back(finding_sentence(f));
    else ++problems;
  }
  for (const auto& d : report.devices) {
    out += audit::chain_lines(d.chain, d.options) + "\n";
    records += d.chain.records.size();
    problems += d.chain.problem_count();
    const auto g = audit::documented_gap_lines(d.chain, d.options.device);
    gaps.insert(gaps.end(), g.begin(), g.end());
  }
  out += "Bundle checks:\n";
  if (report.findings.empty())
    out += "  Every file matches SHA256SUMS and its record; the access entry, the receipts and the report verify.\n";
  for (const auto& f : report.findings) {
    out += "  " + finding_sentence(f);
    if (!f.file.empty()) out += "  [file " + f.file + "]";
    if (!f.record.empty() && f.record != f.file) out += "  [record " + f.record + "]";
    out += "\n";
  }
  out += "Store log: " + std::to_string(report.log_proven) + " item(s) proven in the log's checkpoint\n";
  for (const auto& n : report.log_notes) out += "  note: " + n + "\n";
  // One verdict for the whole bundle (documented gaps only count when nothing else is wrong).
  out += audit::verdict_sentence(report.verdict, "this bundle", records, problems, gaps);
  return out;
}

json bundle_report_json(const bundle_report& report) {
  json findings = json::array();
  for (const auto& f : report.findings)
    findings.push_back({{"code", f.code}, {"file", f.file}, {"record", f.record}, {"detail", f.detail}});
  json devices = json::array();
  for (const auto& d : report.devices) devices.push_back(chain::report_to_json(d.chain, d.options));
  return {{"format", "bodycam-verify-bundle"},
          {"version", 1},
          {"verdict", std::string(chain::to_string(report.verdict))},
          {"exit_code", chain::exit_code(report.verdict)},
          {"documented_gaps", report.documented_gaps},
          {"log", {{"proven", report.log_proven}, {"notes", report.log_notes}}},
          {"findings", findings},
          {"devices", devices}};
}

}  // namespace bodycam::tools::bundle

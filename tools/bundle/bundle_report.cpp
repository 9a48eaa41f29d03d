#include "tools/bundle/bundle_report.hpp"

#include "common/chain/report_json.hpp"
#include "common/record/place_text.hpp"
#include "common/record/record_json.hpp"

#include <algorithm>

namespace bodycam::tools::bundle {

using nlohmann::json;

bool is_safe_bundle_path(std::string_view path) noexcept {
  if (path.empty() || path.size() > 1024) return false;
  std::size_t start = 0;
  for (;;) {
    const auto slash = path.find('/', start);
    const auto part = path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (part.empty() || part.size() > 255 || part.front() == '.') return false;
    for (char c : part)
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
            c == '-'))
        return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

std::string format_sums(const std::vector<sums_line>& lines) {
  std::vector<sums_line> sorted = lines;
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  std::string out;
  for (const auto& l : sorted) out += l.sha256.to_hex() + "  " + l.path + "\n";
  return out;
}

core::expected<std::vector<sums_line>> parse_sums(std::string_view text) {
  std::vector<sums_line> out;
  std::size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    const auto nl = text.find('\n');
    if (nl == std::string_view::npos)
      return core::fail(core::errc::malformed,
                        std::string(sums_name) + " line " + std::to_string(line_no) + ": no newline at the end");
    const auto line = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    if (line.size() < 67 || line.substr(64, 2) != "  ")
      return core::fail(core::errc::malformed,
                        std::string(sums_name) + " line " + std::to_string(line_no) + ": not '<sha256 hex>  <path>'");
    auto digest = crypto::sha256_digest::parse(line.substr(0, 64));
    if (!digest)
      return core::fail(core::errc::malformed,
                        std::string(sums_name) + " line " + std::to_string(line_no) + ": bad digest");
    out.push_back({*digest, std::string(line.substr(66))});
  }
  return out;
}

namespace {

json device_report(const json& manifest_device, const device_part& d) {
  json records = json::array();
  for (const auto& rr : d.chain.records) {
    json r{{"origin", rr.origin}};
    if (rr.parsed) {
      const auto& body = rr.parsed->body;
      r["seq"] = body.seq;
      r["kind"] = std::string(common::record::to_string(body.kind()));
      r["utc"] = common::record::format_utc(body.utc.time);
      r["hash"] = rr.parsed->hash.to_hex();
      if (const auto* s = std::get_if<common::record::segment_payload>(&body.body)) {
        r["file_name"] = s->file_name;
        r["file_sha256"] = s->file_sha256.to_hex();
      } else if (const auto* a = std::get_if<common::record::annotation_payload>(&body.body)) {
        r["file_name"] = a->file_name;
        r["file_sha256"] = a->file_sha256.to_hex();
      } else if (const auto* p = std::get_if<common::record::place_payload>(&body.body)) {
        r["place"] = common::record::place_text(*p);  // where the camera was, or "no fix"
      } else if (const auto* ph = std::get_if<common::record::photo_payload>(&body.body)) {
        r["file_name"] = ph->file_name;
        r["file_sha256"] = ph->file_sha256.to_hex();
      }
    }
    json findings = json::array();
    for (const auto& f : rr.findings) findings.push_back(std::string(chain::to_string(f.code)));
    r["findings"] = findings;
    records.push_back(std::move(r));
  }
  return {{"device", d.device},
          {"key_fingerprint", d.key.fingerprint().to_hex()},
          {"first_seq", manifest_device.value("first_seq", 0)},
          {"end_seq", manifest_device.value("end_seq", 0)},
          {"chain_verdict", std::string(chain::to_string(d.chain.result))},
          {"documented_gaps", d.chain.documented_gaps},
          {"records", records}};
}

}  // namespace

json make_report_json(const json& manifest, const std::vector<device_part>& devices) {
  json out_devices = json::array();
  const json empty = json::object();
  for (const auto& d : devices) {
    const json* md = &empty;
    if (manifest.contains("devices") && manifest["devices"].is_array())
      for (const auto& m : manifest["devices"])
        if (m.is_object() && m.value("device", "") == d.device) md = &m;
    out_devices.push_back(device_report(*md, d));
  }
  return {{"format", "bodycam-bundle-report"},
          {"version", 1},
          {"created_utc", manifest.value("created_utc", "")},
          {"selection", manifest.value("selection", json::object())},
          {"access_entry", manifest.value("access_entry", "")},
          {"devices", out_devices}};
}

std::string make_report_text(const json& manifest, const std::vector<device_part>& devices) {
  std::string out = "bodycam evidence bundle, created " + manifest.value("created_utc", std::string("?")) + "\n";
  out += "selection: " + manifest.value("selection", json::object()).dump() + "\n";
  out += "access register entry: " + manifest.value("access_entry", std::string("?")) + "\n\n";
  for (const auto& d : devices) {
    out += chain::report_to_text(d.chain, d.options);
    out += "\n";
  }
  return out;
}

std::string make_readme(const json& manifest) {
  std::string devices;
  if (manifest.contains("devices") && manifest["devices"].is_array())
    for (const auto& d : manifest["devices"])
      if (d.is_object())
        devices += "  " + d.value("device", std::string("?")) + "  key fingerprint (SHA-256 of the 32 key bytes) " +
                   d.value("key_fingerprint", std::string("?")) + "\n";
  std::string log;
  if (manifest.contains("log") && manifest["log"].is_object()) {
    const auto& l = manifest["log"];
    log = "\nThe store log\n-------------\n"
          "log/checkpoint is the agency store's Merkle log checkpoint (size " +
          std::to_string(l.value("tree_size", std::uint64_t{0})) + ", signed by dock " +
          l.value("signed_by", std::string("?")) +
          ") with its witnesses' cosignatures; log/proofs.json proves each record, file, receipt and key of this\n"
          "bundle is in that log (docs/formats/bundle.md §6). `bodycam verify <this folder> --witness KEY` also\n"
          "requires the cosignature of a witness you trust.\n";
  }
  std::string decrypted;
  for (const auto& d : manifest["devices"])
    if (d.is_object() && d.contains("decrypted_files") && d["decrypted_files"].is_array() &&
        !d["decrypted_files"].empty())
      decrypted =
          "\nEncrypted footage\n-----------------\n"
          "The camera encrypted some of these files as it recorded them. They are here decrypted: each such file\n"
          "must have the plaintext SHA-256 (plaintext_sha256) its record states, and manifest.json lists it under\n"
          "decrypted_files with the record's hash of the encrypted file as stored (file_sha256) and of the\n"
          "plaintext (docs/formats/bundle.md §2.1).\n";
  return "bodycam evidence bundle\n"
         "=======================\n\n"
         "This folder is a court export of body-worn camera footage: the original files bit for bit, the\n"
         "signed records that describe them (with the neighbouring record at each edge), the docking stations'\n"
         "receipts, the public keys that sign them, the clerk's signed access-register entry for this export,\n"
         "a report (report.txt for people, report.json for programs) and SHA256SUMS.\n\n"
         "Devices and their key fingerprints (compare with the agency's enrollment register):\n" +
         devices +
         "\nCheck it with stock tools\n"
         "-------------------------\n"
         "  cd <this folder> && sha256sum -c SHA256SUMS\n"
         "Every line must say OK, and no file may be present that SHA256SUMS does not list (except SHA256SUMS).\n"
         "Each file under files/<device>/ must have the SHA-256 its segment, annotation or photo record states\n"
         "(report.txt lists them); `sha256sum files/<device>/<name>` shows it.\n\n"
         "Check it completely, offline\n"
         "----------------------------\n"
         "  bodycam verify <this folder>\n"
         "verifies every record's Ed25519 signature and chain link (docs/formats/chain.md), every file against its\n"
         "record, the receipts and the access entry, and recomputes the report. Exit 0 authentic, 1 authentic with\n"
         "documented gaps (interruptions, files expired under the retention policy), 2 not authentic, 3 cannot\n"
         "verify. The layout is specified in docs/formats/bundle.md of the bodycam sources.\n" +
         decrypted + log;
}

}  // namespace bodycam::tools::bundle

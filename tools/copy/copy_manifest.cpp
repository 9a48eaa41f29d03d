// The viewing copy's manifest as JSON, its canonical bytes and its signature (copy_manifest.hpp M1, M2).
#include "tools/copy/copy_manifest.hpp"

#include "common/core/hex.hpp"
#include "common/crypto/domain_message.hpp"

#include <nlohmann/json.hpp>

namespace bodycam::tools::copy {

namespace core = common::core;
namespace crypto = common::crypto;
using json = nlohmann::json;

namespace {

json unsigned_json(const viewing_manifest& m) {
  json segments = json::array();
  for (const auto& s : m.segments) {
    json j{{"seq", s.seq},
           {"index", s.index},
           {"file_name", s.file_name},
           {"store_key", store_key_of(s.sha256)},
           {"sha256", s.sha256.to_hex()},
           {"bytes", s.bytes},
           {"start_us", s.start.count()},
           {"duration_us", s.duration.count()},
           {"left_out", s.left_out}};
    segments.push_back(std::move(j));
  }
  return json{{"format", manifest_format},
              {"version", 1},
              {"device", m.device},
              {"session", m.session},
              {"made_utc", m.made_utc},
              {"made_by", m.made_by},
              {"access_entry", m.access_entry},
              {"tool", m.tool},
              {"remuxer", m.remuxer},
              {"copy", json{{"file", m.copy_file},
                            {"sha256", m.copy_sha256.to_hex()},
                            {"bytes", m.copy_bytes},
                            {"duration_us", m.copy_duration.count()}}},
              {"segments", std::move(segments)},
              {"signer", m.signer.to_hex()}};
}

core::byte_buffer message_of(const viewing_manifest& m) {
  return crypto::domain_message(manifest_domain, crypto::sha256(std::string_view(canonical_manifest(m))));
}

std::unexpected<core::error> bad(const std::string& what) {
  return core::fail(core::errc::malformed, "viewing copy manifest: " + what);
}

template <class T>
core::expected<T> member(const json& j, const char* name) {
  const auto it = j.find(name);
  if (it == j.end()) return bad(std::string("member '") + name + "' is missing");
  try {
    return it->template get<T>();
  } catch (const json::exception&) {
    return bad(std::string("member '") + name + "' has the wrong type");
  }
}

core::expected<crypto::sha256_digest> digest_member(const json& j, const char* name) {
  auto text = member<std::string>(j, name);
  if (!text) return std::unexpected(text.error());
  auto d = crypto::sha256_digest::parse(*text);
  if (!d) return bad(std::string("member '") + name + "' is not 64 hex digits");
  return d;
}

}  // namespace

std::string store_key_of(const crypto::sha256_digest& d) { return "objects/sha256/" + d.to_hex(); }

std::string canonical_manifest(const viewing_manifest& m) { return unsigned_json(m).dump(); }

core::expected<std::string> sign_manifest(viewing_manifest& m, crypto::signer& by) {
  m.signer = by.public_key();
  auto sig = by.sign(message_of(m));
  if (!sig) return core::wrap("sign the viewing copy manifest of session " + m.session, sig.error());
  m.signature = *sig;
  json j = unsigned_json(m);
  j["signature"] = m.signature.to_hex();
  return j.dump(2) + "\n";
}

bool manifest_signature_ok(const viewing_manifest& m) {
  return crypto::verify_signature(m.signer, message_of(m), m.signature);
}

core::expected<viewing_manifest> parse_manifest(std::string_view text) {
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad("not a JSON object");
  auto format = member<std::string>(j, "format");
  auto version = member<int>(j, "version");
  if (!format || *format != manifest_format) return bad("format is not " + std::string(manifest_format));
  if (!version || *version != 1) return bad("version is not 1");
  viewing_manifest m;
  try {
    m.device = j.at("device").get<std::string>();
    m.session = j.at("session").get<std::string>();
    m.made_utc = j.at("made_utc").get<std::string>();
    m.made_by = j.at("made_by").get<std::string>();
    m.access_entry = j.at("access_entry").get<std::string>();
    m.tool = j.at("tool").get<std::string>();
    m.remuxer = j.at("remuxer").get<std::string>();
    const json& c = j.at("copy");
    m.copy_file = c.at("file").get<std::string>();
    m.copy_bytes = c.at("bytes").get<std::uint64_t>();
    m.copy_duration = std::chrono::microseconds(c.at("duration_us").get<std::int64_t>());
    for (const json& s : j.at("segments")) {
      manifest_segment seg;
      seg.seq = s.at("seq").get<std::uint64_t>();
      seg.index = s.at("index").get<std::uint32_t>();
      seg.file_name = s.at("file_name").get<std::string>();
      seg.bytes = s.at("bytes").get<std::uint64_t>();
      seg.start = std::chrono::microseconds(s.at("start_us").get<std::int64_t>());
      seg.duration = std::chrono::microseconds(s.at("duration_us").get<std::int64_t>());
      seg.left_out = s.at("left_out").get<std::string>();
      auto d = digest_member(s, "sha256");
      if (!d) return std::unexpected(d.error());
      seg.sha256 = *d;
      if (s.at("store_key").get<std::string>() != store_key_of(seg.sha256))
        return bad("segment " + std::to_string(seg.seq) + ": store_key does not name its sha256");
      m.segments.push_back(std::move(seg));
    }
  } catch (const json::exception& e) {
    return bad(std::string("a member is missing or has the wrong type (") + e.what() + ")");
  }
  auto copy_digest = digest_member(j.at("copy"), "sha256");
  if (!copy_digest) return std::unexpected(copy_digest.error());
  m.copy_sha256 = *copy_digest;
  auto key_text = member<std::string>(j, "signer");
  if (!key_text) return std::unexpected(key_text.error());
  auto key = crypto::public_key::parse(*key_text);
  if (!key) return bad("signer is not a 64-hex-digit public key");
  m.signer = *key;
  auto sig_text = member<std::string>(j, "signature");
  if (!sig_text) return std::unexpected(sig_text.error());
  auto sig = core::parse_hex(*sig_text, crypto::signature::size, "viewing copy manifest signature");
  if (!sig) return std::unexpected(sig.error());
  std::copy(sig->begin(), sig->end(), m.signature.bytes.begin());
  // M2: nothing beyond the members of version 1 (an added member would not be covered as the reader thinks).
  const json reparsed = [&] {
    json k = unsigned_json(m);
    k["signature"] = *sig_text;
    return k;
  }();
  if (reparsed != j) return bad("it has members or values version 1 does not define");
  return m;
}

}  // namespace bodycam::tools::copy

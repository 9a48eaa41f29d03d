#include "common/store/store_key.hpp"

#include <limits>

namespace bodycam::common::store {

namespace {

constexpr std::string_view objects_prefix = "objects/sha256";
constexpr std::string_view records_prefix = "records";
constexpr std::string_view keys_prefix = "keys";
constexpr std::string_view public_key_suffix = ".pub";

bool is_name_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

bool is_lower_hex(char c) noexcept { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

// Shown in messages without letting control characters or a huge name through.
std::string printable(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 80)) out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
  if (text.size() > 80) out += "...";
  return out;
}

}  // namespace

std::string_view to_string(entry_namespace ns) noexcept {
  switch (ns) {
    case entry_namespace::receipts: return "receipts";
    case entry_namespace::access: return "access";
    case entry_namespace::retention: return "retention";
    case entry_namespace::enrollment: return "enrollment";
    case entry_namespace::notes: return "notes";
  }
  return "unknown";
}

bool is_valid_key_component(std::string_view component) noexcept {
  if (component.empty() || component.size() > store_key::max_component_length || component.front() == '.') return false;
  for (char c : component)
    if (!is_name_char(c)) return false;
  return true;
}

bool is_layout_top_folder(std::string_view name) noexcept {
  if (name == "objects" || name == "records" || name == "keys" || name == "log") return true;
  for (const auto ns : all_entry_namespaces)
    if (name == to_string(ns)) return true;
  return false;
}

core::expected<store_key> store_key::parse(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return core::fail(core::errc::invalid_argument, "store key '" + printable(text) + "': " + std::string(why));
  };
  if (text.empty()) return bad("empty");
  if (text.size() > max_length) return bad("longer than 1024 bytes");
  std::size_t start = 0;
  for (;;) {
    const auto slash = text.find('/', start);
    const auto component = text.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    // Invariant 1: one rule for every component rejects "", ".", "..", ".tmp-*", "/x", "a//b", NUL, '\'.
    if (!is_valid_key_component(component))
      return bad("each part between '/' must be 1-255 characters of A-Z a-z 0-9 . _ -, not starting with '.'");
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return store_key(std::string(text));
}

store_key store_key::object(const crypto::sha256_digest& digest) {
  return store_key(std::string(objects_prefix) + "/" + digest.to_hex());
}

store_key store_key::objects_folder() { return store_key(std::string(objects_prefix)); }

store_key store_key::record(const record::device_id& device, std::uint64_t seq) {
  return store_key(std::string(records_prefix) + "/" + device.str() + "/" + std::to_string(seq));
}

store_key store_key::records_folder() { return store_key(std::string(records_prefix)); }

store_key store_key::device_records_folder(const record::device_id& device) {
  return store_key(std::string(records_prefix) + "/" + device.str());
}

store_key store_key::public_key(const record::device_id& device) {
  return store_key(std::string(keys_prefix) + "/" + device.str() + std::string(public_key_suffix));
}

store_key store_key::keys_folder() { return store_key(std::string(keys_prefix)); }

core::expected<store_key> store_key::entry(entry_namespace ns, std::string_view name) {
  if (!is_valid_key_component(name))
    return core::fail(core::errc::invalid_argument,
                      std::string(to_string(ns)) + " entry name '" + printable(name) +
                          "': use 1-255 characters of A-Z a-z 0-9 . _ -, not starting with '.'");
  return store_key(std::string(to_string(ns)) + "/" + std::string(name));
}

store_key store_key::entries_folder(entry_namespace ns) { return store_key(std::string(to_string(ns))); }

core::expected<store_key> store_key::log(std::string_view path) { return parse("log/" + std::string(path)); }

std::string_view store_key::leaf() const noexcept {
  const std::string_view v = value_;
  const auto slash = v.rfind('/');
  return slash == std::string_view::npos ? v : v.substr(slash + 1);
}

std::string_view store_key::parent() const noexcept {
  const std::string_view v = value_;
  const auto slash = v.rfind('/');
  return slash == std::string_view::npos ? std::string_view{} : v.substr(0, slash);
}

std::string_view store_key::kind() const noexcept {
  const std::string_view v = value_;
  if (v.starts_with("objects/")) return "object";
  if (v.starts_with("records/")) return "record";
  if (v.starts_with("keys/")) return "public key";
  if (v.starts_with("receipts/")) return "receipt";
  if (v.starts_with("access/")) return "access entry";
  if (v.starts_with("retention/")) return "retention entry";
  if (v.starts_with("enrollment/")) return "enrollment entry";
  if (v.starts_with("notes/")) return "metadata entry";
  if (v.starts_with("log/")) return "log file";
  return "item";
}

std::optional<crypto::sha256_digest> parse_object_name(std::string_view leaf) noexcept {
  if (leaf.size() != 2 * crypto::sha256_digest::size) return std::nullopt;
  for (char c : leaf)
    if (!is_lower_hex(c)) return std::nullopt;
  auto digest = crypto::sha256_digest::parse(leaf);
  if (!digest) return std::nullopt;
  return *digest;
}

std::optional<std::uint64_t> parse_seq_name(std::string_view leaf) noexcept {
  if (leaf.empty() || leaf.size() > 20 || (leaf.size() > 1 && leaf.front() == '0')) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : leaf) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

std::optional<record::device_id> parse_public_key_name(std::string_view leaf) {
  if (!leaf.ends_with(public_key_suffix)) return std::nullopt;
  auto device = record::device_id::parse(leaf.substr(0, leaf.size() - public_key_suffix.size()));
  if (!device) return std::nullopt;
  return *device;
}

}  // namespace bodycam::common::store

#include "common/store/store.hpp"

#include <algorithm>

namespace bodycam::common::store {

namespace {

constexpr std::size_t stream_chunk_bytes = std::size_t{256} * 1024;

std::string_view as_text(core::byte_view bytes) noexcept {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

using core::text_bytes;

}  // namespace

std::string_view to_string(put_outcome outcome) noexcept {
  switch (outcome) {
    case put_outcome::created: return "created";
    case put_outcome::already_stored: return "already_stored";
  }
  return "unknown";
}

// ---- objects -----------------------------------------------------------------------------------------------

core::expected<put_outcome> store::put_object(const crypto::sha256_digest& sha256, byte_source& source) {
  const auto key = store_key::object(sha256);
  auto outcome = backend_->create(key, source, sha256);  // invariant 1: the backend checks the digest
  if (!outcome) return std::unexpected(outcome.error());
  if (*outcome == create_outcome::created) return put_outcome::created;
  // Invariant 2: already there. The name claims the content; the re-hash proves it before we say so.
  auto actual = rehash(key);
  if (!actual) return core::wrap("check the stored copy of object " + key.str(), actual.error());
  if (*actual != sha256)
    return core::fail(core::errc::corrupt, "object " + key.str() + " in " + describe() +
                                               " is already stored but its content now hashes to " + actual->to_hex() +
                                               "; it was not overwritten");
  return put_outcome::already_stored;
}

core::expected<put_outcome> store::adopt_object_file(const adoptable_file& file) {
  const auto key = store_key::object(file.sha256);
  auto adopted = backend_->adopt(key, file);
  if (!adopted) return std::unexpected(adopted.error());
  if (!adopted->has_value()) {  // this backend cannot adopt it: its bytes are put from the finished file, mapped
    auto source = mapped_file_source::open(file.path);
    if (!source) return core::wrap("put object " + file.sha256.to_hex(), source.error());
    return put_object(file.sha256, *source);
  }
  if (**adopted == create_outcome::created) return put_outcome::created;
  auto actual = rehash(key);  // invariant 2, as in put_object
  if (!actual) return core::wrap("check the stored copy of object " + key.str(), actual.error());
  if (*actual != file.sha256)
    return core::fail(core::errc::corrupt, "object " + key.str() + " in " + describe() +
                                               " is already stored but its content now hashes to " + actual->to_hex() +
                                               "; it was not overwritten");
  return put_outcome::already_stored;
}

core::expected<put_outcome> store::put_object(const crypto::sha256_digest& sha256, core::byte_view bytes) {
  span_source source(bytes);
  return put_object(sha256, source);
}

core::expected<put_outcome> store::put_object_file(const crypto::sha256_digest& sha256,
                                                   const std::filesystem::path& path) {
  auto source = file_reader::open(path);
  if (!source) return core::wrap("put object " + sha256.to_hex(), source.error());
  return put_object(sha256, *source);
}

core::expected<bool> store::has_object(const crypto::sha256_digest& sha256) const {
  auto size = backend_->stat(store_key::object(sha256));
  if (!size) return std::unexpected(size.error());
  return size->has_value();
}

core::expected<std::uint64_t> store::object_size(const crypto::sha256_digest& sha256) const {
  const auto key = store_key::object(sha256);
  auto size = backend_->stat(key);
  if (!size) return std::unexpected(size.error());
  if (!size->has_value()) return core::fail(core::errc::not_found, "object " + key.str() + " is not in " + describe());
  return **size;
}

core::expected<std::unique_ptr<object_reader>> store::open_object(const crypto::sha256_digest& sha256) const {
  return backend_->open(store_key::object(sha256));
}

core::expected<core::byte_buffer> store::read_object_range(const crypto::sha256_digest& sha256, std::uint64_t offset,
                                                           std::size_t length) const {
  if (length > max_range_bytes)
    return core::fail(core::errc::invalid_argument, "read object " + sha256.to_hex() + ": a range of " +
                                                        std::to_string(length) + " bytes is more than the " +
                                                        std::to_string(max_range_bytes) + " one read may take");
  return backend_->read_range(store_key::object(sha256), offset, length);
}

core::expected<crypto::sha256_digest> store::rehash_object(const crypto::sha256_digest& sha256) const {
  return rehash(store_key::object(sha256));
}

core::status store::for_each_object(const std::function<bool(const crypto::sha256_digest&)>& visit) const {
  return backend_->list(store_key::objects_folder(), [&](const list_entry& entry) {
    if (entry.is_folder) return true;
    const auto digest = parse_object_name(entry.name);  // invariant 4
    return digest ? visit(*digest) : true;
  });
}

core::status store::remove_expired_object(const crypto::sha256_digest& sha256, std::string_view expiry_entry) {
  const auto key = store_key::object(sha256);
  auto entry_key = store_key::entry(entry_namespace::retention, expiry_entry);
  if (!entry_key) return core::wrap("remove " + key.str(), entry_key.error());
  auto recorded = backend_->stat(*entry_key);
  if (!recorded) return core::wrap("remove " + key.str(), recorded.error());
  if (!recorded->has_value())  // invariant 5: no deletion that is not recorded first
    return core::fail(core::errc::conflict, "remove " + key.str() + " in " + describe() + ": the expiry event " +
                                                entry_key->str() + " is not stored; nothing removed");
  return backend_->remove(key);
}

core::expected<bool> store::set_object_legal_hold(const crypto::sha256_digest& sha256, bool on) {
  return backend_->set_legal_hold(store_key::object(sha256), on);
}

core::expected<bool> store::set_record_legal_hold(const record::device_id& device, std::uint64_t seq, bool on) {
  return backend_->set_legal_hold(store_key::record(device, seq), on);
}

// ---- records -----------------------------------------------------------------------------------------------

core::expected<put_outcome> store::put_record(core::byte_view signed_record_bytes) {
  auto parsed = record::parse_signed_record(signed_record_bytes);
  if (!parsed) return core::wrap("put record in " + describe(), parsed.error());
  return put_exact(store_key::record(parsed->body.device, parsed->body.seq), signed_record_bytes);
}

core::expected<put_outcome> store::put_record(const record::signed_record& r) {
  // Invariant 3: the place comes from the bytes themselves (decoded again, whatever `r.body` says), so a
  // record cannot be filed under another device or seq.
  return put_record(core::byte_view(r.bytes));
}

core::expected<core::byte_buffer> store::get_record(const record::device_id& device, std::uint64_t seq) const {
  return read_whole(store_key::record(device, seq), max_stored_record_bytes);
}

core::expected<std::vector<std::uint64_t>> store::list_record_seqs(const record::device_id& device) const {
  auto names = list_leaves(store_key::device_records_folder(device));
  if (!names) return std::unexpected(names.error());
  std::vector<std::uint64_t> seqs;
  for (const auto& name : *names)
    if (auto seq = parse_seq_name(name)) seqs.push_back(*seq);
  std::sort(seqs.begin(), seqs.end());
  return seqs;
}

core::status store::for_each_record(const record_visitor& visit) const {
  auto devices = list_devices();
  if (!devices) return std::unexpected(devices.error());
  for (const auto& device : *devices) {
    auto seqs = list_record_seqs(device);
    if (!seqs) return std::unexpected(seqs.error());
    for (const auto seq : *seqs) {
      auto bytes = get_record(device, seq);
      if (!bytes) return core::wrap("read record " + std::to_string(seq) + " of " + device.str(), bytes.error());
      if (auto ok = visit(device, seq, core::byte_view(*bytes)); !ok) return ok;
    }
  }
  return {};
}

core::expected<std::vector<record::device_id>> store::list_devices() const {
  std::vector<record::device_id> candidates;
  auto listed = backend_->list(store_key::records_folder(), [&](const list_entry& entry) {
    if (!entry.is_folder) return true;
    if (auto device = record::device_id::parse(entry.name)) candidates.push_back(std::move(*device));
    return true;
  });
  if (!listed) return std::unexpected(listed.error());
  // Only devices with at least one record: a folder a failed put left empty is no device (and object stores
  // have no empty folders, so every backend answers alike).
  std::vector<record::device_id> devices;
  for (auto& device : candidates) {
    bool has_record = false;
    auto seqs = backend_->list(store_key::device_records_folder(device), [&](const list_entry& entry) {
      has_record = !entry.is_folder && parse_seq_name(entry.name).has_value();
      return !has_record;
    });
    if (!seqs) return std::unexpected(seqs.error());
    if (has_record) devices.push_back(std::move(device));
  }
  std::sort(devices.begin(), devices.end());
  return devices;
}

// ---- public keys -------------------------------------------------------------------------------------------

core::expected<put_outcome> store::put_public_key(const crypto::labelled_public_key& key) {
  auto device = record::device_id::parse(key.label);
  if (!device)
    return core::fail(core::errc::invalid_argument,
                      "put public key in " + describe() + ": its label is not a device id: " + device.error().context);
  const std::string line = crypto::format_public_key_line(key);
  {
    const std::lock_guard lock(stored_keys_->mutex);
    if (stored_keys_->lines.contains(line)) return put_outcome::already_stored;
  }
  auto put = put_exact(store_key::public_key(*device), text_bytes(line));
  if (put) {
    const std::lock_guard lock(stored_keys_->mutex);
    stored_keys_->lines.insert(line);
  }
  return put;
}

core::expected<crypto::labelled_public_key> store::get_public_key(const record::device_id& device) const {
  const auto key = store_key::public_key(device);
  auto bytes = read_whole(key, max_public_key_bytes);
  if (!bytes) return std::unexpected(bytes.error());
  auto parsed = crypto::parse_public_key_line(as_text(*bytes), key.str());
  if (!parsed) return core::fail(core::errc::corrupt, parsed.error().context);
  if (parsed->label != device.str())
    return core::fail(core::errc::corrupt, "public key " + key.str() + " in " + describe() + " is labelled '" +
                                               parsed->label + "', not '" + device.str() + "'");
  return parsed;
}

core::expected<std::vector<record::device_id>> store::list_public_keys() const {
  auto names = list_leaves(store_key::keys_folder());
  if (!names) return std::unexpected(names.error());
  std::vector<record::device_id> devices;
  for (const auto& name : *names)
    if (auto device = parse_public_key_name(name)) devices.push_back(std::move(*device));
  std::sort(devices.begin(), devices.end());
  return devices;
}

// ---- entries -----------------------------------------------------------------------------------------------

core::expected<put_outcome> store::put_entry(entry_namespace ns, std::string_view name, core::byte_view bytes) {
  auto key = store_key::entry(ns, name);
  if (!key) return std::unexpected(key.error());
  if (bytes.size() > max_entry_bytes)
    return core::fail(core::errc::invalid_argument, "put " + key->str() + ": " + std::to_string(bytes.size()) +
                                                        " bytes is more than an entry may hold (" +
                                                        std::to_string(max_entry_bytes) + ")");
  return put_exact(*key, bytes);
}

core::expected<core::byte_buffer> store::get_entry(entry_namespace ns, std::string_view name) const {
  auto key = store_key::entry(ns, name);
  if (!key) return std::unexpected(key.error());
  return read_whole(*key, max_entry_bytes);
}

core::expected<std::vector<std::string>> store::list_entries(entry_namespace ns) const {
  return list_entries(ns, {});
}

core::expected<std::vector<std::string>> store::list_entries(entry_namespace ns, std::string_view name_prefix) const {
  auto names = list_leaves(store_key::entries_folder(ns), name_prefix);
  if (!names) return std::unexpected(names.error());
  std::sort(names->begin(), names->end());
  return names;
}

// ---- shared steps ------------------------------------------------------------------------------------------

core::expected<put_outcome> store::put_exact(const store_key& key, core::byte_view bytes) {
  const auto offered = crypto::sha256(bytes);
  span_source source(bytes);
  auto outcome = backend_->create(key, source, offered);
  if (!outcome) return std::unexpected(outcome.error());
  if (*outcome == create_outcome::created) return put_outcome::created;
  // Invariant 2: the same bytes again are fine; anything else at this place is a conflict.
  auto stored = rehash(key);
  if (!stored)
    return core::wrap("compare with the stored " + std::string(key.kind()) + " " + key.str(), stored.error());
  if (*stored == offered) return put_outcome::already_stored;
  return core::fail(core::errc::conflict, std::string(key.kind()) + " " + key.str() + " in " + describe() +
                                              " is already stored with other content (stored sha256 " +
                                              stored->to_hex() + ", offered " + offered.to_hex() +
                                              "); nothing changed");
}

core::expected<core::byte_buffer> store::read_whole(const store_key& key, std::size_t max_bytes) const {
  auto reader = backend_->open(key);
  if (!reader) return std::unexpected(reader.error());
  const std::uint64_t size = (*reader)->size();
  if (size > max_bytes)
    return core::fail(core::errc::corrupt, std::string(key.kind()) + " " + key.str() + " in " + describe() + " is " +
                                               std::to_string(size) + " bytes; none may be larger than " +
                                               std::to_string(max_bytes));
  core::byte_buffer out(static_cast<std::size_t>(size));
  std::size_t done = 0;
  while (done < out.size()) {
    auto n = (*reader)->read(std::span(out).subspan(done));
    if (!n) return std::unexpected(n.error());
    if (*n == 0)
      return core::fail(core::errc::corrupt, "read " + key.str() + " in " + describe() + ": ended after " +
                                                 std::to_string(done) + " of " + std::to_string(size) + " bytes");
    done += *n;
  }
  return out;
}

core::expected<crypto::sha256_digest> store::rehash(const store_key& key) const {
  auto reader = backend_->open(key);
  if (!reader) return std::unexpected(reader.error());
  crypto::sha256_hasher hasher;
  core::byte_buffer buffer(stream_chunk_bytes);
  for (;;) {
    auto n = (*reader)->read(buffer);
    if (!n) return std::unexpected(n.error());
    if (*n == 0) break;
    hasher.update(core::byte_view(buffer).first(*n));
  }
  return hasher.finish();
}

core::expected<std::vector<std::string>> store::list_leaves(const store_key& folder,
                                                          std::string_view name_prefix) const {
  std::vector<std::string> names;
  auto listed = backend_->list_starting(folder, name_prefix, [&](const list_entry& entry) {
    if (!entry.is_folder) names.push_back(entry.name);
    return true;
  });
  if (!listed) return std::unexpected(listed.error());
  return names;
}

}  // namespace bodycam::common::store

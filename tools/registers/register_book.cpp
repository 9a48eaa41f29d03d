#include "tools/registers/register_book.hpp"

#include "common/crypto/key_file.hpp"

#include <algorithm>
#include <map>

namespace bodycam::tools::registers {

namespace {

std::optional<std::pair<std::string, std::uint64_t>> split_name(std::string_view name) {
  const auto dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return std::nullopt;
  auto seq = store::parse_seq_name(name.substr(dot + 1));
  if (!seq) return std::nullopt;
  return std::pair{std::string(name.substr(0, dot)), *seq};
}

bool kind_belongs(store::entry_namespace ns, entry_kind k) {
  return ns == store::entry_namespace::access ? k == entry_kind::access
                                              : (k == entry_kind::hold || k == entry_kind::expiry);
}

}  // namespace

std::size_t register_book::entry_count() const noexcept {
  std::size_t n = 0;
  for (const auto& c : clerks) n += c.entries.size();
  return n;
}

core::expected<register_book> read_register(const store::store& s, store::entry_namespace ns) {
  register_book book;
  book.ns = ns;
  auto names = s.list_entries(ns);
  if (!names) return std::unexpected(names.error());
  const std::string prefix = std::string(store::to_string(ns)) + "/";
  std::map<std::string, std::map<std::uint64_t, std::string>> by_clerk;  // clerk -> seq -> name
  for (const auto& name : *names) {
    auto parts = split_name(name);
    if (!parts) {
      book.findings.push_back({prefix + name, "misplaced", "not named <clerk>.<seq>"});
      continue;
    }
    by_clerk[parts->first][parts->second] = name;
  }
  for (const auto& [clerk, entries] : by_clerk) {
    clerk_chain chain{clerk, {}};
    std::optional<crypto::public_key> key;
    if (auto device = common::record::device_id::parse(clerk)) {
      if (auto enrolled = s.get_public_key(*device)) key = enrolled->key;
    }
    std::optional<signed_entry> previous;
    for (const auto& [seq, name] : entries) {
      const std::string where = prefix + name;
      auto bytes = s.get_entry(ns, name);
      if (!bytes) return std::unexpected(bytes.error());
      auto parsed = parse_signed_entry(*bytes);
      if (!parsed) {
        book.findings.push_back({where, "malformed", parsed.error().context});
        continue;
      }
      const auto& e = parsed->body;
      if (e.clerk != clerk || e.seq != seq)
        book.findings.push_back({where, "misplaced", "the entry says it is " + entry_name(e)});
      if (!kind_belongs(ns, e.kind))
        book.findings.push_back({where, "wrong_kind", "a " + std::string(to_string(e.kind)) + " entry in " + prefix});
      if (!key)
        book.findings.push_back(
            {where, "unknown_clerk", "no key enrolled for clerk '" + clerk + "' (keys/" + clerk + ".pub)"});
      else if (e.clerk_key != *key)
        book.findings.push_back(
            {where, "wrong_clerk_key", "signed with a key other than the one enrolled for " + clerk});
      else if (!verify_entry_signature(*parsed, *key))
        book.findings.push_back({where, "bad_signature", "signature does not verify under the clerk's key"});
      const std::uint64_t expected_seq = previous ? previous->body.seq + 1 : 0;
      if (e.seq != expected_seq)
        book.findings.push_back({where, "seq_gap",
                                 "entries " + std::to_string(expected_seq) + ".." + std::to_string(e.seq) + " of " +
                                     clerk + " are missing"});
      else if (e.prev_hash != (previous ? previous->hash : crypto::sha256_digest{}))
        book.findings.push_back({where, "prev_hash_mismatch", "prev_hash is not the hash of the entry before"});
      previous = *parsed;
      chain.entries.push_back(std::move(*parsed));
    }
    book.clerks.push_back(std::move(chain));
  }
  return book;
}

core::expected<signed_entry> append_entry(store::store& s, store::entry_namespace ns, const std::string& clerk_id,
                                          register_entry draft, crypto::signer& signer) {
  const std::string what = "write " + std::string(store::to_string(ns)) + " register entry of clerk " + clerk_id;
  if (!kind_belongs(ns, draft.kind))
    return core::fail(core::errc::invalid_argument,
                      what + ": a " + std::string(to_string(draft.kind)) + " entry does not belong there");
  // Invariant 2.
  if (auto put = s.put_public_key({clerk_id, signer.public_key()}); !put) return core::wrap(what, put.error());
  auto names = s.list_entries(ns);
  if (!names) return core::wrap(what, names.error());
  std::optional<std::uint64_t> last;
  for (const auto& name : *names)
    if (auto parts = split_name(name); parts && parts->first == clerk_id)
      last = std::max(last.value_or(0), parts->second);
  draft.clerk = clerk_id;
  draft.seq = last ? *last + 1 : 0;
  draft.prev_hash = {};
  if (last) {
    auto bytes = s.get_entry(ns, clerk_id + "." + std::to_string(*last));
    if (!bytes) return core::wrap(what, bytes.error());
    auto previous = parse_signed_entry(*bytes);
    if (!previous) return core::wrap(what + ": the clerk's last entry does not decode", previous.error());
    draft.prev_hash = previous->hash;
  }
  auto signed_e = sign_entry(std::move(draft), signer);
  if (!signed_e) return core::wrap(what, signed_e.error());
  // Invariant 1: create-only; a concurrent writer that took this seq makes this a conflict.
  auto put = s.put_entry(ns, entry_name(signed_e->body), signed_e->bytes);
  if (!put) return core::wrap(what, put.error());
  if (*put != store::put_outcome::created)
    return core::fail(core::errc::conflict, what + ": " + entry_name(signed_e->body) + " was already stored");
  return signed_e;
}

}  // namespace bodycam::tools::registers

#include "tools/registers/metadata_book.hpp"

#include <algorithm>

namespace bodycam::tools::registers {

namespace {

namespace store = common::store;
constexpr auto notes_ns = store::entry_namespace::notes;

std::optional<std::pair<std::string, std::uint64_t>> split_note_name(std::string_view name) {
  const auto dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return std::nullopt;
  auto seq = store::parse_seq_name(name.substr(dot + 1));
  if (!seq) return std::nullopt;
  return std::pair{std::string(name.substr(0, dot)), *seq};
}

bool note_order(const signed_metadata_entry* a, const signed_metadata_entry* b) {
  return std::tie(a->body.utc, a->body.author, a->body.seq) < std::tie(b->body.utc, b->body.author, b->body.seq);
}

void fold(session_notes& out, const metadata_entry& e) {
  for (const auto& fv : e.fields) {
    out.current[fv.field] = fv.value;
    out.history.push_back({fv.field, fv.value, e.author, e.seq, e.utc});
  }
}

}  // namespace

std::vector<std::string> default_note_categories() {
  return {"evidence", "complaint", "traffic", "obstruction", "mass_incident", "use_of_force", "arrest", "other"};
}

std::size_t metadata_book::entry_count() const noexcept {
  std::size_t n = 0;
  for (const auto& a : authors) n += a.entries.size();
  return n;
}

std::vector<const signed_metadata_entry*> metadata_book::sound_entries() const {
  std::vector<const signed_metadata_entry*> out;
  for (const auto& a : authors)
    for (std::size_t i = 0; i < a.entries.size(); ++i)
      if (!a.flagged[i]) out.push_back(&a.entries[i]);
  std::sort(out.begin(), out.end(), note_order);
  return out;
}

core::expected<metadata_book> read_metadata_register(const store::store& s) {
  metadata_book book;
  auto names = s.list_entries(notes_ns);
  if (!names) return core::wrap("read metadata register", names.error());
  std::map<std::string, std::map<std::uint64_t, std::string>> by_author;
  for (const auto& name : *names) {
    auto parts = split_note_name(name);
    if (!parts) {
      book.findings.push_back({"notes/" + name, "misplaced", "not named <author>.<seq>"});
      continue;
    }
    by_author[parts->first][parts->second] = name;
  }
  for (const auto& [author, entries] : by_author) {
    author_chain chain{author, {}, {}};
    std::optional<crypto::public_key> key;
    if (auto id = record::device_id::parse(author))
      if (auto enrolled = s.get_public_key(*id)) key = enrolled->key;
    std::optional<crypto::sha256_digest> previous_hash;
    std::optional<std::uint64_t> previous_seq;
    for (const auto& [seq, name] : entries) {
      const std::string where = "notes/" + name;
      auto bytes = s.get_entry(notes_ns, name);
      if (!bytes) return core::wrap("read metadata entry " + where, bytes.error());
      auto parsed = parse_metadata_entry(*bytes);
      if (!parsed) {
        book.findings.push_back({where, "malformed", parsed.error().context});
        continue;
      }
      const auto& e = parsed->body;
      const std::size_t findings_before = book.findings.size();
      if (e.author != author || e.seq != seq)
        book.findings.push_back({where, "misplaced", "the entry says it is " + entry_name(e)});
      if (!key)
        book.findings.push_back({where, "unknown_clerk", "no key enrolled for author '" + author + "'"});
      else if (e.author_key != *key)
        book.findings.push_back({where, "wrong_clerk_key", "signed with a key other than the one enrolled for " + author});
      else if (!verify_metadata_signature(*parsed, *key))
        book.findings.push_back({where, "bad_signature", "signature does not verify under the author's key"});
      const std::uint64_t expected_seq = previous_seq ? *previous_seq + 1 : 0;
      if (e.seq != expected_seq)
        book.findings.push_back({where, "seq_gap", "entries " + std::to_string(expected_seq) + ".." +
                                                       std::to_string(e.seq) + " of " + author + " are missing"});
      else if (e.prev_hash != previous_hash.value_or(crypto::sha256_digest{}))
        book.findings.push_back({where, "prev_hash_mismatch", "prev_hash is not the hash of the entry before"});
      previous_hash = parsed->hash;
      previous_seq = e.seq;
      chain.flagged.push_back(book.findings.size() != findings_before);
      chain.entries.push_back(std::move(*parsed));
    }
    book.authors.push_back(std::move(chain));
  }
  return book;
}

core::expected<signed_metadata_entry> append_note(store::store& s, const std::string& author, metadata_entry draft,
                                                  crypto::signer& signer, const std::vector<std::string>& categories) {
  const std::string what = "write metadata entry of " + author;
  if (const auto* category = draft.value_of(note_field::category);
      category != nullptr && std::find(categories.begin(), categories.end(), *category) == categories.end())
    return core::fail(core::errc::invalid_argument, what + ": category '" + *category + "' is not in the list");
  if (auto put = s.put_public_key({author, signer.public_key()}); !put) return core::wrap(what, put.error());  // N2
  auto names = s.list_entries(notes_ns);
  if (!names) return core::wrap(what, names.error());
  std::optional<std::uint64_t> last;
  for (const auto& name : *names)
    if (auto parts = split_note_name(name); parts && parts->first == author)
      last = std::max(last.value_or(0), parts->second);
  draft.author = author;
  draft.seq = last ? *last + 1 : 0;
  draft.prev_hash = {};
  if (last) {
    auto bytes = s.get_entry(notes_ns, author + "." + std::to_string(*last));
    if (!bytes) return core::wrap(what, bytes.error());
    auto previous = parse_metadata_entry(*bytes);
    if (!previous) return core::wrap(what + ": the author's last entry does not decode", previous.error());
    draft.prev_hash = previous->hash;
  }
  auto signed_e = sign_metadata_entry(std::move(draft), signer);
  if (!signed_e) return core::wrap(what, signed_e.error());
  auto put = s.put_entry(notes_ns, entry_name(signed_e->body), signed_e->bytes);  // N1
  if (!put) return core::wrap(what, put.error());
  if (*put != store::put_outcome::created)
    return core::fail(core::errc::conflict, what + ": " + entry_name(signed_e->body) + " was already stored");
  return signed_e;
}

session_notes notes_of_session(const metadata_book& book, const record::device_id& device,
                               const record::session_id& session) {
  session_notes out{device, session, {}, {}};
  for (const auto* e : book.sound_entries())
    if (e->body.device == device && e->body.session == session) fold(out, e->body);
  return out;
}

std::vector<session_notes> all_session_notes(const metadata_book& book) {
  std::map<std::pair<record::device_id, record::session_id>, session_notes> by_session;
  for (const auto* e : book.sound_entries()) {
    auto [it, fresh] = by_session.try_emplace({e->body.device, e->body.session});
    if (fresh) {
      it->second.device = e->body.device;
      it->second.session = e->body.session;
    }
    fold(it->second, e->body);
  }
  std::vector<session_notes> out;
  for (auto& [k, v] : by_session) out.push_back(std::move(v));
  return out;
}

}  // namespace bodycam::tools::registers

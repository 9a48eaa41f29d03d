// `bodycam note`: add a note after the fact to a session (place, party, case, category, free text) as a signed
// entry of the metadata register (docs/formats/metadata-register.md), or show a session's notes and the
// history of each field. Writing needs a person's key the store's enrollment register lets sign a note on
// that session now (a clerk, or an officer who wore the camera or joined: authorization_table.hpp A4, read from the
// session's records); nothing is ever changed, each
// note is a new entry. The note's store-log leaf is left to the dock's reconcile, as for access entries.
#include "common/record/record_json.hpp"
#include "common/store/directory_backend.hpp"
#include "tools/audit/store_audit.hpp"
#include "tools/enrollment/enrollment_store.hpp"
#include "tools/registers/metadata_book.hpp"
#include "tools/verbs/clerk_identity.hpp"
#include "tools/verbs/json_report.hpp"
#include "tools/verbs/store_sessions.hpp"
#include "tools/verbs/verb.hpp"

#include <cstdio>
#include <limits>
#include <memory>

namespace bodycam::tools::verbs {

namespace {

using namespace bodycam::common;

constexpr std::string_view history_format = "bodycam-note-history";

struct note_args {
  std::string store;
  std::string session;
  std::string device;
  std::string place, party, case_number, category, text;
  std::string key;
  std::string person;
  std::string categories;
  bool history = false;
  bool json = false;
};

int refuse(const note_args& args, const std::string& message, int code = exit_cannot) {
  return report_error("note", args.json, code, message);
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = std::min(text.find(',', start), text.size());
    if (comma > start) out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

// The (device, session) the clerk named: the session id (or a unique start of it) and, when two cameras
// share it, --device.
core::expected<std::pair<record::device_id, record::session_id>> resolve(const store::store& s, const note_args& args) {
  auto session = session_of_store(s, args.session);
  if (!session) return std::unexpected(session.error());
  auto known = store_sessions(s);
  if (!known) return std::unexpected(known.error());
  std::vector<record::device_id> devices;
  for (const auto& k : *known)
    if (k.session == *session && std::find(devices.begin(), devices.end(), k.device) == devices.end())
      devices.push_back(k.device);
  if (!args.device.empty()) {
    auto device = record::device_id::parse(args.device);
    if (!device) return core::fail(core::errc::invalid_argument, "--device: " + device.error().context);
    if (std::find(devices.begin(), devices.end(), *device) == devices.end())
      return core::fail(core::errc::not_found, "session " + session->to_hex() + " is not a session of " + args.device);
    return std::pair{*device, *session};
  }
  if (devices.empty()) return core::fail(core::errc::not_found, "no camera in the store recorded session " + args.session);
  if (devices.size() > 1)
    return core::fail(core::errc::invalid_argument,
                      "session " + session->to_hex() + " is named by more than one camera; give --device");
  return std::pair{devices.front(), *session};
}

// The session's roster (authorization_table.hpp A4): its officers as the audit of its camera's records finds them,
// without re-hashing files.
core::expected<std::vector<std::string>> roster_of(const store::store& s, const record::device_id& device,
                                                   const record::session_id& session) {
  tools::audit::audit_options options;
  options.now = utc_now();
  options.sample_slice = 1;
  options.sample_slices = std::numeric_limits<std::uint32_t>::max();
  options.only_devices = [&](const record::device_id& d) { return d == device; };
  auto report = tools::audit::audit_store(s, options);
  if (!report) return core::wrap("read the officers of session " + session.to_hex(), report.error());
  for (const auto& d : report->devices)
    for (const auto& sa : d.sessions)
      if (d.device == device && sa.session == session) return sa.officers();
  return core::fail(core::errc::not_found, "session " + session.to_hex() + " of " + device.str() +
                                               " has no records in the store");
}

int run_history(const note_args& args, const store::store& s) {
  auto which = resolve(s, args);
  if (!which) return refuse(args, which.error().context);
  auto book = registers::read_metadata_register(s);
  if (!book) return refuse(args, book.error().context);
  const auto notes = registers::notes_of_session(*book, which->first, which->second);
  if (args.json) {
    nlohmann::json j;
    j["format"] = history_format;
    j["version"] = 1;
    j["device"] = which->first.str();
    j["session"] = which->second.to_hex();
    j["current"] = nlohmann::json::object();
    for (const auto& [field, value] : notes.current) j["current"][std::string(registers::to_string(field))] = value;
    j["history"] = nlohmann::json::array();
    for (const auto& h : notes.history)
      j["history"].push_back({{"field", registers::to_string(h.field)},
                              {"value", h.value},
                              {"entry", "notes/" + h.author + "." + std::to_string(h.seq)},
                              {"author", h.author},
                              {"utc", record::format_utc(h.utc)}});
    j["findings"] = nlohmann::json::array();
    for (const auto& f : book->findings)
      j["findings"].push_back({{"entry", f.entry}, {"code", f.code}, {"detail", f.detail}});
    print_json_document(j);
  } else {
    std::printf("session %s of %s: %zu value(s) set by notes\n", which->second.to_hex().c_str(),
                which->first.str().c_str(), notes.history.size());
    for (const auto& [field, value] : notes.current)
      std::printf("  %-8s %s\n", std::string(registers::to_string(field)).c_str(), value.c_str());
    if (!notes.history.empty()) std::printf("history (oldest first):\n");
    for (const auto& h : notes.history)
      std::printf("  %s  notes/%s.%llu  %-8s %s\n", record::format_utc(h.utc).c_str(), h.author.c_str(),
                  static_cast<unsigned long long>(h.seq), std::string(registers::to_string(h.field)).c_str(),
                  h.value.c_str());
    for (const auto& f : book->findings)
      std::printf("finding: %s %s: %s (left out)\n", f.code.c_str(), f.entry.c_str(), f.detail.c_str());
  }
  return book->is_intact() ? exit_ok : exit_not_authentic;
}

int run_note(const note_args& args, store::store& s) {
  registers::metadata_entry draft;
  for (auto [field, value] : {std::pair{registers::note_field::place, &args.place},
                              {registers::note_field::party, &args.party},
                              {registers::note_field::case_number, &args.case_number},
                              {registers::note_field::category, &args.category},
                              {registers::note_field::text, &args.text}})
    if (!value->empty()) draft.fields.push_back({field, *value});
  if (draft.fields.empty())
    return refuse(args, "give at least one of --place, --party, --case, --category, --text (or --history)");
  for (const auto& f : draft.fields)
    if (auto why = registers::check_field_value(f.field, f.value); !why.empty()) return refuse(args, "--" + why);
  const auto categories = args.categories.empty() ? registers::default_note_categories() : split_list(args.categories);
  if (!args.category.empty() && std::find(categories.begin(), categories.end(), args.category) == categories.end()) {
    std::string list;
    for (const auto& c : categories) list += (list.empty() ? "" : ", ") + c;
    return refuse(args, "--category '" + args.category + "' is not in the list: " + list);
  }
  if (args.key.empty() || args.person.empty()) return refuse(args, "writing a note needs --key and --person");
  auto person = load_clerk(args.key);
  if (!person) return refuse(args, person.error().context);
  if (person->id != args.person)
    return refuse(args, "--key " + args.key + " is the key of '" + person->id + "', not of --person " + args.person);
  auto which = resolve(s, args);
  if (!which) return refuse(args, which.error().context);
  draft.device = which->first;
  draft.session = which->second;
  draft.utc = utc_now();
  // The workstation refuses early, under the store's own root; the audit, under the trusted root, decides.
  auto root = enrollment::get_store_root(s);
  if (!root) return refuse(args, root.error().context);
  if (!*root) return refuse(args, "store " + s.describe() + " has no enrollment register; nobody may write notes");
  auto reg = enrollment::load_register(s, **root);
  if (!reg) return refuse(args, reg.error().context);
  auto roster = roster_of(s, which->first, which->second);
  if (!roster) return refuse(args, roster.error().context);
  const auto may = reg->table.may_note(person->signer->public_key(), which->first.str(), which->second.to_hex(),
                                       &*roster, draft.utc);
  if (!may.allowed) return refuse(args, "note by " + args.person + ": " + may.reason, exit_not_authentic);
  if (may.subject != args.person)
    return refuse(args, "the register enrolled this key for '" + may.subject + "', not '" + args.person + "'",
                  exit_not_authentic);
  auto stored = registers::append_note(s, args.person, draft, *person->signer, categories);
  if (!stored) return refuse(args, stored.error().context);
  std::printf("noted notes/%s on session %s of %s:", registers::entry_name(stored->body).c_str(),
              which->second.to_hex().c_str(), which->first.str().c_str());
  for (const auto& f : stored->body.fields) std::printf(" %s", std::string(registers::to_string(f.field)).c_str());
  std::printf("\n");
  return exit_ok;
}

}  // namespace

void add_note(CLI::App& app, run_result& result) {
  auto args = std::make_shared<note_args>();
  auto* cmd = app.add_subcommand("note", "Add a signed note to a session (place, party, case, category, text), or "
                                         "show its notes with --history; originals never change");
  cmd->add_option("store", args->store, "The store's directory")->required();
  cmd->add_option("--session", args->session, "The session id (32 hex digits, or a unique start of it)")->required();
  cmd->add_option("--device", args->device, "The camera, when two cameras name the same session id");
  cmd->add_option("--place", args->place, "Where it happened (up to 256 bytes)");
  cmd->add_option("--party", args->party, "Who was involved (up to 256 bytes)");
  cmd->add_option("--case", args->case_number, "The case number (up to 64 bytes)");
  cmd->add_option("--category", args->category, "One of the categories (see --categories)");
  cmd->add_option("--text", args->text, "Free text (up to 4000 bytes)");
  cmd->add_option("--key", args->key, "The author's secret key file (bodycam keygen --id <person>)");
  cmd->add_option("--person", args->person, "The author's person id, as enrolled");
  cmd->add_option("--categories", args->categories,
                  "The allowed categories, comma-separated (default: evidence,complaint,traffic,obstruction,"
                  "mass_incident,use_of_force,arrest,other)");
  cmd->add_flag("--history", args->history, "Show the session's notes: current values and every change");
  cmd->add_flag("--json", args->json, "With --history: the report as JSON (bodycam-note-history, version 1)");
  cmd->callback([args, &result] {
    auto s = store::open_directory_store(args->store, false);
    if (!s) {
      result.exit_code = refuse(*args, s.error().context);
      return;
    }
    result.exit_code = args->history ? run_history(*args, *s) : run_note(*args, *s);
  });
}

}  // namespace bodycam::tools::verbs

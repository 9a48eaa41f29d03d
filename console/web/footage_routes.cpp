// The footage routes of the request handler (H4-H7, H10 in console_handler.hpp): the session list, a session's
// page, its playback page, its files (segments and statements, with HTTP Range) and its viewing copy (one MP4
// built on demand into a cache outside the store). Each footage route finds whose footage it is, asks the
// route table, writes the access entry, and only then reads and shows. Encrypted footage (a record with
// `encrypted`) is decrypted on the server with the configured footage key, after the access entry
// (tools/decryption/stored_footage.hpp); with no key configured the playback, file and copy routes answer 409
// with a page saying so, before any entry.
#include "console/access/route_policy.hpp"
#include "console/web/byte_range.hpp"
#include "console/web/console_handler.hpp"
#include "console/web/footage_access.hpp"
#include "console/web/filter_time.hpp"
#include "console/web/pages.hpp"
#include "console/web/store_analysis.hpp"
#include "tools/audit/store_audit.hpp"
#include "common/core/durable_file.hpp"
#include "tools/copy/viewing_copy.hpp"
#include "tools/decryption/stored_footage.hpp"
#include "tools/enrollment/authorization_table.hpp"
#include "tools/registers/access_outcome.hpp"
#include "tools/registers/register_book.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <limits>

namespace bodycam::console::web {

namespace core = common::core;
namespace record = common::record;
namespace audit = tools::audit;
namespace registers = tools::registers;

namespace {

std::string query_value(const web_request& request, const char* name) {
  const auto form = parse_form(request.query());
  if (!form) return {};
  const auto it = form->find(name);
  return it == form->end() ? std::string() : it->second;
}

// The largest plaintext the console decrypts into memory for one download (a segment is far smaller).
constexpr std::uint64_t max_decrypted_download = std::uint64_t{512} << 20;

web_response encrypted_without_key(const std::string& what) {
  return error_response(409, "Footage encrypted",
                        "This " + what + " is encrypted footage, and no footage key is configured on this console "
                        "([footage] sealed_key_file and passphrase_file in its configuration), so it cannot be "
                        "shown here. Nothing was read and no access entry was written. The agency's key holder can "
                        "export it with bodycam export --footage-key.");
}

bool session_is_encrypted(const common::store::store& s, const record::device_id& device,
                          const record::session_id& session) {
  auto segments = tools::copy::session_segments(s, device, session);
  return segments && std::any_of(segments->begin(), segments->end(), [](const auto& g) { return g.encrypted; });
}

// The `encrypted` field of the record at `seq`, if it has one.
std::optional<record::footage_plaintext> encrypted_of(const common::store::store& s, const record::device_id& device,
                                                      std::uint64_t seq) {
  auto bytes = s.get_record(device, seq);
  if (!bytes) return std::nullopt;
  auto r = record::parse_signed_record(*bytes);
  if (!r) return std::nullopt;
  const auto* p = tools::decryption::plaintext_of(r->body);
  return p ? std::optional<record::footage_plaintext>(*p) : std::nullopt;
}

web_response register_refused(const core::error& e) {
  return error_response(503, "Access register unavailable",
                        "The access entry for this request could not be written, so nothing is shown: " + e.context);
}

}  // namespace

access::ownership session_ownership(const audit::session_audit& s, const std::string& person) {
  // The one rule of an officer's own session (authorization_table.hpp A4), the rule of their notes and of the
  // audit of their access entries (tools/audit/enrollment_check.hpp N3).
  return tools::enrollment::is_session_officer(s.officers(), person) ? access::ownership::own
                                                                      : access::ownership::other;
}

core::expected<audit::audit_report> analyse_store(const common::store::store& s, record::utc_time now) {
  audit::audit_options options;
  options.now = now;
  options.sample_slice = 1;
  options.sample_slices = std::numeric_limits<std::uint32_t>::max();
  return audit::audit_store(s, options);
}

web_response console_handler::session_list(const web_request& request, const signed_in& who) {
  if (!access::is_allowed(access::route::session_list, who.roles, access::ownership::none))
    return error_response(403, "Not allowed", "Your roles do not allow the session list.");
  const session_filter filter{query_value(request, "device"), query_value(request, "from"), query_value(request, "to")};
  std::optional<record::utc_time> from, to;
  if (!filter.from.empty() && !(from = parse_filter_time(filter.from)))
    return error_response(400, "Bad filter", "'from' is not a time like 2026-01-10 or 2026-01-10T08:00.");
  if (!filter.to.empty() && !(to = parse_filter_time(filter.to)))
    return error_response(400, "Bad filter", "'to' is not a time like 2026-01-10 or 2026-01-10T08:00.");
  auto report = analyse_store(*ctx_.store, ctx_.clock());
  if (!report) return error_response(503, "Store unavailable", report.error().context);
  std::vector<session_row> rows;
  for (const audit::device_audit& d : report->devices) {
    if (!filter.device.empty() && d.device.str() != filter.device) continue;
    for (const audit::session_audit& s : d.sessions) {
      // Only the sessions the person may open are listed at all.
      if (!access::is_allowed(access::route::session_page, who.roles, owner_of(s, who))) continue;
      if (from && s.start_utc < *from) continue;
      if (to && s.start_utc >= *to) continue;
      session_row row{d.device.str(), s.session.to_hex(), s.officer_id, s.start_utc, std::nullopt, s.segments.size()};
      if (s.stop_utc) row.duration = *s.stop_utc - s.start_utc;
      rows.push_back(std::move(row));
    }
  }
  return html_response(200, render_session_list({who.person, who.roles, who.csrf}, filter, rows));
}

web_response console_handler::footage(const web_request& request, const signed_in& who) {
  // H7: /sessions/<device>/<session>[/play | /files/<seq>]
  std::vector<std::string_view> parts;
  std::string_view rest = request.path().substr(std::string_view("/sessions/").size());
  while (!rest.empty()) {
    const auto slash = rest.find('/');
    parts.push_back(rest.substr(0, slash));
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  }
  const auto not_found = [] { return error_response(404, "Not found", "No such session or file."); };
  if (parts.size() < 2 || parts.size() > 4) return not_found();
  auto device = record::device_id::parse(parts[0]);
  auto session_id = parts[1].size() == 32 ? record::session_id::parse(parts[1]) : std::unexpected(core::error{});
  if (!device || !session_id) return not_found();
  access::route what = access::route::session_page;
  std::optional<std::uint64_t> seq;
  if (parts.size() == 3 && parts[2] == "play") {
    what = access::route::session_playback;
  } else if (parts.size() == 3 && (parts[2] == "copy.mp4" || parts[2] == "copy.mp4.manifest.json")) {
    what = access::route::viewing_copy;
  } else if (parts.size() == 4 && parts[2] == "files") {
    what = access::route::file_download;
    std::uint64_t v = 0;
    const auto [end, ec] = std::from_chars(parts[3].data(), parts[3].data() + parts[3].size(), v);
    if (parts[3].empty() || ec != std::errc() || end != parts[3].data() + parts[3].size() ||
        (parts[3].size() > 1 && parts[3][0] == '0'))
      return not_found();
    seq = v;
  } else if (parts.size() != 2) {
    return not_found();
  }

  const auto now = ctx_.clock();
  auto report = analyse_store(*ctx_.store, now);
  if (!report) return error_response(503, "Store unavailable", report.error().context);
  const audit::device_audit* dev = nullptr;
  const audit::session_audit* session = nullptr;
  for (const auto& d : report->devices)
    if (d.device == *device) {
      dev = &d;
      for (const auto& s : d.sessions)
        if (s.session == *session_id) session = &s;
    }
  if (session == nullptr) return not_found();
  if (!access::is_allowed(what, who.roles, owner_of(*session, who)))  // H4
    return error_response(403, "Not allowed", "Your roles do not allow this footage.");

  const std::string reference = query_value(request, "purpose");
  if (what == access::route::viewing_copy)
    return viewing_copy(request, who, *device, *session, reference, parts[2] != "copy.mp4");
  const page_user user{who.person, who.roles, who.csrf};
  if (what == access::route::session_playback && ctx_.footage_keys == nullptr &&
      session_is_encrypted(*ctx_.store, *device, *session_id))
    return encrypted_without_key("session");
  if (what == access::route::session_page || what == access::route::session_playback) {
    const bool play = what == access::route::session_playback;
    auto entry = append_access(*ctx_.store, who,
                               access_draft(who, play ? "console_playback" : "console_view", reference, *device,
                                            *session, now));  // H5
    if (!entry) return register_refused(entry.error());
    const std::string name = "access/" + registers::entry_name(entry->body);
    if (play) return html_response(200, render_playback_page(user, device->str(), *session, name));
    return html_response(200, render_session_page(user, device->str(), *session, dev->receipts, name,
                                         notes_section(*device, *session, owner_of(*session, who), who) +
                                             holds_section(*device, *session, owner_of(*session, who), who)));
  }

  const audit::object_audit* file = nullptr;
  for (const auto& o : session->segments)
    if (o.seq == *seq) file = &o;
  for (const auto& st : session->statements)
    if (st.seq == *seq && st.file.state != audit::object_state::not_applicable) file = &st.file;
  if (file == nullptr) return not_found();
  const auto encrypted = encrypted_of(*ctx_.store, *device, *seq);
  if (encrypted && ctx_.footage_keys == nullptr) return encrypted_without_key("file");
  if (encrypted) return encrypted_download(request, who, *device, *session, *seq, *file, *encrypted, reference);
  const range_answer range = answer_range(request.header("range"), file->byte_length);
  if (range.what == range_answer::kind::unsatisfiable) {
    auto r = error_response(416, "Range not satisfiable", "The file has " + std::to_string(file->byte_length) + " bytes.");
    r.set("Content-Range", content_range(range, file->byte_length));
    return r;
  }
  const std::uint64_t first = range.what == range_answer::kind::partial ? range.first : 0;
  const std::uint64_t length = range.what == range_answer::kind::partial ? range.length() : file->byte_length;
  if (length > common::store::max_range_bytes)
    return error_response(413, "Too large", "Ask for at most 64 MiB at a time with a Range header.");

  auto draft = access_draft(who, "console_download", reference, *device, *session, now);
  draft.scopes.front().first_seq = *seq;
  draft.scopes.front().end_seq = *seq + 1;
  draft.objects.push_back({file->sha256, file->byte_length});
  auto entry = append_access(*ctx_.store, who, draft);  // H5
  if (!entry) return register_refused(entry.error());
  auto bytes = ctx_.store->read_object_range(file->sha256, first, static_cast<std::size_t>(length));

  // The outcome entry, once the server knows whether the bytes left.
  const auto conclude = [store = ctx_.store, who, draft, clock = ctx_.clock,
                         concludes = registers::entry_name(entry->body)](bool sent, const std::string& why) {
    auto e = draft;
    e.utc = clock();
    e.action = registers::outcome_action({concludes, sent, sent ? std::string() : why});
    (void)append_access(*store, who, std::move(e));  // a lost outcome shows in the audit as an open access
  };
  if (!bytes) {
    conclude(false, bytes.error().context);
    return error_response(503, "Store unavailable", bytes.error().context);
  }
  web_response r;
  r.status = range.what == range_answer::kind::partial ? 206 : 200;
  r.content_type = file->file_name.ends_with(".mp4")   ? "video/mp4"
                   : file->file_name.ends_with(".wav") ? "audio/wav"
                                                       : "application/octet-stream";
  r.body.assign(bytes->begin(), bytes->end());
  r.set("Accept-Ranges", "bytes");
  if (r.status == 206) r.set("Content-Range", content_range(range, file->byte_length));
  // The name is the record's seq plus the file's extension if that is plain (a record's text never reaches a
  // header unchecked).
  const auto dot = file->file_name.rfind('.');
  std::string extension = dot == std::string::npos ? std::string() : file->file_name.substr(dot);
  if (extension.size() > 6 || !std::all_of(extension.begin() + (extension.empty() ? 0 : 1), extension.end(),
                                           [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }))
    extension.clear();
  r.set("Content-Disposition", "inline; filename=\"" + std::to_string(*seq) + extension + "\"");
  r.after_send = conclude;
  return r;
}

web_response console_handler::viewing_copy(const web_request& request, const signed_in& who,
                                           const record::device_id& device, const audit::session_audit& session,
                                           const std::string& reference, bool manifest) {
  // H10: /sessions/<device>/<session>/copy.mp4 and copy.mp4.manifest.json
  namespace fs = std::filesystem;
  const auto now = ctx_.clock();
  auto segments = tools::copy::session_segments(*ctx_.store, device, session.session);
  if (!segments) return error_response(404, "Not found", "This session has no segment to copy.");
  const bool encrypted = std::any_of(segments->begin(), segments->end(), [](const auto& g) { return g.encrypted; });
  if (encrypted && ctx_.footage_keys == nullptr) return encrypted_without_key("session");
  // The cache key is the list of originals: a segment stored later gives another copy, never a stale one.
  common::crypto::sha256_hasher key;
  for (const auto& g : *segments) key.update(std::to_string(g.seq) + " " + g.sha256.to_hex() + "\n");
  const fs::path cache = (ctx_.work_dir.empty() ? fs::temp_directory_path() : ctx_.work_dir) / "viewing-copies";
  const fs::path file = cache / (device.str() + "-" + session.session.to_hex() + "-" +
                                 key.finish().to_hex().substr(0, 16) + ".mp4");

  auto draft = access_draft(who, "console_viewing_copy", reference, device, session, now);
  for (const auto& g : *segments) draft.objects.push_back({g.sha256, g.bytes});
  auto entry = append_access(*ctx_.store, who, draft);  // H5
  if (!entry) return register_refused(entry.error());
  const std::string entry_name = registers::entry_name(entry->body);
  const auto conclude = [store = ctx_.store, who, draft, clock = ctx_.clock, concludes = entry_name](
                            bool sent, const std::string& why) {
    auto e = draft;
    e.utc = clock();
    e.action = registers::outcome_action({concludes, sent, sent ? std::string() : why});
    (void)append_access(*store, who, std::move(e));  // a lost outcome shows in the audit as an open access
  };
  std::error_code ec;
  if (!fs::exists(file, ec) || !fs::exists(tools::copy::manifest_path_of(file), ec)) {
    fs::create_directories(cache, ec);
    if (!ec) fs::permissions(cache, fs::perms::owner_all, fs::perm_options::replace, ec);  // footage: ours only
    if (ec) {
      conclude(false, "create " + cache.string() + ": " + ec.message());
      return error_response(503, "Copy unavailable", "create " + cache.string() + ": " + ec.message());
    }
    tools::copy::copy_request build;
    build.device = device;
    build.session = session.session;
    build.out = file;
    build.work_dir = cache;
    build.person = who.person;
    build.department = draft.department;
    build.reference = draft.reference;
    build.action = draft.action;
    build.now = now;
    build.footage_keys = ctx_.footage_keys;  // an encrypted session is decrypted after the entry above
    auto built = tools::copy::build_viewing_copy(*ctx_.store, build, "access/" + entry_name, *who.signer);
    if (!built && built.error().code != core::errc::already_exists) {  // another request may have built it
      conclude(false, built.error().context);
      return error_response(503, "Copy failed", built.error().context);
    }
  }
  if (manifest) {
    auto text = core::read_file(tools::copy::manifest_path_of(file), std::size_t{16} << 20);
    if (!text) {
      conclude(false, text.error().context);
      return error_response(503, "Copy unavailable", text.error().context);
    }
    web_response r;
    r.content_type = "application/json";
    r.body.assign(text->begin(), text->end());
    r.set("Content-Disposition",
          "attachment; filename=\"" + session.session.to_hex().substr(0, 8) + "-viewing-copy.mp4.manifest.json\"");
    r.set("X-Bodycam-Access-Entry", "access/" + entry_name);
    r.after_send = conclude;
    return r;
  }
  const auto size = fs::file_size(file, ec);
  if (ec) {
    conclude(false, "read " + file.string() + ": " + ec.message());
    return error_response(503, "Copy unavailable", "read " + file.string() + ": " + ec.message());
  }
  const range_answer range = answer_range(request.header("range"), size);
  if (range.what == range_answer::kind::unsatisfiable) {
    conclude(false, "range not satisfiable");
    auto r = error_response(416, "Range not satisfiable", "The copy has " + std::to_string(size) + " bytes.");
    r.set("Content-Range", content_range(range, size));
    return r;
  }
  const std::uint64_t first = range.what == range_answer::kind::partial ? range.first : 0;
  const std::uint64_t length = range.what == range_answer::kind::partial ? range.length() : size;
  if (length > common::store::max_range_bytes) {
    conclude(false, "more than 64 MiB asked at once");
    return error_response(413, "Too large", "Ask for at most 64 MiB at a time with a Range header.");
  }
  web_response r;
  r.body.resize(static_cast<std::size_t>(length));
  std::ifstream in(file, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(first));
  if (!in.read(r.body.data(), static_cast<std::streamsize>(length))) {
    conclude(false, "read " + file.string() + " failed");
    return error_response(503, "Copy unavailable", "read " + file.string() + " failed");
  }
  r.status = range.what == range_answer::kind::partial ? 206 : 200;
  r.content_type = "video/mp4";
  r.set("Accept-Ranges", "bytes");
  if (r.status == 206) r.set("Content-Range", content_range(range, size));
  r.set("Content-Disposition",
        "attachment; filename=\"" + session.session.to_hex().substr(0, 8) + "-viewing-copy.mp4\"");
  r.set("X-Bodycam-Access-Entry", "access/" + entry_name);
  r.after_send = conclude;
  return r;
}

web_response console_handler::encrypted_download(const web_request& request, const signed_in& who,
                                                 const record::device_id& device, const audit::session_audit& session,
                                                 std::uint64_t seq, const audit::object_audit& file,
                                                 const record::footage_plaintext& plaintext,
                                                 const std::string& reference) {
  if (plaintext.byte_length > max_decrypted_download)
    return error_response(413, "Too large", "This file is too large to decrypt here; ask for an export.");
  auto draft = access_draft(who, "console_download", reference, device, session, ctx_.clock());
  draft.scopes.front().first_seq = seq;
  draft.scopes.front().end_seq = seq + 1;
  draft.objects.push_back({file.sha256, file.byte_length});
  auto entry = append_access(*ctx_.store, who, draft);  // H5: the entry, then the decryption
  if (!entry) return register_refused(entry.error());
  const auto conclude = [store = ctx_.store, who, draft, clock = ctx_.clock,
                         concludes = registers::entry_name(entry->body)](bool sent, const std::string& why) {
    auto e = draft;
    e.utc = clock();
    e.action = registers::outcome_action({concludes, sent, sent ? std::string() : why});
    (void)append_access(*store, who, std::move(e));
  };
  common::crypto::memory_sink plain;
  auto done = tools::decryption::decrypt_stored_file(
      *ctx_.store,
      {"record " + std::to_string(seq) + " of " + device.str() + " (" + file.file_name + ")", file.sha256,
       file.byte_length, plaintext},
      *ctx_.footage_keys, plain);
  if (!done) {
    conclude(false, done.error().context);
    return error_response(done.error().code == core::errc::corrupt ? 502 : 503, "Footage could not be decrypted",
                          done.error().context);
  }
  const auto& bytes = plain.bytes();
  const range_answer range = answer_range(request.header("range"), bytes.size());
  if (range.what == range_answer::kind::unsatisfiable) {
    conclude(false, "range not satisfiable");
    auto r = error_response(416, "Range not satisfiable", "The file has " + std::to_string(bytes.size()) + " bytes.");
    r.set("Content-Range", content_range(range, bytes.size()));
    return r;
  }
  const std::uint64_t first = range.what == range_answer::kind::partial ? range.first : 0;
  const std::uint64_t length = range.what == range_answer::kind::partial ? range.length() : bytes.size();
  web_response r;
  r.status = range.what == range_answer::kind::partial ? 206 : 200;
  r.content_type = file.file_name.ends_with(".mp4")   ? "video/mp4"
                   : file.file_name.ends_with(".wav") ? "audio/wav"
                                                      : "application/octet-stream";
  r.body.assign(reinterpret_cast<const char*>(bytes.data()) + first,
                reinterpret_cast<const char*>(bytes.data()) + first + length);
  r.set("Accept-Ranges", "bytes");
  if (r.status == 206) r.set("Content-Range", content_range(range, bytes.size()));
  r.set("Content-Disposition", "inline; filename=\"" + std::to_string(seq) +
                                   (file.file_name.ends_with(".wav") ? ".wav" : ".mp4") + "\"");
  r.set("X-Bodycam-Access-Entry", "access/" + registers::entry_name(entry->body));
  r.after_send = conclude;
  return r;
}

}  // namespace bodycam::console::web

// The console's request handler: one web_request in, one web_response out, with no socket in sight (the
// server in https_server.hpp only moves bytes). It logs people in, checks their session on every request,
// asks the route table whether they may, writes the access entry before any footage is shown, and renders.
// Guarantees:
//  H1. Login: the person id is a label; a locked account (lockout_store, L1) is refused before any password
//      derivation; the account file's sealed key must open with the password, the TOTP code must verify if the
//      account has a secret, and the key must be enrolled for that person with a role, valid and not revoked
//      now, and the TOTP code's step must not have been used before (L5). Each refusal counts as a failure; a
//      success clears the count. The cookie is HttpOnly,
//      SameSite=Strict, Path=/, Secure when the request came over HTTPS, and lasts session_length.
//  H2. Every other page except the static assets needs a cookie that opens under the cookie key (C1, C2); the
//      person's roles are then taken from the enrollment register as it is now, not from the cookie, so a
//      revoked person is refused at once (401).
//  H3. Every POST needs the session's CSRF token in the form field `csrf` (403 without it or with another).
//  H4. Authorization is access::is_allowed(route, roles, ownership) and nothing else (403 otherwise).
//  H5. A session page, a playback page and a file download each first append one access entry (kind access,
//      signed with the person's own key from the cookie, reference = the request's `purpose` or
//      "console view") and show nothing if that fails (503). A download also appends the outcome entry
//      (completed / failed) once the server reports whether the bytes were sent.
//  H6. Footage routes answer GET only (HEAD and others 405): a response without the bytes must not be
//      registered as a completed download.
//  H8. Two-person export (docs/formats/access-register.md §3 rule 5, tools/registers/export_approval.hpp): a
//      request is a signed access entry of the clerk; a decision is the supervisor's, refused (403, nothing
//      written) when the supervisor is the requester, whatever their roles; the download of an approved request
//      is for its requester only, builds the bundle with tools/bundle (whose access entry is stored before a
//      byte is copied, and its outcome after) and answers it as one tar archive.
//  H9. The fleet page asks each configured dock for its status with a deadline; a dock that does not answer
//      is shown unreachable, never an error page (fleet_view.hpp F1).
//  H10. Search (/search) answers from the catalogue (catalogue_cache.hpp: refreshed at start, after the
//      configured interval, and after this console wrote a note). The results are exactly the matching sessions
//      the person may open (route session_page): a person whose roles allow only their own footage gets only
//      sessions they wore the camera for or joined (store_analysis.hpp), whatever they typed; each result links
//      to its session page, which writes its own access entry. Bad input is 400 naming the field.
//  H11. A note (POST /sessions/<device>/<session>/notes) is allowed by the route table (note_add: own or other
//      session, the same "own" as footage) and by the metadata register's rule under the trusted root
//      (authorization_table::may_note A4: a clerk, or an officer of the session, the same rule); it is checked field by field
//      (note_form.hpp F1; a refusal is 400 naming the field, nothing written) and written only through
//      tools/registers' append_note, signed with the person's own key from the cookie. The original records and
//      earlier notes never change. The session page shows every field's current value and history (who, when,
//      old → new) from the notes that count (tools/catalogue/note_authority.hpp U1), and the form only to those
//      both rules let note it.
//  H12. Statistics (/statistics, /statistics.csv, /api/v1/statistics) are computed by tools/catalogue's
//      supervision_stats over the console's catalogue, refreshed from the store when due (catalogue_cache.hpp R2-R4),
//      for the scope of statistics_page.hpp Z2; the CSV is tools/catalogue's stats_csv, byte for byte what
//      `bodycam stats --csv` prints for the same sessions.
//  H13. The JSON API (/api/v1, api_routes.cpp) takes the same cookie (H2) and the same route table (H4); every
//      refusal and failure is answered as JSON (api_json.hpp J2), 401 included. It answers GET only and
//      carries no footage bytes; a session's document is a view and writes its access entry first (H5).
//  H14. The viewing copy of a session (/sessions/<device>/<session>/copy.mp4, tools/copy) is a footage route:
//      its access entry (action console_viewing_copy, the session's segments as objects) comes first, then
//      the copy is built into `work_dir`/viewing-copies — outside the store, which is only read — unless a
//      copy of exactly the same segments is there already; it is answered with Range like a file, and the
//      outcome entry follows once the server reports whether the bytes were sent. copy.mp4.manifest.json
//      answers the copy's signed manifest the same way (its own access entry first: it may build the copy).
//  H15. Retention (retention_routes.cpp) goes through tools/retention/retention_actions.hpp, the code
//      `bodycam retention` runs, so the console writes the same retention-register entries by the same checks:
//      a hold on a session from its page (hold_place); a release request of a hold in force; the expiry page's
//      dry run under the policy (minimum retention) and a request naming exactly the files it listed, refused
//      (409) when the plan changed since the page was shown; a supervisor's decision on another person's
//      request only (the requester is refused 403 on the decision page and its POST, nothing written); the
//      release or expiry carried out by the requester of an approved request (A2), the expiry deleting only
//      files the request names that are still due.
//  H7. Path parts are parsed as what they name (device id, 32-hex session id, decimal seq); anything else is
//      404, so no path can reach outside the session it names.
#pragma once

#include "common/store/store.hpp"
#include "console/access/account.hpp"
#include "console/access/lockout_store.hpp"
#include "console/access/route_policy.hpp"
#include "console/access/session_cookie.hpp"
#include "console/web/pages.hpp"
#include "console/web/statistics_page.hpp"
#include "console/web/web_message.hpp"
#include "tools/catalogue/catalogue_db.hpp"
#include "tools/audit/audit_report.hpp"
#include "tools/decryption/footage_key_chest.hpp"

#include <chrono>
#include <expected>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace bodycam::console::web {

class catalogue_cache;

struct console_context {
  common::store::store* store = nullptr;
  common::crypto::public_key root;
  const access::cookie_key* cookie_key = nullptr;
  std::filesystem::path accounts_dir;
  access::lockout_store* lockout = nullptr;
  // An account no one can open, sealed with the same limits as real ones: a login for a person without an
  // account derives a key from it too, so the answer takes as long as for a wrong password (no probing of
  // who has an account by timing). May be null (tests).
  const access::account* decoy = nullptr;
  std::chrono::hours session_length{8};
  std::function<common::record::utc_time()> clock;
  // Where bundles are built before they are sent, and viewing copies cached (viewing-copies/; a folder only
  // the console reads, outside the store); empty: the system's temporary folder.
  std::filesystem::path work_dir;
  std::vector<std::string> dock_status_urls;
  // Fetches one dock status URL (dock_status_client.hpp in the server; a fake in tests). May be empty when no
  // URL is configured.
  std::function<common::core::expected<std::string>(const std::string& url)> fetch_dock_status;
  // The catalogue search, the statistics and the API read (catalogue_cache.hpp); null: they answer 503.
  catalogue_cache* catalogue = nullptr;
  // The categories a note may set; empty: the metadata register's default list.
  std::vector<std::string> note_categories;
  // The agency footage key ([footage] of the config), for encrypted sessions; null: none configured, and their
  // playback, files and copies answer that footage is encrypted and no key is configured.
  tools::decryption::footage_key_chest* footage_keys = nullptr;
};

// The fleet page's rows, as the page and the API show them.
struct fleet_view {
  std::vector<fleet_row> cameras;
  std::vector<dock_row> docks;
};

// Who a request comes from, once H2 passed.
struct signed_in {
  std::string person;
  std::uint8_t roles = 0;
  std::string unit;
  std::shared_ptr<common::crypto::software_signer> signer;
  std::string csrf;
};

class console_handler {
 public:
  explicit console_handler(console_context context) : ctx_(std::move(context)) {}

  [[nodiscard]] web_response handle(const web_request& request);

 private:
  [[nodiscard]] web_response dispatch(const web_request& request);
  [[nodiscard]] web_response login(const web_request& request);
  [[nodiscard]] web_response logout(const web_request& request, const signed_in& who);
  [[nodiscard]] common::core::expected<signed_in> check_session(const web_request& request);
  [[nodiscard]] web_response footage(const web_request& request, const signed_in& who);
  // H7 for a file whose record carries `encrypted`: the access entry, then the file decrypted in memory with
  // ctx_.footage_keys (checked against the record), then the asked range of the plaintext.
  [[nodiscard]] web_response encrypted_download(const web_request& request, const signed_in& who,
                                                const common::record::device_id& device,
                                                const tools::audit::session_audit& session, std::uint64_t seq,
                                                const tools::audit::object_audit& file,
                                                const common::record::footage_plaintext& plaintext,
                                                const std::string& reference);
  [[nodiscard]] web_response viewing_copy(const web_request& request, const signed_in& who,
                                          const common::record::device_id& device,
                                          const tools::audit::session_audit& session, const std::string& reference,
                                          bool manifest);
  [[nodiscard]] web_response session_list(const web_request& request, const signed_in& who);
  [[nodiscard]] web_response export_request(const web_request& request, const signed_in& who);
  [[nodiscard]] web_response export_list(const signed_in& who);
  [[nodiscard]] web_response export_download(const web_request& request, const signed_in& who);
  [[nodiscard]] web_response approvals_page(const signed_in& who);
  [[nodiscard]] web_response approval_decision(const web_request& request, const signed_in& who);
  [[nodiscard]] web_response fleet_page(const signed_in& who);
  [[nodiscard]] common::core::expected<fleet_view> collect_fleet();
  [[nodiscard]] web_response statistics_page(const web_request& request, const signed_in& who);
  [[nodiscard]] web_response statistics_csv(const web_request& request, const signed_in& who);
  [[nodiscard]] common::core::expected<std::vector<tools::catalogue::stats_cell>> statistics_for(
      const signed_in& who, const stats_query& query);
  [[nodiscard]] web_response api(const web_request& request);
  [[nodiscard]] web_response api_sessions(const web_request& request, const signed_in& who);
  [[nodiscard]] web_response api_session(const web_request& request, const signed_in& who);
  [[nodiscard]] web_response api_statistics(const web_request& request, const signed_in& who);
  [[nodiscard]] web_response api_fleet(const signed_in& who);
  [[nodiscard]] web_response search(const web_request& request, const signed_in& who);
  [[nodiscard]] web_response note_add(const web_request& request, const signed_in& who);
  // The session page's notes section (H11), for a session whose ownership for `who` is `owner`.
  [[nodiscard]] std::string notes_section(const common::record::device_id& device,
                                          const tools::audit::session_audit& session, access::ownership owner,
                                          const signed_in& who);
  [[nodiscard]] std::vector<std::string> note_categories() const;
  // Retention (H15, retention_routes.cpp).
  [[nodiscard]] web_response hold_place(const web_request& request, const signed_in& who);
  [[nodiscard]] web_response release_request(const web_request& request, const signed_in& who);
  [[nodiscard]] web_response expiry_page(const signed_in& who);
  [[nodiscard]] web_response expiry_request(const web_request& request, const signed_in& who);
  [[nodiscard]] web_response retention_request(const web_request& request, const signed_in& who);
  // The session page's holds section, for a session whose ownership for `who` is `owner`.
  [[nodiscard]] std::string holds_section(const common::record::device_id& device,
                                          const tools::audit::session_audit& session, access::ownership owner,
                                          const signed_in& who);
  // The session a POST to /sessions/<device>/<session>/<action> names, looked up in a fresh analysis of the
  // store at `now` (kept in `report`, which `session` points into): 404 if the path or the session is not
  // there, 503 if the store cannot be read.
  struct posted_session {
    tools::audit::audit_report report;
    common::record::device_id device;
    common::record::session_id id;
    const tools::audit::session_audit* session = nullptr;
  };
  [[nodiscard]] std::expected<posted_session, web_response> session_of_post(const web_request& request,
                                                                            std::string_view action,
                                                                            common::record::utc_time now) const;
  // The retention rows of /approvals (HTML), or an error.
  [[nodiscard]] common::core::expected<std::string> retention_approvals_html(const signed_in& who);

  console_context ctx_;
};

// The error page every refusal uses.
[[nodiscard]] web_response error_response(unsigned status, const std::string& title, const std::string& detail);
// A page the routes rendered (pages.hpp), answered with `status`.
[[nodiscard]] web_response html_response(unsigned status, std::string body);
// 303 to `location`: where a form's POST continues (post, redirect, get).
[[nodiscard]] web_response see_other(std::string location);

}  // namespace bodycam::console::web

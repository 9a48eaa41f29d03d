// The two-person export routes of the request handler (H8 in console_handler.hpp) and the fleet page (H9): a
// clerk's export request from a session page, the clerk's list of their requests, the supervisors' approvals
// page and decisions, the download of an approved request's bundle as one tar archive, and the fleet.
#include "console/access/route_policy.hpp"
#include "console/web/console_handler.hpp"
#include "console/web/fleet_view.hpp"
#include "console/web/pages.hpp"
#include "console/web/store_analysis.hpp"
#include "tools/audit/approval_state.hpp"
#include "tools/bundle/bundle_archive.hpp"
#include "tools/bundle/bundle_export.hpp"
#include "tools/enrollment/enrollment_store.hpp"
#include "tools/registers/register_book.hpp"

#include <sodium.h>

#include <algorithm>

namespace bodycam::console::web {

namespace core = common::core;
namespace record = common::record;
namespace audit = tools::audit;
namespace registers = tools::registers;
namespace bundle = tools::bundle;
namespace fs = std::filesystem;

namespace {

web_response not_allowed() { return error_response(403, "Not allowed", "Your roles do not allow this page."); }

std::string form_field(const web_request& request, const char* name) {
  const auto form = parse_form(request.body);
  if (!form) return {};
  const auto it = form->find(name);
  return it == form->end() ? std::string() : it->second;
}

// "<clerk>.<seq>" from a path part, or nullopt (H7).
std::optional<std::string> request_name_of(std::string_view part) {
  const std::string name(part);
  if (!registers::referenced_request(registers::export_reference(name))) return std::nullopt;
  return name;
}

std::string describe_scope(const registers::register_entry& e) {
  if (e.scopes.empty()) return "nothing";
  const auto& sc = e.scopes.front();
  if (sc.session != record::session_id{}) return sc.device.str() + " session " + sc.session.to_hex().substr(0, 8);
  return sc.device.str() + " " + format_time(sc.from) + " .. " + format_time(sc.to);
}

request_row row_of(const registers::export_request_status& r, record::utc_time now, const std::string& person) {
  const auto& req = r.request->body;
  request_row row{registers::entry_name(req), req.clerk, req.reference, describe_scope(req), req.utc,
                  std::string(registers::to_string(r.state)), {}, false};
  if (r.decision != nullptr) row.decided_by = r.decision->body.clerk;
  row.downloadable = !registers::why_not_export(r, person, now).has_value();
  return row;
}

std::string department_of(const signed_in& who) { return who.unit.empty() ? std::string("console") : who.unit; }

}  // namespace

web_response console_handler::export_request(const web_request& request, const signed_in& who) {
  if (!access::is_allowed(access::route::export_request, who.roles, access::ownership::none)) return not_allowed();
  const std::string reference = form_field(request, "reference");
  if (reference.empty() || reference.size() > 1024)
    return error_response(400, "Reference needed", "Give the case or request number the export is for.");
  auto device = record::device_id::parse(form_field(request, "device"));
  const std::string session_text = form_field(request, "session");
  auto session = session_text.size() == 32 ? record::session_id::parse(session_text) : std::unexpected(core::error{});
  if (!device || !session) return error_response(404, "Not found", "No such session.");
  const auto now = ctx_.clock();
  auto report = analyse_store(*ctx_.store, now);
  if (!report) return error_response(503, "Store unavailable", report.error().context);
  const bool known = std::any_of(report->devices.begin(), report->devices.end(), [&](const audit::device_audit& d) {
    return d.device == *device && std::any_of(d.sessions.begin(), d.sessions.end(),
                                              [&](const audit::session_audit& s) { return s.session == *session; });
  });
  if (!known) return error_response(404, "Not found", "No such session.");
  registers::register_entry e;
  e.kind = registers::entry_kind::access;
  e.utc = now;
  e.department = department_of(who);
  e.reference = reference;
  e.action = std::string(registers::export_request_action);
  bundle::selection what;
  what.session = *session;
  e.scopes.push_back(bundle::request_scope(what, *device));
  auto stored = registers::append_entry(*ctx_.store, common::store::entry_namespace::access, who.person, std::move(e),
                                        *who.signer);
  if (!stored) return error_response(503, "Access register unavailable", stored.error().context);
  return see_other("/exports");
}

web_response console_handler::export_list(const signed_in& who) {
  if (!access::is_allowed(access::route::export_list, who.roles, access::ownership::none)) return not_allowed();
  auto state = audit::read_export_approvals(*ctx_.store, ctx_.root);
  if (!state) return error_response(503, "Register unavailable", state.error().context);
  const auto now = ctx_.clock();
  std::vector<request_row> rows;
  for (const auto& r : (*state)->approvals.requests)
    if (r.request->body.clerk == who.person) rows.push_back(row_of(r, now, who.person));
  return html_response(200, render_exports_page({who.person, who.roles, who.csrf}, rows));
}

web_response console_handler::approvals_page(const signed_in& who) {
  if (!access::is_allowed(access::route::approvals, who.roles, access::ownership::none)) return not_allowed();
  auto state = audit::read_export_approvals(*ctx_.store, ctx_.root);
  if (!state) return error_response(503, "Register unavailable", state.error().context);
  const auto now = ctx_.clock();
  std::vector<request_row> rows;
  for (const auto& r : (*state)->approvals.requests) rows.push_back(row_of(r, now, r.request->body.clerk));
  std::stable_sort(rows.begin(), rows.end(),
                   [](const request_row& a, const request_row& b) { return a.state == "pending" && b.state != "pending"; });
  auto retention = retention_approvals_html(who);
  if (!retention) return error_response(503, "Register unavailable", retention.error().context);
  return html_response(200, render_approvals_page({who.person, who.roles, who.csrf}, rows, *retention));
}

web_response console_handler::approval_decision(const web_request& request, const signed_in& who) {
  const auto name = request_name_of(request.path().substr(std::string_view("/approvals/").size()));
  if (!name) return error_response(404, "Not found", "No such export request.");
  const std::string decision = form_field(request, "decision");
  if (decision != "approve" && decision != "refuse")
    return error_response(400, "Decision needed", "Choose approve or refuse.");
  auto state = audit::read_export_approvals(*ctx_.store, ctx_.root);
  if (!state) return error_response(503, "Register unavailable", state.error().context);
  const auto* status = (*state)->approvals.find(*name);
  if (status == nullptr) return error_response(404, "Not found", "No such export request.");
  const bool own = status->request->body.clerk == who.person ||
                   status->request->body.clerk_key == who.signer->public_key();
  if (!access::is_allowed(access::route::approval_decision, who.roles,
                          own ? access::ownership::own : access::ownership::other))
    return error_response(403, "Not allowed",
                          own ? "This is your own request: an export needs another person's approval."
                              : "Only a supervisor may decide export requests.");
  if (auto why = registers::why_not_decide(*status, who.person, who.signer->public_key()))
    return error_response(409, "Already decided", *why);
  registers::register_entry e;
  e.kind = registers::entry_kind::access;
  e.utc = ctx_.clock();
  e.department = department_of(who);
  e.reference = status->request->body.reference;
  e.action = registers::decision_action({*name, decision == "approve"});
  e.scopes = status->request->body.scopes;
  auto stored = registers::append_entry(*ctx_.store, common::store::entry_namespace::access, who.person, std::move(e),
                                        *who.signer);
  if (!stored) return error_response(503, "Access register unavailable", stored.error().context);
  return see_other("/approvals");
}

web_response console_handler::export_download(const web_request& request, const signed_in& who) {
  // /exports/<clerk>.<seq>/bundle.tar
  std::string_view rest = request.path().substr(std::string_view("/exports/").size());
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos || rest.substr(slash) != "/bundle.tar")
    return error_response(404, "Not found", "No such export.");
  const auto name = request_name_of(rest.substr(0, slash));
  if (!name) return error_response(404, "Not found", "No such export.");
  auto state = audit::read_export_approvals(*ctx_.store, ctx_.root);
  if (!state) return error_response(503, "Register unavailable", state.error().context);
  const auto* status = (*state)->approvals.find(*name);
  if (status == nullptr) return error_response(404, "Not found", "No such export request.");
  const bool own = status->request->body.clerk == who.person;
  if (!access::is_allowed(access::route::export_download, who.roles,
                          own ? access::ownership::own : access::ownership::other))
    return error_response(403, "Not allowed", "Only the person who requested an export may download it.");
  const auto now = ctx_.clock();
  if (auto why = registers::why_not_export(*status, who.person, now)) return error_response(409, "Not approved", *why);
  auto what = bundle::selection_of_request(status->request->body);
  if (!what) return error_response(409, "Not exportable", what.error().context);

  std::array<std::uint8_t, 8> nonce{};
  randombytes_buf(nonce.data(), nonce.size());
  std::string hex;
  for (const auto b : nonce) hex += "0123456789abcdef"[b >> 4], hex += "0123456789abcdef"[b & 15];
  const fs::path work = ctx_.work_dir.empty() ? fs::temp_directory_path() : ctx_.work_dir;
  const fs::path folder = work / ("export-" + hex);
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) return error_response(503, "Export unavailable", "create " + folder.string() + ": " + ec.message());
  const auto cleanup = [&] { fs::remove_all(folder, ec); };
  bundle::export_request build;
  build.what = *what;
  build.out = folder / "bundle";
  build.clerk_id = who.person;
  build.department = department_of(who);
  build.reference = registers::export_reference(*name);
  build.now = now;
  build.footage_keys = ctx_.footage_keys;  // encrypted footage: decrypted after the export's access entry
  auto done = bundle::export_bundle(*ctx_.store, build, *who.signer);  // its access entry first, outcome after
  if (!done) {
    cleanup();
    if (done.error().code == core::errc::permission && ctx_.footage_keys == nullptr)
      return error_response(409, "Footage encrypted",
                            done.error().context + ". No footage key is configured on this console ([footage] in "
                            "its configuration); the agency's key holder can export it with bodycam export.");
    return error_response(503, "Export failed", done.error().context);
  }
  const std::string top = "bundle-" + *name;
  auto archive = bundle::archive_bundle(done->bundle, top);
  cleanup();
  if (!archive) return error_response(503, "Export failed", archive.error().context);
  web_response r;
  r.content_type = "application/x-tar";
  r.body = std::move(*archive);
  r.set("Content-Disposition", "attachment; filename=\"" + top + ".tar\"");
  r.set("X-Bodycam-Access-Entry", done->access_entry);
  return r;
}

core::expected<fleet_view> console_handler::collect_fleet() {
  const auto now = ctx_.clock();
  auto report = analyse_store(*ctx_.store, now);
  if (!report) return std::unexpected(report.error());
  auto reg = tools::enrollment::load_register(*ctx_.store, ctx_.root);
  if (!reg) return core::wrap("read the enrollment register", reg.error());
  const auto cameras = reg->table.grants_of(tools::enrollment::subject_kind::camera);
  const auto fleet = audit::build_fleet(cameras, *report, now);
  std::vector<dock_reading> docks;
  for (const auto& url : ctx_.dock_status_urls) {
    if (!ctx_.fetch_dock_status) {
      docks.push_back(read_dock_status(url, core::fail(core::errc::unsupported, "no client to fetch it")));
      continue;
    }
    docks.push_back(read_dock_status(url, ctx_.fetch_dock_status(url)));  // H9
  }
  fleet_view view;
  for (const auto& d : docks) view.docks.push_back(d.row);
  view.cameras = build_fleet_rows(fleet, *report, docks, now);
  return view;
}

web_response console_handler::fleet_page(const signed_in& who) {
  if (!access::is_allowed(access::route::fleet, who.roles, access::ownership::none)) return not_allowed();
  auto view = collect_fleet();
  if (!view) return error_response(503, "Fleet unavailable", view.error().context);
  return html_response(200, render_fleet_page({who.person, who.roles, who.csrf}, view->cameras, view->docks));
}

}  // namespace bodycam::console::web

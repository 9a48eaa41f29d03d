// Holds, releases and expiry on a store (retention_actions.hpp): the code `bodycam retention` and the console share.
#include "tools/retention/retention_actions.hpp"

#include "common/record/record_json.hpp"
#include "tools/audit/approval_state.hpp"
#include "tools/registers/hold_release.hpp"

#include <algorithm>
#include <set>
#include <type_traits>

namespace bodycam::tools::retention {

namespace core = common::core;
namespace store = common::store;

approved_request::approved_request() = default;
approved_request::approved_request(approved_request&&) noexcept = default;
approved_request& approved_request::operator=(approved_request&&) noexcept = default;
approved_request::~approved_request() = default;

namespace {

std::string without_prefix(std::string_view name) {
  if (name.starts_with("retention/")) name.remove_prefix(std::string_view("retention/").size());
  return std::string(name);
}

std::vector<registers::scope> hold_scopes(const std::vector<hold>& in_force, const hold& held) {
  std::vector<registers::scope> scopes;
  for (const auto& h : in_force)
    if (h.entry == held.entry) {
      registers::scope sc;
      sc.device = h.device;
      sc.session = h.session;
      sc.from = h.from;
      sc.to = h.to;
      scopes.push_back(sc);
    }
  return scopes;
}

registers::register_entry draft(registers::entry_kind kind, const signing_clerk& clerk, std::string reference,
                                std::string action) {
  registers::register_entry e;
  e.kind = kind;
  e.utc = clerk.now;
  e.department = clerk.department;
  e.reference = std::move(reference);
  e.action = std::move(action);
  return e;
}

}  // namespace

core::expected<std::vector<media_item>> stored_media(const store::store& s, std::vector<known_session>* sessions,
                                                     std::vector<media_item>* records) {
  std::vector<media_item> items;
  auto walked =
      s.for_each_record([&](const record::device_id& device, std::uint64_t seq, core::byte_view bytes) -> core::status {
        auto r = record::parse_signed_record(bytes);
        if (!r) return core::wrap("record " + std::to_string(seq) + " of " + device.str(), r.error());
        media_item item{device, {}, seq, {}, {}, 0, r->body.utc.time};
        if (records) {
          media_item rec = item;
          std::visit(
              [&](const auto& payload) {
                if constexpr (requires { payload.session; })
                  if constexpr (std::is_same_v<std::remove_cvref_t<decltype(payload.session)>, record::session_id>)
                    rec.session = payload.session;
              },
              r->body.body);
          records->push_back(std::move(rec));
        }
        if (sessions) {
          if (const auto* st = std::get_if<record::session_start_payload>(&r->body.body))
            sessions->push_back({device, st->session});
          else if (const auto* sg = std::get_if<record::segment_payload>(&r->body.body))
            sessions->push_back({device, sg->session});
        }
        if (const auto* sg = std::get_if<record::segment_payload>(&r->body.body)) {
          item.session = sg->session;
          item.file_name = sg->file_name;
          item.sha256 = sg->file_sha256;
          item.byte_length = sg->byte_length;
        } else if (const auto* a = std::get_if<record::annotation_payload>(&r->body.body);
                   a && a->status != record::annotation_status::missing) {
          item.session = a->session;
          item.file_name = a->file_name;
          item.sha256 = a->file_sha256;
          item.byte_length = a->byte_length;
        } else if (const auto* p = std::get_if<record::photo_payload>(&r->body.body)) {
          item.session = p->session;
          item.file_name = p->file_name;
          item.sha256 = p->file_sha256;
          item.byte_length = p->byte_length;
        } else {
          return {};
        }
        auto present = s.has_object(item.sha256);
        if (!present) return std::unexpected(present.error());
        if (*present) items.push_back(std::move(item));
        return {};
      });
  if (!walked) return std::unexpected(walked.error());
  return items;
}

std::vector<hold> holds_in_force(const registers::register_book& book) {
  std::set<std::string> released;
  for (const auto& c : book.clerks)
    for (const auto& e : c.entries)
      if (e.body.kind == registers::entry_kind::hold)
        if (auto h = registers::released_hold(e.body.action)) released.insert(*h);
  std::vector<hold> holds;
  for (const auto& c : book.clerks)
    for (const auto& e : c.entries)
      if (e.body.kind == registers::entry_kind::hold && registers::is_hold_reason(e.body.action) &&
          !released.contains(registers::entry_name(e.body)))
        for (const auto& sc : e.body.scopes)
          holds.push_back(
              {"retention/" + registers::entry_name(e.body), e.body.action, sc.device, sc.session, sc.from, sc.to});
  return holds;
}

core::expected<std::vector<hold>> read_holds_in_force(const store::store& s, const std::string& nothing) {
  auto book = registers::read_register(s, store::entry_namespace::retention);
  if (!book) return std::unexpected(book.error());
  if (!book->is_intact())  // A4
    return core::fail(core::errc::corrupt, "the retention register does not verify (" + book->findings.front().code +
                                               " at " + book->findings.front().entry + "); " + nothing);
  return holds_in_force(*book);
}

std::optional<hold> find_hold(const std::vector<hold>& in_force, std::string_view name) {
  const std::string entry = "retention/" + without_prefix(name);
  const auto held = std::find_if(in_force.begin(), in_force.end(), [&](const hold& h) { return h.entry == entry; });
  if (held == in_force.end()) return std::nullopt;
  return *held;
}

core::expected<placed_hold> place_hold(store::store& s, const hold_wanted& wanted, const signing_clerk& clerk) {
  if (!registers::is_hold_reason(wanted.reason))
    return core::fail(core::errc::invalid_argument,
                      "hold reason '" + wanted.reason + "': expected evidence, complaint, major_incident or legal_hold");
  std::vector<known_session> sessions;
  auto items = stored_media(s, &sessions);
  if (!items) return std::unexpected(items.error());
  registers::scope sc;
  sc.device = wanted.device;
  sc.from = wanted.from;
  sc.to = wanted.to;
  if (!wanted.session.empty()) {
    // A session another device recorded is named as such rather than reported unknown.
    auto session = resolve_session_prefix(wanted.session, sessions, std::nullopt);
    if (!session) return std::unexpected(session.error());
    sc.session = *session;
  }
  auto devices = s.list_devices();
  if (!devices) return std::unexpected(devices.error());
  auto in_force = read_holds_in_force(s, "no hold placed");
  if (!in_force) return std::unexpected(in_force.error());
  const hold asked{"", wanted.reason, sc.device, sc.session, sc.from, sc.to};
  auto coverage = check_hold_scope(asked, *devices, sessions, *items, *in_force);  // A1
  if (!coverage) return std::unexpected(coverage.error());
  auto e = draft(registers::entry_kind::hold, clerk, wanted.reference, wanted.reason);
  e.scopes.push_back(sc);
  auto stored = registers::append_entry(s, store::entry_namespace::retention, clerk.id, std::move(e), *clerk.signer);
  if (!stored) return core::wrap("write the hold", stored.error());
  placed_hold out{std::move(*stored), asked, *coverage};
  out.placed.entry = "retention/" + registers::entry_name(out.entry.body);
  return out;
}

core::expected<requested_release> request_release(store::store& s, std::string_view hold_name,
                                                  const std::string& reference, const signing_clerk& clerk) {
  if (reference.empty())
    return core::fail(core::errc::invalid_argument, "a release request needs a reference: why the hold ends");
  const std::string name = without_prefix(hold_name);
  auto in_force = read_holds_in_force(s, "no release requested");
  if (!in_force) return std::unexpected(in_force.error());
  const auto held = find_hold(*in_force, name);
  if (!held)
    return core::fail(core::errc::not_found,
                      "hold retention/" + name + ": no hold in force has that name; no release requested");
  auto e = draft(registers::entry_kind::hold, clerk, reference, registers::release_request_action(name));
  e.scopes = hold_scopes(*in_force, *held);
  auto stored = registers::append_entry(s, store::entry_namespace::retention, clerk.id, std::move(e), *clerk.signer);
  if (!stored) return core::wrap("write the release request of hold retention/" + name, stored.error());
  return requested_release{std::move(*stored), *held};
}

std::expected<approved_request, refusal> find_approved_request(const store::store& s,
                                                               const common::crypto::public_key& root,
                                                               std::string_view name, request_kind kind,
                                                               const std::string& clerk_id, record::utc_time now,
                                                               std::string_view nothing) {
  approved_request out;
  out.name = without_prefix(name);
  auto approvals = kind == request_kind::release ? audit::read_release_approvals(s, root)
                                                 : audit::read_expiry_approvals(s, root);
  if (!approvals) return std::unexpected(refusal{approvals.error().context, true});
  out.approvals = std::move(*approvals);
  out.status = out.approvals->approvals.find(out.name);
  const std::string what = kind == request_kind::release ? "hold release" : "expiry";
  if (out.status == nullptr)
    return std::unexpected(refusal{"retention/" + out.name + ": no " + what + " request has that name; " +
                                   std::string(nothing)});
  if (auto why = registers::why_not_export(*out.status, clerk_id, now))  // A2
    return std::unexpected(refusal{*why + "; " + std::string(nothing)});
  return out;
}

std::expected<released_hold, refusal> release_approved(store::store& s, const common::crypto::public_key& root,
                                                       std::string_view name, const signing_clerk& clerk) {
  auto approved =
      find_approved_request(s, root, name, request_kind::release, clerk.id, clerk.now, "no hold released");
  if (!approved) return std::unexpected(approved.error());
  const auto* status = approved->status;
  const auto hold_name = *registers::hold_of_release_request(status->request->body.action);
  auto in_force = read_holds_in_force(s, "no hold released");
  if (!in_force) return std::unexpected(refusal{in_force.error().context, true});
  const auto held = find_hold(*in_force, hold_name);
  if (!held) return std::unexpected(refusal{"hold retention/" + hold_name + " is no longer in force; nothing released"});
  auto e = draft(registers::entry_kind::hold, clerk, registers::export_reference(approved->name),
                 registers::release_action(hold_name));
  e.scopes = hold_scopes(*in_force, *held);
  auto stored = registers::append_entry(s, store::entry_namespace::retention, clerk.id, std::move(e), *clerk.signer);
  if (!stored) return std::unexpected(refusal{"release not written: " + stored.error().context});
  return released_hold{std::move(*stored), approved->name, hold_name, held->reason, status->decision->body.clerk};
}

core::expected<std::vector<decision>> expiry_plan(const store::store& s, record::utc_time now,
                                                  std::chrono::days keep_for) {
  auto holds = read_holds_in_force(s, "nothing expired");  // holds that cannot be trusted make deletion unsafe
  if (!holds) return std::unexpected(holds.error());
  auto items = stored_media(s);
  if (!items) return std::unexpected(items.error());
  return decide(*items, *holds, now, keep_for);
}

std::vector<const decision*> due_files(const std::vector<decision>& plan) {
  std::vector<const decision*> due;
  for (const auto& d : plan)
    if (d.result == outcome::expire) due.push_back(&d);
  return due;
}

std::vector<registers::scope> session_scopes(const std::vector<const decision*>& files) {
  std::vector<registers::scope> scopes;
  std::set<std::pair<record::device_id, record::session_id>> seen;
  for (const auto* d : files)
    if (seen.insert({d->item.device, d->item.session}).second) {
      registers::scope sc;
      sc.device = d->item.device;
      sc.session = d->item.session;
      scopes.push_back(sc);
    }
  return scopes;
}

core::expected<registers::signed_entry> request_expiry(store::store& s, const std::vector<const decision*>& due,
                                                       const std::string& reference, const signing_clerk& clerk) {
  if (reference.empty())
    return core::fail(core::errc::invalid_argument, "an expiry request needs a reference (the policy or case)");
  if (due.empty()) return core::fail(core::errc::not_found, "no file is due: no expiry requested");
  auto e = draft(registers::entry_kind::expiry, clerk, reference, std::string(registers::expiry_request_action));
  for (const auto* d : due) e.objects.push_back({d->item.sha256, d->item.byte_length});
  e.scopes = session_scopes(due);
  auto stored = registers::append_entry(s, store::entry_namespace::retention, clerk.id, std::move(e), *clerk.signer);
  if (!stored) return core::wrap("write the expiry request (nothing deleted)", stored.error());
  return stored;
}

std::expected<expiry_result, refusal> expire_approved(store::store& s, const common::crypto::public_key& root,
                                                      std::string_view name, const std::vector<decision>& plan,
                                                      int days, const signing_clerk& clerk) {
  auto approved = find_approved_request(s, root, name, request_kind::expiry, clerk.id, clerk.now, "nothing expired");
  if (!approved) return std::unexpected(approved.error());
  const auto* status = approved->status;
  const auto& requested = status->request->body.objects;
  expiry_result out;
  out.request = approved->name;
  out.approver = status->decision->body.clerk;
  std::vector<const decision*> deleting;
  for (const auto& d : plan) {
    const registers::object_ref ref{d.item.sha256, d.item.byte_length};
    const bool in_request = std::find(requested.begin(), requested.end(), ref) != requested.end();
    if (!in_request) {
      if (d.result == outcome::expire) ++out.unrequested;
      continue;
    }
    if (d.result == outcome::expire)
      deleting.push_back(&d);
    else if (d.result == outcome::keep_held)
      ++out.held;
    else
      ++out.young;
  }
  if (deleting.empty()) return out;
  auto e = draft(registers::entry_kind::expiry, clerk, registers::export_reference(approved->name),
                 "retention " + std::to_string(days) + " days");
  if (e.department.empty()) e.department = status->request->body.department;
  for (const auto* d : deleting) e.objects.push_back({d->item.sha256, d->item.byte_length});
  e.scopes = session_scopes(deleting);
  // The signed event first; only then the deletions it records.
  auto stored = registers::append_entry(s, store::entry_namespace::retention, clerk.id, std::move(e), *clerk.signer);
  if (!stored) return std::unexpected(refusal{"expiry event not written, nothing deleted: " + stored.error().context});
  const std::string event = registers::entry_name(stored->body);
  for (const auto& o : stored->body.objects) {
    auto ok = s.remove_expired_object(o.sha256, event);
    if (!ok && ok.error().code != core::errc::not_found)
      return std::unexpected(refusal{"expiry retention/" + event + ": " + ok.error().context});
    ++out.removed;
  }
  out.event = std::move(*stored);
  return out;
}

}  // namespace bodycam::tools::retention

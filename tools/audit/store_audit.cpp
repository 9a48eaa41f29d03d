#include "tools/audit/store_audit.hpp"

#include "tools/audit/store_findings.hpp"
#include "tools/audit/interruptions.hpp"

#include "common/receipt/receipt.hpp"
#include "common/store/record_inputs.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <vector>

namespace bodycam::tools::audit {

namespace store = common::store;
namespace core = common::core;

std::string_view to_string(object_state s) noexcept {
  switch (s) {
    case object_state::verified: return "verified";
    case object_state::present: return "present";
    case object_state::missing: return "missing";
    case object_state::expired: return "expired";
    case object_state::mismatch: return "mismatch";
    case object_state::not_applicable: return "not_applicable";
  }
  return "unknown";
}

std::string_view to_string(statement_need n) noexcept {
  switch (n) {
    case statement_need::present: return "present";
    case statement_need::missing: return "missing";
    case statement_need::not_needed: return "not_needed";
    case statement_need::session_ended: return "session_ended";
    case statement_need::not_resumed: return "not_resumed";
  }
  return "unknown";
}

chain::verdict worse_of(chain::verdict a, chain::verdict b) noexcept {
  auto rank = [](chain::verdict v) {
    switch (v) {
      case chain::verdict::authentic: return 0;
      case chain::verdict::authentic_with_gaps: return 1;
      case chain::verdict::cannot_verify: return 2;
      case chain::verdict::not_authentic: return 3;
    }
    return 3;
  };
  return rank(a) >= rank(b) ? a : b;
}

std::string_view to_string(clock_change c) noexcept {
  switch (c) {
    case clock_change::none: return "none";
    case clock_change::set_within_boot: return "set_within_boot";
    case clock_change::behind_previous_boot: return "behind_previous_boot";
  }
  return "unknown";
}

bool in_sample(const crypto::sha256_digest& digest, std::uint32_t slice, std::uint32_t slices) noexcept {
  if (slices <= 1) return true;
  const std::uint32_t v = (std::uint32_t{digest.bytes[0]} << 24) | (std::uint32_t{digest.bytes[1]} << 16) |
                          (std::uint32_t{digest.bytes[2]} << 8) | std::uint32_t{digest.bytes[3]};
  return v % slices == slice - 1;
}

namespace {

// How the clock changed from `previous` to `r` (the records in seq order; nullptr for the first one).
std::pair<clock_change, std::chrono::milliseconds> clock_change_at(const record::record* previous,
                                                                   const record::record& r) {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  if (previous == nullptr) return {clock_change::none, milliseconds(0)};
  const auto utc_moved = duration_cast<milliseconds>(r.utc.time - previous->utc.time);
  if (previous->boot_counter != r.boot_counter) {
    if (utc_moved < milliseconds(0)) return {clock_change::behind_previous_boot, utc_moved};
    return {clock_change::none, milliseconds(0)};
  }
  const auto step = utc_moved - duration_cast<milliseconds>(r.monotonic - previous->monotonic);
  if (step > clock_step_threshold || step < -clock_step_threshold) return {clock_change::set_within_boot, step};
  return {clock_change::none, milliseconds(0)};
}

struct context {
  const store::store& s;
  const audit_options& options;
  std::set<crypto::sha256_digest> expired;
  audit_options::progress progress;
};

// Invariants 1 and 3 for one file, decided by check_stored_object (the same as `bodycam verify STORE`).
core::status check_object(context& ctx, object_audit& o, device_audit& d) {
  const bool rehash = in_sample(o.sha256, ctx.options.sample_slice, ctx.options.sample_slices);
  auto c = check_stored_object(ctx.s, o.sha256, o.byte_length, rehash);
  if (!c) return std::unexpected(c.error());
  ++ctx.progress.files;
  if (rehash) ctx.progress.bytes += o.byte_length;
  if (ctx.options.on_progress) ctx.options.on_progress(ctx.progress);
  o.state = c->state;
  if (!c->problem) return {};
  if (c->state == object_state::missing && ctx.expired.contains(o.sha256)) {
    o.state = object_state::expired;
    o.detail = "expired under policy";
    return {};
  }
  o.detail = c->detail;
  store_finding f{*c->problem, d.device, o.seq, std::nullopt, o.sha256, o.file_name, {}, c->detail};
  d.problems.push_back(std::string(to_string(f.code)) + ": " + object_place(f) +
                       (f.code == store_reason::object_missing ? "" : ": " + f.detail));
  d.store_findings.push_back(std::move(f));
  return {};
}

void place_in_receipts(const context& ctx, object_audit& o, const device_audit& d) {
  for (const auto& r : d.receipts)
    if (r.problem.empty() && r.first_seq <= o.seq && o.seq < r.end_seq) {
      if (!o.stored_utc || r.stored_utc < *o.stored_utc) o.stored_utc = r.stored_utc;
    }
  if (o.stored_utc) {
    o.upload_delay = *o.stored_utc - o.recorded_utc;
    o.late = *o.upload_delay > ctx.options.late_after;
  } else {
    o.late = ctx.options.now - o.recorded_utc > ctx.options.late_after;  // not confirmed stored in time
  }
}

session_audit& session_for(device_audit& d, const record::session_id& id, std::uint64_t seq, record::utc_time utc) {
  for (auto& s : d.sessions)
    if (s.session == id) return s;
  session_audit s;
  s.session = id;
  s.first_seq = seq;
  s.last_seq = seq;
  s.start_utc = utc;
  d.sessions.push_back(std::move(s));
  return d.sessions.back();
}

core::expected<device_audit> audit_device(context& ctx, const record::device_id& device,
                                          const std::vector<std::string>& receipt_names) {
  device_audit d;
  d.device = device;
  auto key = ctx.s.get_public_key(device);
  auto inputs = store::read_record_inputs(ctx.s, device);
  if (!inputs) {
    // A stored record the store itself finds corrupt (e.g. larger than any record may be) is the device's
    // problem, not the end of the audit.
    if (inputs.error().code != core::errc::corrupt) return std::unexpected(inputs.error());
    d.problems.push_back("record_unreadable: " + inputs.error().context);
    d.verdict = chain::verdict::not_authentic;
    return d;
  }
  if (!key) {
    d.problems.push_back("no enrolled key: " + key.error().context);
    d.verdict = chain::verdict::cannot_verify;
    return d;
  }
  d.key = key->key;
  chain::verify_options verify{device, key->key, true, std::nullopt};
  verify.signatures.jobs = ctx.options.jobs;
  d.chain = chain::verify_chain(*inputs, verify);
  auto receipts = read_device_receipts(ctx.s, device, receipt_names);
  if (!receipts) return std::unexpected(receipts.error());
  d.receipts = std::move(*receipts);
  for (const auto& r : d.receipts)
    if (!r.problem.empty()) d.problems.push_back("receipt receipts/" + r.name + ": " + r.problem);

  std::optional<std::uint32_t> boot;
  const record::record* previous = nullptr;
  std::map<std::uint64_t, record::session_id> automatic_stops;  // seq of each automatic session_stop
  for (const auto& rr : d.chain.records) {
    if (!rr.parsed || rr.parsed->body.device != device) continue;
    const auto& r = rr.parsed->body;
    const auto seq = r.seq;
    const auto change = clock_change_at(previous, r);
    previous = &r;
    if (!boot || *boot != r.boot_counter) {
      boot = r.boot_counter;
      d.clock.push_back({seq, r.utc.time, r.utc.source, r.utc.error_bound, std::nullopt, {}, change.first, change.second});
    } else if (change.first != clock_change::none) {
      d.clock.push_back({seq, r.utc.time, r.utc.source, r.utc.error_bound, std::nullopt, {}, change.first, change.second});
    }
    if (const auto* p = std::get_if<record::precheck_payload>(&r.body)) {
      precheck_audit pa{seq, r.utc.time, p->outcome, {}};
      for (const auto& item : p->items)
        if (item.status != record::check_status::ok) pa.warnings.push_back(item);
      d.prechecks.push_back(std::move(pa));
    } else if (const auto* t = std::get_if<record::timesync_payload>(&r.body)) {
      d.clock.push_back({seq, r.utc.time, r.utc.source, r.utc.error_bound, t->offset, t->dock_id});
    } else if (const auto* st = std::get_if<record::session_start_payload>(&r.body)) {
      auto& s = session_for(d, st->session, seq, r.utc.time);
      s.officer_id = st->officer_id;
      s.first_seq = std::min(s.first_seq, seq);
      s.start_utc = r.utc.time;
      s.pre_event = st->pre_event;
    } else if (const auto* rs = std::get_if<record::session_resume_payload>(&r.body)) {
      auto& s = session_for(d, rs->session, seq, r.utc.time);
      s.last_seq = std::max(s.last_seq, seq);
      s.resumes.push_back({seq, rs->resumes_seq, r.utc.time, rs->trigger, rs->pre_event});
      const auto named = automatic_stops.find(rs->resumes_seq);
      if (named == automatic_stops.end() || named->second != rs->session)
        s.notes.push_back("the resume at record " + std::to_string(seq) + " names record " +
                          std::to_string(rs->resumes_seq) + ", which is not an automatic stop of this session");
      // The session is open again until its next session_stop.
      s.stop_utc.reset();
      s.stop_reason.reset();
      s.stop_detail.clear();
    } else if (const auto* sg = std::get_if<record::segment_payload>(&r.body)) {
      auto& s = session_for(d, sg->session, seq, r.utc.time);
      s.last_seq = std::max(s.last_seq, seq);
      object_audit o;
      o.seq = seq;
      o.file_name = sg->file_name;
      o.sha256 = sg->file_sha256;
      o.byte_length = sg->byte_length;
      o.recorded_utc = r.utc.time;
      o.salvaged = sg->closed_by == record::close_reason::power_loss_recovered;
      o.unsigned_tail_bytes = sg->unsigned_tail_bytes;
      s.segments.push_back(std::move(o));
    } else if (const auto* a = std::get_if<record::annotation_payload>(&r.body)) {
      auto& s = session_for(d, a->session, seq, r.utc.time);
      s.last_seq = std::max(s.last_seq, seq);
      statement_audit sa{seq, a->purpose, a->status, a->speech_present, a->speech, {}};
      sa.file.seq = seq;
      sa.file.file_name = a->file_name;
      sa.file.sha256 = a->file_sha256;
      sa.file.byte_length = a->byte_length;
      sa.file.recorded_utc = r.utc.time;
      sa.file.state =
          a->status == record::annotation_status::missing ? object_state::not_applicable : object_state::missing;
      s.statements.push_back(std::move(sa));
    } else if (const auto* i = std::get_if<record::interruption_payload>(&r.body)) {
      gap_audit g{seq, i->reason, i->from, i->to, i->detail, false};
      if (i->session.is_none()) {
        d.idle_gaps.push_back(std::move(g));
      } else {
        auto& s = session_for(d, i->session, seq, r.utc.time);
        s.last_seq = std::max(s.last_seq, seq);
        s.gaps.push_back(std::move(g));
      }
    } else if (const auto* ac = std::get_if<record::action_payload>(&r.body)) {
      auto& s = session_for(d, ac->session, seq, r.utc.time);
      s.last_seq = std::max(s.last_seq, seq);
      s.actions.push_back({seq, r.utc.time, ac->action, ac->case_number});
    } else if (const auto* mk = std::get_if<record::mark_payload>(&r.body)) {
      auto& s = session_for(d, mk->session, seq, r.utc.time);
      s.last_seq = std::max(s.last_seq, seq);
      s.marks.push_back({seq, r.utc.time, mk->label});
    } else if (const auto* ph = std::get_if<record::photo_payload>(&r.body)) {
      auto& s = session_for(d, ph->session, seq, r.utc.time);
      s.last_seq = std::max(s.last_seq, seq);
      object_audit o;
      o.seq = seq;
      o.file_name = ph->file_name;
      o.sha256 = ph->file_sha256;
      o.byte_length = ph->byte_length;
      o.recorded_utc = r.utc.time;
      s.photos.push_back(std::move(o));
    } else if (const auto* of = std::get_if<record::officer_payload>(&r.body)) {
      auto& s = session_for(d, of->session, seq, r.utc.time);
      s.last_seq = std::max(s.last_seq, seq);
      s.officer_changes.push_back({seq, r.utc.time, of->officer_id, of->change});
    } else if (const auto* pl = std::get_if<record::place_payload>(&r.body)) {
      auto& s = session_for(d, pl->session, seq, r.utc.time);
      s.last_seq = std::max(s.last_seq, seq);
      s.places.push_back({seq, r.utc.time, *pl});
    } else if (const auto* sp = std::get_if<record::session_stop_payload>(&r.body)) {
      auto& s = session_for(d, sp->session, seq, r.utc.time);
      s.last_seq = std::max(s.last_seq, seq);
      s.stop_utc = r.utc.time;
      s.stop_reason = sp->reason;
      s.stop_detail = sp->detail;
      s.stop_seqs.push_back(seq);
      if (sp->reason == record::stop_reason::low_battery || sp->reason == record::stop_reason::storage_full ||
          sp->reason == record::stop_reason::fault)
        automatic_stops[seq] = sp->session;
    }
  }

  for (auto& s : d.sessions) {
    for (auto& o : s.segments) {
      if (auto ok = check_object(ctx, o, d); !ok) return std::unexpected(ok.error());
      place_in_receipts(ctx, o, d);
      if (o.late) ++d.late_count;
    }
    for (auto& st : s.statements) {
      if (st.file.state != object_state::not_applicable)
        if (auto ok = check_object(ctx, st.file, d); !ok) return std::unexpected(ok.error());
    }
    for (auto& o : s.photos)
      if (auto ok = check_object(ctx, o, d); !ok) return std::unexpected(ok.error());
    auto statement_note = [&](record::annotation_purpose purpose, const char* name) {
      const auto it = std::find_if(s.statements.begin(), s.statements.end(),
                                   [&](const statement_audit& a) { return a.purpose == purpose; });
      if (it == s.statements.end() || it->status == record::annotation_status::missing)
        s.notes.push_back(std::string(name) + " statement missing");
      else if (!it->speech_present)
        s.notes.push_back(std::string(name) + " statement has no speech");
    };
    statement_note(record::annotation_purpose::start, "start");
    // The camera asks for a stop statement only when the officer stops; an automatic stop asks for none.
    const bool stop_statement_given = std::any_of(s.statements.begin(), s.statements.end(), [](const auto& a) {
      return a.purpose == record::annotation_purpose::stop;
    });
    if (!s.stop_utc)
      s.notes.push_back("no session_stop record: the session has not ended in this store");
    else if (s.stop_reason == record::stop_reason::officer_end || stop_statement_given)
      statement_note(record::annotation_purpose::stop, "stop");
    explain_interruptions(s);
  }
  // Every record and file a verified receipt covers must be in the store (store_findings.hpp, invariants 2-3).
  const bool rehash_all = ctx.options.sample_slices <= 1;
  auto coverage = check_receipt_coverage(ctx.s, device, d.chain, d.receipts, ctx.expired, rehash_all);
  if (!coverage) return std::unexpected(coverage.error());
  for (auto& f : *coverage) {
    const bool about_object = f.object.has_value();
    d.problems.push_back(std::string(to_string(f.code)) + ": " + (about_object ? object_place(f) + ": " : "") +
                         describe(f));
    d.store_findings.push_back(std::move(f));
  }

  // Invariant 1.
  d.verdict = d.chain.result;
  bool expired = false;
  for (const auto& s : d.sessions) {
    for (const auto& o : s.segments) expired = expired || o.state == object_state::expired;
    for (const auto& st : s.statements) expired = expired || st.file.state == object_state::expired;
  }
  if (!d.problems.empty()) d.verdict = worse_of(d.verdict, chain::verdict::not_authentic);
  if (expired) d.verdict = worse_of(d.verdict, chain::verdict::authentic_with_gaps);
  return d;
}

}  // namespace

core::expected<audit_report> audit_store(const store::store& s, const audit_options& options) {
  audit_report report;
  report.store = s.describe();
  report.generated_utc = options.now;
  report.sample_slice = options.sample_slice;
  report.sample_slices = options.sample_slices;
  context ctx{s, options, {}, {}};

  auto access = registers::read_register(s, store::entry_namespace::access);
  if (!access) return std::unexpected(access.error());
  auto retention = registers::read_register(s, store::entry_namespace::retention);
  if (!retention) return std::unexpected(retention.error());
  ctx.expired = expired_objects(*retention);
  report.access = std::move(*access);
  report.retention = std::move(*retention);

  auto receipt_names = s.list_entries(store::entry_namespace::receipts);
  if (!receipt_names) return std::unexpected(receipt_names.error());
  auto devices = s.list_devices();
  if (!devices) return std::unexpected(devices.error());
  report.verdict = devices->empty() ? chain::verdict::cannot_verify : chain::verdict::authentic;
  ctx.progress.device_count = devices->size();
  for (const auto& device : *devices) {
    if (options.only_devices && !options.only_devices(device)) continue;
    ctx.progress.device = device.str();
    ++ctx.progress.device_index;
    auto d = audit_device(ctx, device, *receipt_names);
    if (!d) return std::unexpected(d.error());
    report.verdict = worse_of(report.verdict, d->verdict);
    report.devices.push_back(std::move(*d));
  }
  // Invariant 2: a register that does not verify makes the store not authentic.
  if (!report.access->is_intact() || !report.retention->is_intact())
    report.verdict = worse_of(report.verdict, chain::verdict::not_authentic);
  return report;
}

}  // namespace bodycam::tools::audit

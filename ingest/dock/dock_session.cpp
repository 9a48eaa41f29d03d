// One docking of one camera: the steps and invariants are in dock_session.hpp.
#include "ingest/dock/dock_session.hpp"

#include "common/chain/checkpoint.hpp"
#include "common/core/parallel_map.hpp"
#include "common/chain/verifier.hpp"
#include "common/receipt/receipt.hpp"
#include "common/store/record_inputs.hpp"
#include "ingest/dock/file_fetcher.hpp"
#include "ingest/dock/fragment_check.hpp"

#include <algorithm>
#include <chrono>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <set>

namespace bodycam::ingest::dock {

namespace core = common::core;
namespace crypto = common::crypto;
namespace chain = common::chain;
namespace msg = common::offload;
namespace record = common::record;
namespace store = common::store;
namespace receipt = common::receipt;

std::string_view to_string(alarm_kind kind) noexcept {
  switch (kind) {
    case alarm_kind::unknown_camera: return "unknown_camera";
    case alarm_kind::chain_refused: return "chain_refused";
    case alarm_kind::chain_rolled_back: return "chain_rolled_back";
    case alarm_kind::chain_forked: return "chain_forked";
    case alarm_kind::file_quarantined: return "file_quarantined";
    case alarm_kind::store_full: return "store_full";
    case alarm_kind::store_failed: return "store_failed";
    case alarm_kind::store_unreachable: return "store_unreachable";
    case alarm_kind::log_failed: return "log_failed";
  }
  return "unknown";
}

namespace {

// The camera's answer of type T, or its error, or `malformed` if it answered something else.
template <class T>
core::expected<T> ask(camera_port& camera, const msg::message& request) {
  auto response = camera.exchange(request);
  if (!response) return std::unexpected(response.error());
  if (auto* e = std::get_if<msg::error_response>(&*response)) return std::unexpected(msg::to_error(*e));
  if (auto* t = std::get_if<T>(&*response)) return std::move(*t);
  return core::fail(core::errc::malformed, "camera " + camera.describe() + " answered " +
                                               std::string(msg::to_string(msg::type_of(*response))) + " to " +
                                               std::string(msg::to_string(msg::type_of(request))));
}

// The file a record describes, if any (segments, recorded annotations, photos).
std::optional<file_expectation> file_of(const record::signed_record& r) {
  file_expectation f;
  f.device = r.body.device;
  f.record_seq = r.body.seq;
  if (const auto* s = std::get_if<record::segment_payload>(&r.body.body)) {
    f.file_name = s->file_name;
    f.byte_length = s->byte_length;
    f.sha256 = s->file_sha256;
  } else if (const auto* a = std::get_if<record::annotation_payload>(&r.body.body)) {
    f.file_name = a->file_name;
    f.byte_length = a->byte_length;
    f.sha256 = a->file_sha256;
  } else if (const auto* p = std::get_if<record::photo_payload>(&r.body.body)) {
    f.file_name = p->file_name;
    f.byte_length = p->byte_length;
    f.sha256 = p->file_sha256;
  } else {
    return std::nullopt;
  }
  if (f.file_name.empty()) return std::nullopt;
  return f;
}

struct receipt_name {
  std::string name;
  std::uint64_t first = 0;
  std::uint64_t end = 0;
};

// receipts/<device>.<first>-<end> of this device, by end.
core::expected<std::vector<receipt_name>> stored_receipts(const store::store& s, const record::device_id& device) {
  const std::string prefix = device.str() + ".";
  auto names = s.list_entries(store::entry_namespace::receipts, prefix);  // this device's only
  if (!names) return std::unexpected(names.error());
  std::vector<receipt_name> out;
  for (const auto& n : *names) {
    if (!n.starts_with(prefix)) continue;
    const auto range = std::string_view(n).substr(prefix.size());
    const auto dash = range.find('-');
    if (dash == std::string_view::npos || range.find('.') != std::string_view::npos) continue;
    try {
      receipt_name r{n, std::stoull(std::string(range.substr(0, dash))), std::stoull(std::string(range.substr(dash + 1)))};
      receipt::receipt probe;
      probe.device = device;
      probe.first_seq = r.first;
      probe.end_seq = r.end;
      if (receipt::store_name(probe) == n) out.push_back(r);
    } catch (const std::exception&) {
      continue;  // not one of ours
    }
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.end < b.end; });
  return out;
}

}  // namespace

struct dock_session::impl {
  dock_session& self;
  camera_port& camera;
  session_summary summary;
  record::device_id device;
  crypto::public_key key;
  std::map<std::uint64_t, record::signed_record> chain;  // every record known from excerpt_from on, by seq
  std::uint64_t excerpt_from = 0;                        // step 2: the first seq verified and in `chain`
  std::vector<receipt_name> receipts;                    // step 2: this device's stored receipts, by end
  msg::checkpoint_response state;                        // step 1: the camera's answer
  chain::signed_checkpoint cp;                           // step 1: its checkpoint, signature verified
  std::optional<std::uint64_t> blocked;                  // the lowest seq whose file is not stored
  std::map<crypto::sha256_digest, std::chrono::steady_clock::time_point> found_absent;  // by the plan, when

  session_observer& observer() { return *self.observer_; }

  // Step 7: queued as soon as created, so an error later in the session does not lose it.
  void created(const store::store_key& stored) {
    if (self.settings_.log != nullptr) self.settings_.log->add(std::span(&stored, 1));
  }

  std::unexpected<core::error> alarm(alarm_kind kind, core::error e) {
    // The store did not answer in time, retries included (common/store/retrying_backend.hpp T5): an outage.
    if (kind == alarm_kind::store_failed && e.code == core::errc::timeout) kind = alarm_kind::store_unreachable;
    observer().on_alarm(device, kind, e.context);
    return std::unexpected(std::move(e));
  }

  // A write the store refused: store_full if for want of space, else as alarm() decides.
  std::unexpected<core::error> write_alarm(core::error e) {
    return alarm(e.code == core::errc::no_space ? alarm_kind::store_full : alarm_kind::store_failed, std::move(e));
  }

  core::expected<std::vector<record::signed_record>> fetch_records(std::uint64_t from, std::uint64_t end) {
    std::vector<record::signed_record> out;
    for (std::uint64_t next = from; next < end;) {
      const auto want = static_cast<std::uint32_t>(std::min<std::uint64_t>(end - next, self.settings_.records_per_request));
      auto batch = ask<msg::records_response>(camera, msg::records_request{next, want});
      if (!batch) return core::wrap("records from " + std::to_string(next), batch.error());
      if (batch->from_seq != next || batch->records.empty())
        return core::fail(core::errc::malformed, "camera " + camera.describe() + " did not send record " + std::to_string(next));
      for (auto& bytes : batch->records) {
        auto r = record::parse_signed_record(bytes);
        if (!r) return core::wrap("camera record " + std::to_string(next), r.error());
        if (r->body.seq != next)
          return core::fail(core::errc::malformed, "camera sent record " + std::to_string(r->body.seq) + " for " + std::to_string(next));
        out.push_back(std::move(*r));
        if (++next == end) break;
      }
    }
    return out;
  }

  // Records being put into the store by begin_storing_records, in chain order, until finish_storing_records.
  struct records_storing {
    std::vector<std::uint64_t> seqs;
    std::future<std::vector<core::expected<store::put_outcome>>> puts;  // its destructor waits for them
  } storing_records;

  // Starts putting verified records into the store on a worker, up to 8 at once (each put is a round trip or
  // two to an S3 store; after one failed, only those within 8 of it: core::parallel_map), while this thread
  // goes on (invariant 5).
  void begin_storing_records(std::vector<record::signed_record> records) {
    constexpr std::size_t records_in_flight = 8;
    storing_records.seqs.clear();
    for (const auto& r : records) storing_records.seqs.push_back(r.body.seq);
    storing_records.puts = std::async(std::launch::async, [this, records = std::move(records)] {
      return core::parallel_map(records.size(), records_in_flight, true,
                                [&](std::size_t i) { return self.store_.put_record(records[i]); });
    });
  }

  // Waits for the records begin_storing_records started and reports them on this thread in chain order, every
  // one stored (a record stored after another failed is still counted and queued for the store log); returns
  // the first error. Nothing to do once reported.
  core::status finish_storing_records() {
    if (!storing_records.puts.valid()) return {};
    const auto puts = storing_records.puts.get();
    core::status first_error;
    for (std::size_t i = 0; i < puts.size(); ++i) {
      if (!puts[i]) {
        if (first_error) first_error = write_alarm(puts[i].error());
        continue;
      }
      if (*puts[i] == store::put_outcome::created) {
        ++summary.records_stored;
        created(store::store_key::record(device, storing_records.seqs[i]));
      }
    }
    return first_error;
  }

  // Refuses (alarm chain_refused) a chain the verifier finds not authentic or cannot verify.
  core::status refuse_unless_authentic(const chain::chain_report& report, std::string_view what) {
    if (report.result != chain::verdict::not_authentic && report.result != chain::verdict::cannot_verify) return {};
    std::string first = "no detail";
    for (const auto& rr : report.records)
      if (!rr.findings.empty()) {
        first = rr.origin + ": " + std::string(chain::to_string(rr.findings[0].code)) + " " + rr.findings[0].detail;
        break;
      }
    if (!report.chain_findings.empty())
      first = std::string(chain::to_string(report.chain_findings[0].code)) + " " + report.chain_findings[0].detail;
    return alarm(alarm_kind::chain_refused,
                 core::error{core::errc::corrupt, device.str() + ": " + std::string(what) + " does not verify (" +
                                                      std::string(chain::to_string(report.result)) + "): " + first});
  }

  // Step 1: the checkpoint, and whether the link's key is the one enrolled for the device it names.
  core::status check_in() {
    auto answered = ask<msg::checkpoint_response>(camera, msg::checkpoint_request{});
    if (!answered) return core::wrap("checkpoint from camera " + camera.describe(), answered.error());
    state = std::move(*answered);
    auto parsed = chain::parse_signed_checkpoint(state.checkpoint);
    if (!parsed) return core::wrap("checkpoint from camera " + camera.describe(), parsed.error());
    cp = std::move(*parsed);
    device = cp.body.device;
    summary.device = device;
    const auto enrolled = self.cameras_.key_of(device.str());
    if (!enrolled || *enrolled != camera.peer_key())
      return alarm(alarm_kind::unknown_camera,
                   core::error{core::errc::permission, "camera " + camera.describe() + " with key " +
                                                           camera.peer_key().fingerprint().to_hex() +
                                                           " is not the enrolled key of device " + device.str()});
    key = *enrolled;
    if (!chain::verify_checkpoint_signature(cp, key))
      return alarm(alarm_kind::chain_refused,
                   core::error{core::errc::bad_signature, "checkpoint of " + device.str() + ": signature does not verify"});
    return {};
  }

  // Step 2: the records the store lacks (and the last stored one again, for the fork check), verified with the
  // checkpoint as an excerpt from excerpt_from on, the new records' storing begun (finished before any file is
  // stored, invariant 5). Returns how many the store held contiguously before.
  core::expected<std::uint64_t> pull_chain() {
    auto listed = stored_receipts(self.store_, device);
    if (!listed) return alarm(alarm_kind::store_failed, listed.error());
    receipts = std::move(*listed);
    auto seqs = self.store_.list_record_seqs(device);
    if (!seqs) return alarm(alarm_kind::store_failed, seqs.error());
    std::uint64_t stored = 0;
    while (stored < seqs->size() && (*seqs)[stored] == stored) ++stored;
    if (cp.body.count < stored)
      return alarm(alarm_kind::chain_rolled_back,
                   core::error{core::errc::conflict, device.str() + ": the camera's chain has " +
                                                         std::to_string(cp.body.count) + " records, the store " +
                                                         std::to_string(stored) + ": rolled back"});
    // The excerpt (invariant 6): from the last stored record, or from the end of the last stored receipt if that
    // is earlier (step 3 looks there for the camera's receipt records); the whole chain if the store holds no
    // receipt of the device.
    excerpt_from = std::min(receipts.empty() ? 0 : receipts.back().end, stored > 0 ? stored - 1 : 0);
    const std::span<const std::uint64_t> wanted(std::lower_bound(seqs->begin(), seqs->end(), excerpt_from),
                                                seqs->end());
    auto inputs = store::read_record_inputs(self.store_, device, wanted);  // [i] is seq excerpt_from + i below stored
    if (!inputs) return alarm(alarm_kind::store_failed, inputs.error());
    summary.records_read = wanted.size();
    auto fetched = fetch_records(stored > 0 ? stored - 1 : 0, cp.body.count);
    if (!fetched) return std::unexpected(fetched.error());
    if (stored > 0 && !fetched->empty() && (*inputs)[stored - 1 - excerpt_from].bytes != fetched->front().bytes)
      return alarm(alarm_kind::chain_forked,
                   core::error{core::errc::conflict, device.str() + ": the camera's record " +
                                                         std::to_string(stored - 1) + " differs from the stored one"});
    // The store may hold records past a gap (records are put several at once, and a docking that failed
    // stored some but not others): those are the stored ones, and the camera's copy must be the same bytes.
    std::map<std::uint64_t, std::size_t> stored_past_gap;  // seq → its index in inputs (which grows below)
    for (std::size_t i = 0; i < inputs->size(); ++i)
      if (const auto& seq = (*inputs)[i].claimed_seq; seq && *seq >= stored) stored_past_gap[*seq] = i;
    std::vector<record::signed_record> fresh;
    for (const auto& r : *fetched) {
      if (r.body.seq < stored) continue;
      if (const auto it = stored_past_gap.find(r.body.seq); it != stored_past_gap.end()) {
        if ((*inputs)[it->second].bytes != r.bytes)
          return alarm(alarm_kind::chain_forked,
                       core::error{core::errc::conflict, device.str() + ": the camera's record " +
                                                             std::to_string(r.body.seq) + " differs from the stored one"});
        continue;
      }
      inputs->push_back({"camera " + device.str() + " seq " + std::to_string(r.body.seq), r.body.seq, r.bytes});
      fresh.push_back(r);
    }
    if (auto ok = verify_into_chain(*inputs, excerpt_from == 0); !ok) return std::unexpected(ok.error());
    begin_storing_records(std::move(fresh));
    summary.chain_count = cp.body.count;
    return stored;
  }

  // Verifies records with the checkpoint (from seq 0, or as an excerpt) and keeps them in `chain`; refused
  // (alarm chain_refused) unless authentic.
  core::status verify_into_chain(std::span<const chain::record_input> inputs, bool from_genesis) {
    chain::verify_options options;
    options.device = device;
    options.key = key;
    options.checkpoint = cp;
    options.expect_genesis = from_genesis;
    const auto report = chain::verify_chain(inputs, options);
    if (auto ok = refuse_unless_authentic(report, "chain"); !ok) return ok;
    for (const auto& rr : report.records)
      if (rr.parsed) chain[rr.parsed->body.seq] = *rr.parsed;
    return {};
  }

  // Invariant 6's way back: the stored records before the excerpt read, and the whole chain verified from seq
  // 0 with the checkpoint, as every docking did before excerpts.
  core::status extend_chain_to_genesis() {
    if (excerpt_from == 0) return {};
    std::vector<std::uint64_t> before(excerpt_from);
    for (std::uint64_t seq = 0; seq < excerpt_from; ++seq) before[seq] = seq;
    auto inputs = store::read_record_inputs(self.store_, device, before);
    if (!inputs) return alarm(alarm_kind::store_failed, inputs.error());
    for (const auto& [seq, r] : chain)
      inputs->push_back({"verified " + device.str() + " seq " + std::to_string(seq), seq, r.bytes});
    if (auto ok = verify_into_chain(*inputs, true); !ok) return ok;
    summary.records_read += before.size();
    excerpt_from = 0;
    return {};
  }

  // Step 3: resends the stored receipts the camera has not recorded. Returns the end of the last receipt.
  // A receipt's record lies at or past its end (the camera records it after the records it covers), so the
  // excerpt shows whether the camera recorded the receipts ending at or past excerpt_from. One of them recorded
  // or resent settles it: the session that issued it began where the receipts before it ended (each recorded,
  // resent then, or refused and its range receipted again). Else the chain is read from seq 0 and the older
  // receipts looked at too (invariant 6).
  core::expected<std::uint64_t> resend_receipts() {
    std::uint64_t receipted = 0;
    const std::uint64_t from = excerpt_from;  // extend_chain_to_genesis moves excerpt_from
    auto settled = resend_receipts_where([from](const receipt_name& r) { return r.end >= from; }, receipted);
    if (!settled) return std::unexpected(settled.error());
    if (receipted >= from) return receipted;
    if (auto ok = extend_chain_to_genesis(); !ok) return std::unexpected(ok.error());
    settled = resend_receipts_where([from](const receipt_name& r) { return r.end < from; }, receipted);
    if (!settled) return std::unexpected(settled.error());
    return receipted;
  }

  // Step 3 for the stored receipts `which` picks, in order of their ends: those the camera has recorded, and
  // those confirmed and resent now, raise `receipted` to their end.
  core::status resend_receipts_where(const std::function<bool(const receipt_name&)>& which, std::uint64_t& receipted) {
    std::set<crypto::sha256_digest> recorded;
    for (const auto& [seq, r] : chain)
      if (const auto* p = std::get_if<record::receipt_payload>(&r.body.body)) recorded.insert(p->receipt_sha256);
    for (const auto& name : receipts) {
      if (!which(name)) continue;
      auto doc = self.store_.get_entry(store::entry_namespace::receipts, name.name);
      if (!doc) return alarm(alarm_kind::store_failed, doc.error());
      if (recorded.contains(crypto::sha256(*doc))) {
        receipted = std::max(receipted, name.end);
        continue;
      }
      auto confirmed = confirm_stored_receipt(name.name, *doc);
      if (!confirmed) return std::unexpected(confirmed.error());
      if (!*confirmed) continue;  // alarmed; its range is fetched and receipted again
      receipted = std::max(receipted, name.end);
      auto sent = ask<msg::appended_response>(camera, msg::receipt_request{*doc});
      if (!sent) return core::wrap("resend receipt " + name.name, sent.error());
    }
    return {};
  }

  // Whether a stored receipt the camera has not recorded may still be sent: it verifies, is this device's, and
  // every object it lists is in the store now (a store restored from an older copy, or an object removed
  // behind the dock's back, must not let the camera free footage the store lacks). A refused one is alarmed.
  core::expected<bool> confirm_stored_receipt(const std::string& name, const core::byte_buffer& document) {
    const std::string what = "resend receipt " + name;
    auto parsed = receipt::parse(document);
    if (!parsed) {
      observer().on_alarm(device, alarm_kind::store_failed, what + ": refused, " + parsed.error().context);
      return false;
    }
    if (!receipt::verify_signature(*parsed) || parsed->body.device != device) {
      observer().on_alarm(device, alarm_kind::store_failed, what + ": refused, it does not verify for " + device.str());
      return false;
    }
    for (const auto& o : parsed->body.objects) {
      auto has = self.store_.has_object(o.sha256);
      if (!has) return alarm(alarm_kind::store_failed, has.error());
      if (!*has) {
        observer().on_alarm(device, alarm_kind::store_failed,
                            what + ": refused, the store lacks object " + o.sha256.to_hex() + " it lists");
        return false;
      }
    }
    return true;
  }

  void block(std::uint64_t seq) { blocked = std::min(blocked.value_or(seq), seq); }

  // Step 4: whether the plan found this file absent from the store moments ago, so that it is not looked up
  // again before its fetch. Safe however stale: the store's create decides (a file another dock stored in
  // between is answered already_exists and its stored copy re-hashed, store.hpp invariant 2).
  bool absent_moments_ago(const crypto::sha256_digest& sha256) const {
    const auto it = found_absent.find(sha256);
    return it != found_absent.end() && std::chrono::steady_clock::now() - it->second < std::chrono::seconds(10);
  }

  pending_file pending_of(const file_expectation& f) {
    return {f.record_seq, f.file_name, f.byte_length, chain[f.record_seq].body.utc.time};
  }

  // Step 4: the files of the records after the last receipt, each once; the plan goes to the observer.
  core::expected<std::vector<file_expectation>> plan_files(std::uint64_t stored, std::uint64_t receipted) {
    std::vector<file_expectation> files;
    std::set<crypto::sha256_digest> planned;
    for (const auto& [seq, r] : chain) {
      if (seq < receipted) continue;
      auto f = file_of(r);
      if (f && planned.insert(f->sha256).second) files.push_back(*f);
    }
    camera_snapshot snapshot{device, cp.body.count, stored, cp.body.count - stored, 0, state.battery_percent,
                             state.free_bytes};
    std::vector<pending_file> pending;
    // Looked up several at once (a round trip each to an S3 store); a lookup that fails leaves its file
    // pending, and store_files looks again.
    constexpr std::size_t lookups_in_flight = 8;
    const auto has = core::parallel_map(files.size(), lookups_in_flight, false,
                                        [&](std::size_t i) { return self.store_.has_object(files[i].sha256); });
    for (std::size_t i = 0; i < files.size(); ++i) {
      if (has[i] && *has[i]) continue;
      if (has[i]) found_absent[files[i].sha256] = std::chrono::steady_clock::now();
      snapshot.pending_bytes += files[i].byte_length;
      pending.push_back(pending_of(files[i]));
    }
    observer().on_plan(snapshot, pending);
    return files;
  }

  // Fetches a file into the spool (once more, whole, if a resumed spool file does not match: invariant 2) and
  // checks it against its record: length, SHA-256 and, for a segment, its fragments, all on the bytes as they
  // arrive (a resumed file is read back once for them).
  core::expected<fetch_result> fetch_and_check(const file_expectation& f) {
    const auto* seg = std::get_if<record::segment_payload>(&chain[f.record_seq].body.body);
    std::optional<fragment_expectation> fragments;
    if (seg != nullptr && seg->fragment_count > 0)
      fragments = fragment_expectation{seg->init_sha256, seg->fragment_count, seg->fragment_root,
                                       seg->encrypted.has_value()};
    const auto& st = self.settings_;
    auto got = fetch_file(camera, f, st.spool_dir, st.file_chunk, st.file_window, fragments);
    if (!got) return std::unexpected(got.error());
    summary.bytes_fetched += got->bytes_received;
    if (!got->matches && got->resumed && got->camera_error.empty()) {
      std::error_code ec;
      std::filesystem::remove(got->spool_file, ec);
      got = fetch_file(camera, f, st.spool_dir, st.file_chunk, st.file_window, fragments);
      if (!got) return std::unexpected(got.error());
      summary.bytes_fetched += got->bytes_received;
    }
    if (!got->matches || !fragments) return got;
    if (!got->fragments_checked) {  // a resumed spool file: its prefix was not seen arriving, so read it once
      auto checked = check_fragments(got->spool_file, *fragments);
      if (!checked) return std::unexpected(checked.error());
      if (*checked) got->fragment_problem = **checked;
    }
    if (!got->fragment_problem.empty()) got->matches = false;
    return got;
  }

  // The stored copy's check (invariant 1): its length always; its bytes re-read and re-hashed for the sampled
  // slice (session_settings::rehash_one_in), since an adopted file is the very file hashed as it arrived.
  core::expected<bool> stored_copy_holds(const file_expectation& f) {
    auto size = self.store_.object_size(f.sha256);
    if (!size) return std::unexpected(size.error());
    if (*size != f.byte_length) return false;
    const auto every = self.settings_.rehash_one_in;
    if (every == 0 || f.sha256.bytes[0] % every != 0) return true;
    auto rehashed = self.store_.rehash_object(f.sha256);
    if (!rehashed) return std::unexpected(rehashed.error());
    return *rehashed == f.sha256;
  }

  // Step 4, the store's half for one fetched file that matched its record: adopted into the store and its stored
  // copy checked. Runs on a store worker beside the next fetch: it touches neither the camera nor the observer
  // nor the session's state; the session thread reports its outcome (report_stored).
  struct stored_file {
    file_expectation file;
    pending_file pending;
    core::expected<store::put_outcome> put = std::unexpected(core::error{core::errc::internal, "not stored"});
    core::expected<bool> holds = false;  // the stored copy's check, once put succeeded
  };
  stored_file adopt_and_check(const file_expectation& f, const pending_file& p, const fetch_result& got) {
    stored_file out{f, p};
    out.put = self.store_.adopt_object_file({got.spool_file, got.actual_length, got.actual_sha256});
    if (!out.put) return out;
    std::error_code ec;
    std::filesystem::remove(got.spool_file, ec);  // gone already when adopted
    out.holds = stored_copy_holds(f);
    return out;
  }

  // The outcome of a stored file, on the session thread: counted, logged (step 7) and reported; an error is the
  // session's (the store failed or is full).
  core::status report_stored(stored_file& s) {
    if (!s.put) return write_alarm(s.put.error());
    if (*s.put == store::put_outcome::created) {
      created(store::store_key::object(s.file.sha256));
      ++summary.files_stored;
      summary.bytes_stored += s.file.byte_length;
    }
    return report_check(s.file, s.pending, s.holds);
  }

  // The stored copy's check reported: a copy that does not hold blocks the receipt from its record on.
  core::status report_check(const file_expectation& f, const pending_file& p, const core::expected<bool>& holds) {
    if (!holds) return alarm(alarm_kind::store_failed, holds.error());
    if (!*holds) {
      observer().on_alarm(device, alarm_kind::store_failed, "stored object " + f.sha256.to_hex() + " does not re-hash");
      observer().on_file_failed(device, p, "stored copy does not re-hash");
      block(f.record_seq);
      return {};
    }
    observer().on_stored(device, 0, f.byte_length);
    observer().on_file_stored(device, p);
    return {};
  }

  // A fetched file that does not match its record: quarantined, reported, and its record blocks the receipt.
  core::status quarantine(const file_expectation& f, const pending_file& p, const fetch_result& got) {
    auto where = quarantine_file(f, got, self.settings_.quarantine_dir, self.settings_.clock());
    if (!where) return alarm(alarm_kind::store_failed, where.error());
    ++summary.files_quarantined;
    observer().on_file_failed(device, p, "quarantined as " + where->string());
    observer().on_alarm(device, alarm_kind::file_quarantined,
                        device.str() + " record " + std::to_string(f.record_seq) + " file " + f.file_name +
                            " does not match its record; quarantined as " + where->string());
    block(f.record_seq);
    return {};
  }

  // Step 4: every planned file stored (or already there), each stored copy checked; what is not blocks the
  // receipt from its record on. The session thread fetches file after file over the link while up to
  // `store_depth` fetched files are adopted by store workers (invariant 4); outcomes are reported on this
  // thread. Before each fetch the observer is asked: may_fetch with nothing in the store workers' hands,
  // may_fetch_more while earlier files are still being stored (false: their outcomes first, then may_fetch).
  // The first error (link, store) stops fetching; the files already fetched are stored and reported first.
  // Once fetching has ended without an error, `after_fetching` (step 5) runs while the last files are still
  // being stored (invariant 4); its error is the session's like a fetch's.
  core::status store_files(const std::vector<file_expectation>& files,
                           const std::function<core::status()>& after_fetching) {
    std::deque<std::future<stored_file>> storing;  // oldest first; each future's destructor waits for it
    const std::size_t depth = self.settings_.store_depth;
    core::status first_error;
    const auto collect_oldest = [&] {
      auto done = storing.front().get();
      storing.pop_front();
      if (auto ok = report_stored(done); !ok && first_error) first_error = std::move(ok);
    };
    const auto collect_all = [&] {
      while (!storing.empty()) collect_oldest();
    };
    for (const auto& f : files) {
      if (!first_error) break;
      const auto p = pending_of(f);
      auto has = absent_moments_ago(f.sha256) ? core::expected<bool>(false) : self.store_.has_object(f.sha256);
      if (!has) {
        first_error = alarm(alarm_kind::store_failed, has.error());
        break;
      }
      if (*has) {
        auto holds = stored_copy_holds(f);
        if (auto ok = report_check(f, p, holds); !ok) first_error = std::move(ok);
        continue;
      }
      while (!storing.empty() && storing.size() >= depth) collect_oldest();  // invariant 4: at most store_depth
      if (!first_error) break;
      bool go = !storing.empty() && observer().may_fetch_more(device, p);
      if (!go) {
        collect_all();
        if (!first_error) break;
        go = observer().may_fetch(device, p);
      }
      if (!go) {
        summary.stopped_by_scheduler = true;
        block(f.record_seq);
        break;
      }
      auto got = fetch_and_check(f);
      if (!got) {
        first_error = std::unexpected(got.error());
        break;
      }
      if (!got->matches) {
        if (auto ok = quarantine(f, p, *got); !ok) first_error = std::move(ok);
        continue;
      }
      if (auto ok = finish_storing_records(); !ok) {  // invariant 5: the records before any file
        first_error = std::move(ok);
        break;
      }
      storing.push_back(std::async(std::launch::async, [this, f, p, fetched = std::move(*got)] {
        return adopt_and_check(f, p, fetched);
      }));
      while (!storing.empty() && storing.front().wait_for(std::chrono::seconds(0)) == std::future_status::ready)
        collect_oldest();
    }
    if (first_error) first_error = after_fetching();
    collect_all();
    return first_error;
  }

  // Step 5, beside the last files' stores (invariant 4): step 2's records reported first; the dock cosigns the
  // checkpoint; the camera appends `timesync`; that tail is pulled, checked to continue the verified chain
  // (common/chain verifier, from the last known record) and its puts begun (reported by run()).
  core::status witness() {
    if (auto ok = finish_storing_records(); !ok) return ok;
    const auto dock_utc = self.settings_.clock();
    auto signature = self.dock_.signer->sign(chain::witness_message(device, cp.body.count, cp.body.head, dock_utc));
    if (!signature) return core::wrap("sign witness", signature.error());
    msg::timesync_request sync;
    sync.dock_id = self.dock_.dock_id;
    sync.dock_key = self.dock_.signer->public_key();
    sync.dock_utc = dock_utc;
    sync.checkpoint_count = cp.body.count;
    sync.checkpoint_head = cp.body.head;
    sync.dock_signature = *signature;
    auto synced = ask<msg::appended_response>(camera, sync);
    if (!synced) return core::wrap("timesync", synced.error());
    summary.timesync_seq = synced->seq;
    auto tail = fetch_records(cp.body.count, synced->seq + 1);
    if (!tail) return std::unexpected(tail.error());
    if (auto ok = verify_tail(*tail); !ok) return ok;
    for (const auto& r : *tail) {
      if (file_of(r)) block(r.body.seq);  // its file is fetched next time
      chain[r.body.seq] = r;
    }
    begin_storing_records(*tail);
    return {};
  }

  // The tail after the timesync as an excerpt that starts at the last verified record (or at genesis).
  core::status verify_tail(const std::vector<record::signed_record>& tail) {
    std::vector<chain::record_input> inputs;
    chain::verify_options options;
    options.device = device;
    options.key = key;
    options.expect_genesis = chain.empty();
    if (!chain.empty()) {
      const auto& last = chain.rbegin()->second;
      inputs.push_back({"verified " + device.str() + " seq " + std::to_string(last.body.seq), last.body.seq, last.bytes});
    }
    for (const auto& r : tail)
      inputs.push_back({"camera " + device.str() + " seq " + std::to_string(r.body.seq), r.body.seq, r.bytes});
    return refuse_unless_authentic(chain::verify_chain(inputs, options), "the tail after the timesync");
  }

  // Step 6: a receipt for [receipted, first blocked record), stored (the dock's key too) and sent.
  core::status issue_receipt(std::uint64_t receipted) {
    const std::uint64_t count = summary.chain_count;
    const std::uint64_t end = std::min(blocked.value_or(count), count);
    if (end <= receipted) return {};
    receipt::receipt body;
    body.issuer = self.dock_.dock_id;
    body.issuer_key = self.dock_.signer->public_key();
    body.device = device;
    body.first_seq = receipted;
    body.end_seq = end;
    body.head_hash = chain[end - 1].hash;
    body.stored_utc = self.settings_.clock();
    std::set<crypto::sha256_digest> listed;
    for (auto it = chain.lower_bound(receipted); it != chain.end() && it->first < end; ++it) {
      auto f = file_of(it->second);
      if (f && listed.insert(f->sha256).second) body.objects.push_back({f->sha256, f->byte_length});
    }
    auto signed_receipt = receipt::sign(std::move(body), *self.dock_.signer);
    if (!signed_receipt) return std::unexpected(signed_receipt.error());
    const auto name = receipt::store_name(signed_receipt->body);
    auto key_put = self.store_.put_public_key(crypto::labelled_public_key{self.dock_.dock_id, signed_receipt->body.issuer_key});
    if (!key_put) return alarm(alarm_kind::store_failed, key_put.error());
    if (*key_put == store::put_outcome::created)
      if (auto dock = record::device_id::parse(self.dock_.dock_id)) created(store::store_key::public_key(*dock));
    auto put = self.store_.put_entry(store::entry_namespace::receipts, name, signed_receipt->document);
    core::byte_buffer document = signed_receipt->document;
    if (!put && put.error().code == core::errc::conflict) {  // written by a session that crashed before sending it
      auto existing = self.store_.get_entry(store::entry_namespace::receipts, name);
      if (!existing) return alarm(alarm_kind::store_failed, existing.error());
      document = std::move(*existing);
    } else if (!put) {
      return write_alarm(put.error());
    } else if (*put == store::put_outcome::created) {
      created(*store::store_key::entry(store::entry_namespace::receipts, name));
    }
    auto sent = ask<msg::appended_response>(camera, msg::receipt_request{document});
    if (!sent) return core::wrap("send receipt " + name, sent.error());
    summary.receipt_end = end;
    observer().on_receipt(device, end);
    return {};
  }

  // Step 7: the store log; a failure is an alarm, and the keys stay queued for the next docking.
  void append_to_log() {
    if (self.settings_.log == nullptr) return;
    auto logged = self.settings_.log->flush();
    if (!logged) observer().on_alarm(device, alarm_kind::log_failed, logged.error().context);
    else if (logged->claimed > 0) summary.log_size = logged->tree_size;
    // Else nothing was queued: another slot's docking flushed this dock's shared queue first. Not a failure.
  }

  core::expected<session_summary> run() {
    if (auto ok = check_in(); !ok) return std::unexpected(ok.error());
    auto stored = pull_chain();
    if (!stored) return std::unexpected(stored.error());
    // Steps 3 and 4 go on while the new records are being stored (invariant 5), step 5 while the last files
    // are (invariant 4).
    core::expected<std::uint64_t> receipted = 0;
    const auto files_stored = [&]() -> core::status {
      receipted = resend_receipts();
      if (!receipted) return std::unexpected(receipted.error());
      auto files = plan_files(*stored, *receipted);
      if (!files) return std::unexpected(files.error());
      return store_files(*files, [this] { return witness(); });
    }();
    const auto records_stored = finish_storing_records();  // reported whatever happened meanwhile
    if (!files_stored) return std::unexpected(files_stored.error());
    if (!records_stored) return std::unexpected(records_stored.error());
    summary.chain_count = chain.empty() ? 0 : chain.rbegin()->first + 1;  // with step 5's tail
    observer().on_stored(device, summary.records_stored, 0);
    if (auto ok = issue_receipt(*receipted); !ok) return std::unexpected(ok.error());
    append_to_log();
    return summary;
  }
};

dock_session::dock_session(dock_identity dock, store::store& store, const common::link::key_directory& cameras,
                           session_settings settings, session_observer* observer)
    : dock_(std::move(dock)),
      store_(store),
      cameras_(cameras),
      settings_(std::move(settings)),
      observer_(observer != nullptr ? observer : &fallback_observer_) {
  if (!settings_.clock) settings_.clock = [] { return std::chrono::time_point_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now()); };
}

core::expected<session_summary> dock_session::run(camera_port& camera) {
  impl run_state{*this, camera, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}};
  return run_state.run();
}

}  // namespace bodycam::ingest::dock

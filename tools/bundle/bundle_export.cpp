#include "tools/bundle/bundle_export.hpp"

#include "common/core/durable_file.hpp"
#include "common/core/unique_fd.hpp"
#include "common/crypto/key_file.hpp"
#include "common/receipt/receipt.hpp"
#include "common/record/record_json.hpp"
#include "tools/bundle/bundle_log.hpp"
#include "tools/bundle/bundle_verify.hpp"
#include "tools/bundle/bundle_writer.hpp"
#include "tools/registers/access_outcome.hpp"
#include "tools/registers/register_book.hpp"
#include "tools/registers/export_approval.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <set>

namespace bodycam::tools::bundle {

namespace fs = std::filesystem;
namespace record = common::record;
namespace store = common::store;
using nlohmann::json;
using core::text_bytes;

core::expected<record::utc_time> parse_utc(std::string_view text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  char tail[40] = {};
  const std::string copy(text.substr(0, 60));
  if (std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%39s", &y, &mo, &d, &h, &mi, &s, tail) < 6)
    return core::fail(core::errc::invalid_argument, "time '" + copy + "': use RFC 3339 UTC, e.g. 2026-11-18T10:00:00Z");
  std::string rest = tail;
  std::int64_t nanos = 0;
  if (!rest.empty() && rest.front() == '.') {
    std::size_t i = 1;
    std::int64_t scale = 100'000'000;
    while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9') {
      nanos += (rest[i] - '0') * scale;
      scale /= 10;
      ++i;
    }
    rest = rest.substr(i);
  }
  if (rest != "Z" || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
    return core::fail(core::errc::invalid_argument, "time '" + copy + "': use RFC 3339 UTC, e.g. 2026-11-18T10:00:00Z");
  const std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(static_cast<unsigned>(mo)),
                                        std::chrono::day(static_cast<unsigned>(d))};
  if (!ymd.ok()) return core::fail(core::errc::invalid_argument, "time '" + copy + "': no such date");
  return record::utc_time(std::chrono::sys_days(ymd).time_since_epoch() + std::chrono::hours(h) +
                          std::chrono::minutes(mi) + std::chrono::seconds(s) + std::chrono::nanoseconds(nanos));
}

namespace {

struct device_plan {
  record::device_id device;
  std::uint64_t files_first = 0;  // the selected records
  std::uint64_t files_end = 0;
  std::uint64_t first = 0;  // plus one neighbour each side, if stored
  std::uint64_t end = 0;
  std::map<std::uint64_t, core::byte_buffer> records;
  std::vector<file_to_copy> files;
  std::vector<file_to_copy> expired;
};

bool selected(const record::record& r, const selection& what) {
  if (what.session) {
    const record::session_id* id = nullptr;
    std::visit(
        [&](const auto& p) {
          if constexpr (requires { p.session; }) id = &p.session;
        },
        r.body);
    return id && *id == *what.session;
  }
  return r.utc.time >= what.from && r.utc.time <= what.to;
}

// What a device holds, for a selection that matched nothing: its records' claimed UTC span and its sessions'.
struct nearby_device {
  record::device_id device;
  std::optional<record::utc_time> first, last;
  std::map<record::session_id, std::pair<record::utc_time, record::utc_time>> sessions;

  void add(const record::record& r) {
    first = std::min(first.value_or(r.utc.time), r.utc.time);
    last = std::max(last.value_or(r.utc.time), r.utc.time);
    std::visit(
        [&](const auto& p) {
          if constexpr (requires { p.session; }) {
            if (p.session.is_none()) return;
            auto [it, fresh] = sessions.try_emplace(p.session, r.utc.time, r.utc.time);
            if (!fresh) {
              it->second.first = std::min(it->second.first, r.utc.time);
              it->second.second = std::max(it->second.second, r.utc.time);
            }
          }
        },
        r.body);
  }
};


std::string describe(const selection& what) {
  if (what.session) return "session " + what.session->to_hex();
  return "device " + (what.device ? what.device->str() : std::string("?")) + " from " + record::format_utc_seconds(what.from) +
         " to " + record::format_utc_seconds(what.to);
}

// "no record matches the selection (…); what exists: cam-0001 has records from … to …, sessions 5b8764a2 (… – …), …"
std::string nothing_matches(const selection& what, const std::vector<nearby_device>& nearby) {
  std::string out = "export: no record matches the selection (";
  out += what.session ? "session " + what.session->to_hex()
                      : "device " + (what.device ? what.device->str() : std::string("?")) + " from " +
                            record::format_utc_seconds(what.from) + " to " + record::format_utc_seconds(what.to);
  out += ")";
  if (nearby.empty()) return out + "; the store holds no records of that device";
  out += "; what the store holds:";
  for (const auto& d : nearby) {
    if (!d.first) continue;
    out += " " + d.device.str() + " has records from " + record::format_utc_seconds(*d.first) + " to " + record::format_utc_seconds(*d.last);
    if (d.sessions.empty()) {
      out += ", no sessions;";
      continue;
    }
    // Sessions in time order, at most 8, nearest the selection's start first when a time range was asked for.
    std::vector<std::pair<record::session_id, std::pair<record::utc_time, record::utc_time>>> list(d.sessions.begin(),
                                                                                               d.sessions.end());
    auto distance = [&](const auto& e) {
      const auto t = e.second.first;
      return t > what.from ? t - what.from : what.from - t;
    };
    if (!what.session)
      std::sort(list.begin(), list.end(), [&](const auto& a, const auto& b) { return distance(a) < distance(b); });
    const std::size_t shown = std::min<std::size_t>(list.size(), 8);
    list.resize(shown);
    std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) { return a.second.first < b.second.first; });
    out += ", sessions";
    for (const auto& [id, span] : list)
      out += " " + id.to_hex().substr(0, 8) + " (" + record::format_utc_seconds(span.first) + " – " + record::format_utc_seconds(span.second) + ")";
    if (d.sessions.size() > shown) out += " and " + std::to_string(d.sessions.size() - shown) + " more";
    out += ";";
  }
  if (out.back() == ';') out.pop_back();
  return out;
}

// Invariant 6: encrypted footage and no key is refused before the access entry, naming what is encrypted.
core::status check_footage_keys(const std::vector<device_plan>& plans, const export_request& request) {
  if (request.footage_keys != nullptr) return {};
  for (const auto& p : plans)
    for (const auto& f : p.files)
      if (f.encrypted)
        return core::fail(core::errc::permission,
                          "export of " + describe(request.what) + " refused: record " + std::to_string(f.seq) +
                              " of " + f.device + " (" + f.name + ") is encrypted footage; a footage key is "
                              "needed (--footage-key SEALED --passphrase-file F); nothing exported, no access "
                              "entry written");
  return {};
}

json decrypted_json(const decrypted_entry& d) {
  json out = {{"file", d.file},
          {"record", d.record},
          {"ciphertext_sha256", d.ciphertext_sha256.to_hex()},
          {"ciphertext_byte_length", d.ciphertext_byte_length},
          {"plaintext_sha256", d.plaintext_sha256.to_hex()},
          {"plaintext_byte_length", d.plaintext_byte_length},
          {"footage_key_id", d.key_id.to_hex()},
          {"plaintext_stated", d.plaintext_stated}};
  if (!d.plaintext_stated) out["salvaged"] = d.salvaged;
  return out;
}

core::expected<std::vector<device_plan>> plan_export(const store::store& s, const selection& what) {
  std::vector<record::device_id> devices;
  if (what.device) {
    devices.push_back(*what.device);
  } else {
    auto all = s.list_devices();
    if (!all) return std::unexpected(all.error());
    devices = std::move(*all);
  }
  auto retention = registers::read_register(s, store::entry_namespace::retention);
  if (!retention) return std::unexpected(retention.error());
  std::set<crypto::sha256_digest> expired;
  for (const auto& c : retention->clerks)
    for (const auto& e : c.entries)
      if (registers::is_expiry_event(e.body))
        for (const auto& o : e.body.objects) expired.insert(o.sha256);

  std::vector<device_plan> plans;
  std::vector<nearby_device> nearby;
  for (const auto& device : devices) {
    nearby.push_back({device, {}, {}, {}});
    auto seqs = s.list_record_seqs(device);
    if (!seqs) return std::unexpected(seqs.error());
    device_plan plan{device, 0, 0, 0, 0, {}, {}, {}};
    std::map<std::uint64_t, record::signed_record> parsed;
    std::optional<std::uint64_t> lo, hi;
    for (const auto seq : *seqs) {
      auto bytes = s.get_record(device, seq);
      if (!bytes) return std::unexpected(bytes.error());
      auto r = record::parse_signed_record(*bytes);
      if (!r) return core::wrap("export: record " + std::to_string(seq) + " of " + device.str(), r.error());
      nearby.back().add(r->body);
      if (selected(r->body, what)) {
        lo = std::min(lo.value_or(seq), seq);
        hi = std::max(hi.value_or(seq), seq);
      }
      parsed.emplace(seq, std::move(*r));
    }
    if (!lo) continue;
    plan.files_first = *lo;
    plan.files_end = *hi + 1;
    plan.first = (*lo > 0 && parsed.contains(*lo - 1)) ? *lo - 1 : *lo;
    plan.end = parsed.contains(*hi + 1) ? *hi + 2 : *hi + 1;
    for (std::uint64_t seq = plan.first; seq < plan.end; ++seq) {
      const auto it = parsed.find(seq);
      if (it == parsed.end())
        return core::fail(core::errc::corrupt, "export: record " + std::to_string(seq) + " of " + device.str() +
                                                   " is missing from the store; the range cannot be exported whole");
      plan.records.emplace(seq, it->second.bytes);
      if (seq < plan.files_first || seq >= plan.files_end) continue;
      const auto& body = it->second.body.body;
      file_to_copy f{device.str(), seq, {}, {}, 0, {}};
      std::string name;
      if (const auto* sg = std::get_if<record::segment_payload>(&body)) {
        name = sg->file_name;
        f.sha256 = sg->file_sha256;
        f.byte_length = sg->byte_length;
        f.encrypted = sg->encrypted;
      } else if (const auto* a = std::get_if<record::annotation_payload>(&body);
                 a && a->status != record::annotation_status::missing) {
        name = a->file_name;
        f.sha256 = a->file_sha256;
        f.byte_length = a->byte_length;
        f.encrypted = a->encrypted;
      } else if (const auto* p = std::get_if<record::photo_payload>(&body)) {
        name = p->file_name;
        f.sha256 = p->file_sha256;
        f.byte_length = p->byte_length;
        f.encrypted = p->encrypted;
      } else {
        continue;
      }
      f.name = "files/" + device.str() + "/" + (is_safe_bundle_path(name) ? name : f.sha256.to_hex());
      auto present = s.has_object(f.sha256);
      if (!present) return std::unexpected(present.error());
      if (*present)
        plan.files.push_back(std::move(f));
      else if (expired.contains(f.sha256))
        plan.expired.push_back(std::move(f));
      else
        return core::fail(core::errc::corrupt, "export: the file of record " + std::to_string(seq) + " of " +
                                                   device.str() + " (objects/sha256/" + f.sha256.to_hex() +
                                                   ") is missing from the store and no expiry event explains it");
    }
    plans.push_back(std::move(plan));
  }
  if (plans.empty()) {
    // Only the devices that hold records (a session asked for may be on any of them).
    std::erase_if(nearby, [](const nearby_device& d) { return !d.first; });
    return core::fail(core::errc::not_found, nothing_matches(what, nearby));
  }
  return plans;
}

}  // namespace

core::expected<export_result> export_bundle(store::store& s, const export_request& request, crypto::signer& clerk) {
  std::error_code ec;
  if (fs::exists(fs::symlink_status(request.out, ec)))  // invariant 2
    return core::fail(core::errc::already_exists, "export to " + request.out.string() +
                                                      ": it already exists; nothing overwritten (choose a new --out)");
  auto plans = plan_export(s, request.what);
  if (!plans) return std::unexpected(plans.error());
  if (auto ok = check_footage_keys(*plans, request); !ok) return std::unexpected(ok.error());  // invariant 6

  // Invariant 1: the access entry first.
  registers::register_entry access;
  access.kind = registers::entry_kind::access;
  access.utc = request.now;
  access.department = request.department;
  access.reference = request.reference;
  access.action = "export";
  for (const auto& p : *plans) {
    registers::scope sc;
    sc.device = p.device;
    if (request.what.session) sc.session = *request.what.session;
    sc.from = request.what.from;
    sc.to = request.what.to;
    sc.first_seq = p.first;
    sc.end_seq = p.end;
    access.scopes.push_back(sc);
    for (const auto& f : p.files) access.objects.push_back({f.sha256, f.byte_length});
  }
  auto entry = registers::append_entry(s, store::entry_namespace::access, request.clerk_id, std::move(access), clerk);
  if (!entry) return core::wrap("export refused: the access register could not be written", entry.error());
  const std::string entry_path = "access/" + registers::entry_name(entry->body);
  // Invariant 4: the retrieval's outcome concludes the access entry, whatever happened.
  auto conclude = [&](const std::optional<core::error>& failure) -> core::expected<std::string> {
    registers::register_entry e = entry->body;
    e.utc = std::chrono::time_point_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now());
    e.action = registers::outcome_action(
        {registers::entry_name(entry->body), !failure.has_value(), failure ? failure->context : std::string()});
    auto stored = registers::append_entry(s, store::entry_namespace::access, request.clerk_id, std::move(e), clerk);
    if (!stored) return std::unexpected(stored.error());
    return "access/" + registers::entry_name(stored->body);
  };
  auto failed = [&](const core::error& e) -> core::expected<export_result> {
    if (auto ok = conclude(e); !ok)
      return core::fail(e.code, e.context + " (and its outcome could not be registered after " + entry_path + ": " +
                                    ok.error().context + ")");
    return std::unexpected(e);
  };

  const fs::path parent = request.out.has_parent_path() ? request.out.parent_path() : fs::path(".");
  // Invariant 7: sealing, the plain bundle lives only inside a private folder; `scratch` is what is removed.
  const fs::path scratch =
      request.seal_to ? parent / ("." + request.out.filename().string() + ".unsealed-" + std::to_string(::getpid()))
                      : fs::path();
  const fs::path temp = request.seal_to ? scratch / "bundle"
                                        : parent / ("." + request.out.filename().string() + ".partial-" +
                                                    std::to_string(::getpid()));
  auto remove_plain = [&]() {
    std::error_code ignored;
    fs::remove_all(request.seal_to ? scratch : temp, ignored);
  };
  remove_plain();
  if (request.seal_to && ::mkdir(scratch.c_str(), 0700) != 0)
    return failed(core::fail_errno("create the private folder", scratch.string(), errno).error());
  fs::create_directories(temp, ec);
  if (ec) {
    remove_plain();
    return failed(core::fail_errno("create", temp.string(), ec.value()).error());
  }
  auto fail_clean = [&](const core::error& e) {
    remove_plain();
    return failed(e);
  };
  bundle_writer w(temp);
  export_result result{request.out, entry_path, {}, 0, 0, 0, {}, {}, {}, {}, {}, {}, std::nullopt};
  json manifest_devices = json::array();
  std::set<std::string> keys;  // identities whose key goes into keys/
  std::set<std::string> retention_entries;
  auto receipt_names = s.list_entries(store::entry_namespace::receipts);
  if (!receipt_names) return fail_clean(receipt_names.error());
  std::size_t file_count = 0;
  std::uint64_t bytes_copied = 0;
  for (const auto& p : *plans) file_count += p.files.size();
  for (const auto& p : *plans) {
    auto key = s.get_public_key(p.device);
    if (!key) return fail_clean(key.error());
    keys.insert(p.device.str());
    for (const auto& [seq, bytes] : p.records) {
      if (auto ok = w.write("records/" + p.device.str() + "/" + std::to_string(seq), bytes); !ok)
        return fail_clean(ok.error());
      ++result.records;
    }
    for (const auto& f : p.files) {
      if (auto ok = w.copy_object(s, f, request.footage_keys); !ok) return fail_clean(ok.error());
      ++result.files;
      bytes_copied += f.byte_length;
      if (request.on_progress) request.on_progress(result.files, file_count, bytes_copied);
    }
    for (const auto& name : *receipt_names) {
      if (!name.starts_with(p.device.str() + ".")) continue;
      auto bytes = s.get_entry(store::entry_namespace::receipts, name);
      if (!bytes) return fail_clean(bytes.error());
      auto r = common::receipt::parse(*bytes);
      if (!r || r->body.device != p.device || r->body.end_seq <= p.first || r->body.first_seq >= p.end) continue;
      if (auto ok = w.write("receipts/" + name, *bytes); !ok) return fail_clean(ok.error());
      keys.insert(r->body.issuer);
    }
    json files = json::array();
    for (const auto& f : p.files) files.push_back(f.name);
    json expired = json::array();
    for (const auto& f : p.expired) expired.push_back(f.name);
    json decrypted = json::array();
    for (const auto& d : w.decrypted())
      if (d.record.starts_with("records/" + p.device.str() + "/")) decrypted.push_back(decrypted_json(d));
    manifest_devices.push_back({{"device", p.device.str()},
                                {"key_file", "keys/" + p.device.str() + ".pub"},
                                {"key_fingerprint", key->key.fingerprint().to_hex()},
                                {"first_seq", p.first},
                                {"end_seq", p.end},
                                {"files_first_seq", p.files_first},
                                {"files_end_seq", p.files_end},
                                {"files", files},
                                {"expired_files", expired}});
    if (!decrypted.empty()) manifest_devices.back()["decrypted_files"] = std::move(decrypted);
    if (!p.expired.empty()) {
      auto retention = registers::read_register(s, store::entry_namespace::retention);
      if (!retention) return fail_clean(retention.error());
      for (const auto& c : retention->clerks)
        for (const auto& e : c.entries)
          for (const auto& o : e.body.objects)
            for (const auto& f : p.expired)
              if (o.sha256 == f.sha256 && retention_entries.insert(registers::entry_name(e.body)).second) {
                if (auto ok = w.write("retention/" + registers::entry_name(e.body), e.bytes); !ok)
                  return fail_clean(ok.error());
                keys.insert(e.body.clerk);
              }
    }
  }
  if (auto ok = w.write(entry_path, entry->bytes); !ok) return fail_clean(ok.error());
  keys.insert(request.clerk_id);
  std::set<std::string> keys_written;
  auto write_keys = [&]() -> core::status {
    for (const auto& id : keys) {
      if (!keys_written.insert(id).second) continue;
      auto device = record::device_id::parse(id);
      if (!device) return std::unexpected(device.error());
      auto key = s.get_public_key(*device);
      if (!key) return std::unexpected(key.error());
      if (auto ok = w.write("keys/" + id + ".pub", text_bytes(crypto::format_public_key_line(*key))); !ok) return ok;
    }
    return {};
  };
  if (auto ok = write_keys(); !ok) return fail_clean(ok.error());
  // Invariant 5: the store log's checkpoint and a proof per item; the checkpoint's dock key goes into keys/.
  auto collect = [&]() { return collect_log_proofs(s, w.log_hashes()); };
  auto proofs = collect();
  if (!proofs) return fail_clean(proofs.error());
  if (proofs->present && !proofs->signed_by.empty() && !keys.contains(proofs->signed_by)) {
    keys.insert(proofs->signed_by);
    if (auto ok = write_keys(); !ok) return fail_clean(ok.error());
    proofs = collect();
    if (!proofs) return fail_clean(proofs.error());
  }
  std::erase(proofs->unlogged, "keys/" + request.clerk_id + ".pub");  // the export's own writing (bundle.md §6.1)
  if (proofs->present) {
    if (auto ok = w.write(std::string(log_checkpoint_name), text_bytes(proofs->checkpoint_note)); !ok)
      return fail_clean(ok.error());
    if (auto ok = w.write(std::string(log_proofs_name), text_bytes(format_proofs_json(*proofs))); !ok)
      return fail_clean(ok.error());
  }
  result.decrypted = w.decrypted().size();
  for (const auto& d : w.decrypted())
    if (std::find(result.footage_key_ids.begin(), result.footage_key_ids.end(), d.key_id.to_hex()) ==
        result.footage_key_ids.end())
      result.footage_key_ids.push_back(d.key_id.to_hex());
  result.log_present = proofs->present;
  result.log_tree_size = proofs->tree_size;
  result.log_proven = proofs->items.size();
  result.log_unlogged = proofs->unlogged;
  result.log_witnesses = proofs->witnesses;
  json sel = json::object();
  if (request.what.session) sel["session"] = request.what.session->to_hex();
  if (request.what.device) {
    sel["device"] = request.what.device->str();
    sel["from_utc"] = record::format_utc(request.what.from);
    sel["to_utc"] = record::format_utc(request.what.to);
  }
  const json manifest{
      {"format", bundle_format},    {"version", bundle_version},  {"created_utc", record::format_utc(request.now)},
      {"clerk", request.clerk_id},  {"access_entry", entry_path}, {"selection", sel},
      {"devices", manifest_devices}, {"log", manifest_log_json(*proofs)}};
  if (auto ok = w.write(std::string(manifest_name), text_bytes(manifest.dump(2) + "\n")); !ok)
    return fail_clean(ok.error());
  auto parts = verify_bundle_records(temp, manifest);
  if (!parts) return fail_clean(parts.error());
  if (auto ok = w.write(std::string(report_json_name), text_bytes(make_report_json(manifest, *parts).dump(2) + "\n"));
      !ok)
    return fail_clean(ok.error());
  if (auto ok = w.write(std::string(report_text_name), text_bytes(make_report_text(manifest, *parts))); !ok)
    return fail_clean(ok.error());
  if (auto ok = w.write(std::string(readme_name), text_bytes(make_readme(manifest))); !ok)
    return fail_clean(ok.error());
  const std::string sums = format_sums(w.sums());
  if (auto ok = core::write_file_durably(temp / sums_name, text_bytes(sums), {.mode = 0444, .create_only = true}); !ok)
    return fail_clean(ok.error());
  if (auto ok = w.finish(); !ok) return fail_clean(ok.error());
  if (auto ok = core::fsync_directory(temp); !ok) return fail_clean(ok.error());
  // The bundle is at `out`: its outcome "completed" is registered.
  auto completed = [&](const std::string& what) -> core::expected<export_result> {
    auto outcome = conclude(std::nullopt);
    if (!outcome)
      return core::wrap(what + request.out.string() + " was written but its outcome could not be registered after " +
                            entry_path,
                        outcome.error());
    result.outcome_entry = *outcome;
    return result;
  };
  if (request.seal_to) {  // invariant 7
    auto sealed = seal_bundle(temp, "bundle", *request.seal_to, request.out);
    remove_plain();
    if (!sealed)
      return failed(core::wrap("export to " + request.out.string() + " not completed: the bundle could not be sealed to "
                               "footage key id " + request.seal_to->key_id().to_hex() +
                               "; no bundle, plain or sealed, was left",
                               sealed.error())
                        .error());
    if (fs::exists(fs::symlink_status(scratch, ec))) {  // the plaintext must not stay: no bundle then
      std::error_code ignored;
      fs::remove(request.out, ignored);
      return failed(core::fail(core::errc::io, "export to " + request.out.string() + " not completed: the plain "
                                               "bundle in " + scratch.string() + " could not be removed after "
                                               "sealing (the sealed file was removed); remove that folder")
                        .error());
    }
    result.sealed = *sealed;
    return completed("the sealed bundle ");
  }
  // Invariant 2: appears complete or not at all.
  if (::rename(temp.c_str(), request.out.c_str()) != 0)
    return fail_clean(core::fail_errno("rename bundle to", request.out.string(), errno).error());
  if (auto ok = core::fsync_directory(parent); !ok) return failed(ok.error());
  return completed("the bundle ");
}

core::expected<selection> selection_of_request(const tools::registers::register_entry& request) {
  if (request.scopes.size() != 1)
    return core::fail(core::errc::invalid_argument, "export request " + tools::registers::entry_name(request) +
                                                        ": has " + std::to_string(request.scopes.size()) +
                                                        " scopes, not one");
  const auto& sc = request.scopes.front();
  selection what;
  if (sc.session != common::record::session_id{}) {
    what.session = sc.session;
  } else {
    what.device = sc.device;
    what.from = sc.from;
    what.to = sc.to;
  }
  return what;
}

tools::registers::scope request_scope(const selection& what, const common::record::device_id& device) {
  tools::registers::scope sc;
  sc.device = what.device ? *what.device : device;
  if (what.session) {
    sc.session = *what.session;
  } else {
    sc.from = what.from;
    sc.to = what.to;
  }
  return sc;
}

}  // namespace bodycam::tools::bundle

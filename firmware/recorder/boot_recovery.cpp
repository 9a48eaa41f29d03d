#include "firmware/recorder/boot_recovery.hpp"

#include "common/core/durable_file.hpp"
#include "common/core/posix_file_system.hpp"
#include "common/crypto/footage_format.hpp"
#include "common/crypto/sha256.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <fstream>
#include <set>

#include <fcntl.h>
#include <stdio.h>

namespace bodycam::firmware::recorder {

using namespace bodycam::common;
namespace fs = std::filesystem;

namespace {

constexpr std::string_view partial_suffix = ".partial";

struct ledger_view {
  std::vector<session::record_summary> summaries;
  std::set<std::string> recovered_files;  // file names in recovery records
  record::utc_time last_utc_before_boot{};
  bool have_previous = false;
  // Earlier unclean boots whose gap no power_loss interruption explains (that boot was killed before its own
  // recovery recorded one): from the last record before that boot to its boot record.
  struct gap {
    std::uint32_t boot = 0;
    record::utc_time from{}, to{};
  };
  std::vector<gap> unexplained_gaps;
};

core::expected<ledger_view> read_ledger(records::chain_writer& writer) {
  ledger_view view;
  const std::uint32_t boot = writer.boot_counter();
  std::vector<ledger_view::gap> unclean_gaps;
  // Every power_loss interruption with the boot that wrote it. A boot writes late ones for earlier boots
  // before its own, so "this boot wrote an interruption" does not mean "this boot's gap is explained".
  struct written_interruption {
    std::uint32_t boot = 0;
    record::utc_time from{}, to{};
  };
  std::vector<written_interruption> interruptions;
  std::optional<record::utc_time> previous_utc;
  auto ok = writer.with_ledger([&](ledger::ledger& l) {
    return l.for_each_record(0, [&](const ledger::stored_record& stored) -> core::status {
      auto r = record::parse_signed_record(stored.bytes);
      if (!r) return core::wrap("recovery: read record " + std::to_string(stored.seq), r.error());
      session::record_summary s;
      s.kind = r->body.kind();
      s.utc = r->body.utc.time;
      s.seq = r->body.seq;
      if (const auto* p = std::get_if<record::session_start_payload>(&r->body.body)) s.session = p->session;
      if (const auto* p = std::get_if<record::session_resume_payload>(&r->body.body)) s.session = p->session;
      if (const auto* p = std::get_if<record::session_stop_payload>(&r->body.body)) {
        s.session = p->session;
        s.stop = p->reason;
      }
      if (const auto* p = std::get_if<record::segment_payload>(&r->body.body)) {
        s.session = p->session;
        s.segment_index = p->index;
      }
      if (const auto* p = std::get_if<record::recovery_payload>(&r->body.body)) view.recovered_files.insert(p->file_name);
      if (const auto* p = std::get_if<record::boot_payload>(&r->body.body);
          p && p->previous_shutdown == record::shutdown_kind::unclean && r->body.boot_counter != boot)
        // With no record before it (none of the first boot's survived), the gap starts at the boot record.
        unclean_gaps.push_back({r->body.boot_counter, previous_utc.value_or(r->body.utc.time), r->body.utc.time});
      if (const auto* p = std::get_if<record::interruption_payload>(&r->body.body);
          p && p->reason == record::interruption_reason::power_loss) {
        interruptions.push_back({r->body.boot_counter, p->from, p->to});
      }
      previous_utc = r->body.utc.time;
      if (r->body.boot_counter != boot) {
        view.last_utc_before_boot = r->body.utc.time;
        view.have_previous = true;
      }
      view.summaries.push_back(s);
      return {};
    });
  });
  if (!ok) return std::unexpected(ok.error());
  // A gap is explained by an interruption from its start (the boot's own, or one written late by a later
  // boot), or by the boot's own point interruption at its recovery time (from == to, not before its boot
  // record): what recovery writes when no earlier record survived, or when the clock went back.
  const auto explained = [&](const ledger_view::gap& g) {
    return std::ranges::any_of(interruptions, [&](const written_interruption& i) {
      return i.from == g.from || (i.boot == g.boot && i.from == i.to && i.to >= g.to);
    });
  };
  for (const auto& g : unclean_gaps)
    if (!explained(g)) view.unexplained_gaps.push_back(g);
  return view;
}

std::optional<crypto::sha256_digest> hash_range(std::ifstream& in, std::uint64_t offset, std::uint64_t length) {
  in.clear();
  in.seekg(static_cast<std::streamoff>(offset));
  crypto::sha256_hasher h;
  std::vector<char> buffer(1 << 16);
  std::uint64_t left = length;
  while (left > 0) {
    const auto n = static_cast<std::streamsize>(std::min<std::uint64_t>(left, buffer.size()));
    in.read(buffer.data(), n);
    if (in.gcount() != n) return std::nullopt;
    h.update(core::byte_view(reinterpret_cast<const std::uint8_t*>(buffer.data()), static_cast<std::size_t>(n)));
    left -= static_cast<std::uint64_t>(n);
  }
  return h.finish();
}

bool is_encrypted_footage(std::ifstream& in) {
  in.clear();
  in.seekg(0);
  std::string magic(crypto::footage_magic.size(), '\0');
  in.read(magic.data(), static_cast<std::streamsize>(magic.size()));
  return in.gcount() == static_cast<std::streamsize>(magic.size()) && magic == crypto::footage_magic;
}

core::status rename_no_replace(core::file_system& disk, const fs::path& from, const fs::path& to) {
  if (auto ok = disk.rename_no_replace(from, to); !ok) return core::wrap("rename salvaged segment", ok.error());
  return disk.sync_directory(to.parent_path());
}

record::session_id session_of(const std::string& text) {
  auto parsed = record::session_id::parse(text.substr(0, record::session_id::size * 2));
  return parsed ? *parsed : record::session_id{};
}

core::expected<bool> salvage_file(core::file_system& disk, records::chain_writer& writer, const fs::path& dir,
                                  const ledger::file_entry& file, ledger_view& view) {
  const fs::path final_path = dir / file.name;
  const fs::path partial_path = dir / (file.name + std::string(partial_suffix));
  std::error_code ec;
  const bool has_partial = fs::exists(partial_path, ec);
  const fs::path path = has_partial ? partial_path : final_path;
  if (!has_partial && !fs::exists(final_path, ec)) {
    // The file is gone from the disk (it never should be): say so once; the row stays partial.
    if (view.recovered_files.insert(file.name).second) {
      record::recovery_payload r{record::recovery_cause::power_loss, file.name, 0, 0, 0,
                                 "file missing from " + dir.string() + ": nothing to salvage"};
      if (auto ok = writer.append(std::move(r)); !ok) return std::unexpected(ok.error());
    }
    return false;
  }
  std::vector<ledger::fragment_entry> fragments;
  if (auto ok = writer.with_ledger([&](ledger::ledger& l) -> core::status {
        auto f = l.fragments(file.name);
        if (!f) return std::unexpected(f.error());
        fragments = std::move(*f);
        return {};
      });
      !ok)
    return std::unexpected(ok.error());

  std::ifstream in(path, std::ios::binary);
  if (!in) return core::fail_errno("open salvaged segment", path.string(), errno);
  session::salvage_input input;
  input.file_size = fs::file_size(path, ec);
  if (ec) return core::fail_errno("size of salvaged segment", path.string(), ec.value());
  input.init_length = fragments.empty() ? 0 : fragments.front().byte_offset;
  for (const auto& f : fragments) input.on_disk.push_back(hash_range(in, f.byte_offset, f.byte_length));
  input.fragments = fragments;
  const auto plan = session::plan_salvage(input);

  // Step 1 (invariant 1: once per file).
  if (view.recovered_files.insert(file.name).second) {
    record::recovery_payload r{record::recovery_cause::power_loss, file.name, plan.signed_bytes, plan.kept_fragments,
                               plan.unsigned_tail_bytes, plan.detail};
    if (auto ok = writer.append(std::move(r)); !ok) return std::unexpected(ok.error());
  }
  // Step 2.
  if (has_partial)
    if (auto ok = rename_no_replace(disk, partial_path, final_path); !ok) return std::unexpected(ok.error());
  // Step 3.
  std::ifstream sealed(final_path, std::ios::binary);
  auto whole = hash_range(sealed, 0, input.file_size);
  auto init = hash_range(sealed, 0, std::min(input.init_length, input.file_size));
  if (!whole || !init) return core::fail(core::errc::io, "read salvaged segment " + final_path.string());
  record::segment_payload p;
  p.session = session_of(file.session_id);
  // Segments are sealed in order, so a partial one is the newest of its session: the next index.
  p.index = 0;
  for (const auto& s : view.summaries)
    if (s.kind == record::record_kind::segment && s.session == p.session) p.index = std::max(p.index, s.segment_index + 1);
  p.file_name = file.name;
  p.byte_length = plan.byte_length;
  p.file_sha256 = *whole;
  p.init_sha256 = *init;
  p.fragment_count = plan.kept_fragments;
  p.fragment_root = plan.fragment_root;
  p.closed_by = record::close_reason::power_loss_recovered;
  p.unsigned_tail_bytes = plan.unsigned_tail_bytes;
  // An encrypted segment (docs/formats/encrypted-footage.md) stays encrypted; the camera cannot read its
  // plaintext, so the record says "encrypted, plaintext unknown": length 0 and an all-zero digest.
  if (is_encrypted_footage(sealed)) p.encrypted = record::footage_plaintext{};
  const auto length = plan.byte_length;
  const auto digest = *whole;
  const session::record_summary summary{record::record_kind::segment, p.session, p.index, {}};
  auto appended = writer.append(std::move(p), [&](ledger::transaction& tx, std::uint64_t seq) {
    return tx.set_file_state(file.name, {ledger::file_state::sealed, seq, ledger::file_seal{length, digest}});
  });
  if (!appended) return std::unexpected(appended.error());
  view.summaries.push_back(summary);
  return true;
}

}  // namespace

core::expected<recovery_outcome> run_boot_recovery(records::chain_writer& writer, const fs::path& recording_dir,
                                                   bool unclean) {
  core::posix_file_system posix;
  return run_boot_recovery(posix, writer, recording_dir, unclean);
}

core::expected<recovery_outcome> run_boot_recovery(core::file_system& disk, records::chain_writer& writer,
                                                   const fs::path& recording_dir, bool unclean) {
  recovery_outcome out;
  auto view = read_ledger(writer);
  if (!view) return std::unexpected(view.error());
  out.open = session::find_open_session(view->summaries);

  std::vector<ledger::file_entry> partial;
  if (auto ok = writer.with_ledger([&](ledger::ledger& l) -> core::status {
        auto files = l.files_in_state(ledger::file_state::partial);
        if (!files) return std::unexpected(files.error());
        partial = std::move(*files);
        return {};
      });
      !ok)
    return std::unexpected(ok.error());

  // Orphan .partial files: no ledger row (the header never became durable). Named once, kept as they are.
  std::set<std::string> known;
  for (const auto& f : partial) known.insert(f.name);
  std::vector<std::string> orphans;
  std::error_code ec;
  for (fs::directory_iterator it(recording_dir, ec), end; !ec && it != end; it.increment(ec)) {
    const auto name = it->path().filename().string();
    if (!name.ends_with(partial_suffix)) continue;
    const auto base = name.substr(0, name.size() - partial_suffix.size());
    if (!known.contains(base) && !view->recovered_files.contains(base)) orphans.push_back(base);
  }

  // Invariant 3: an earlier boot killed before its recovery recorded the interruption gets it now.
  for (const auto& earlier : view->unexplained_gaps) {
    record::interruption_payload gap;
    gap.session = out.open ? out.open->session : record::session_id{};
    gap.reason = record::interruption_reason::power_loss;
    gap.from = earlier.from;
    gap.to = std::max(earlier.from, earlier.to);
    gap.detail = "unclean end before boot " + std::to_string(earlier.boot) +
                 ", which ended before its recovery recorded this interruption";
    if (auto ok = writer.append(std::move(gap)); !ok) return std::unexpected(ok.error());
  }
  if (unclean || !partial.empty() || !orphans.empty()) {
    record::interruption_payload gap;
    gap.session = out.open ? out.open->session : record::session_id{};
    gap.reason = record::interruption_reason::power_loss;
    gap.to = writer.clock().utc().time;
    gap.from = view->have_previous ? view->last_utc_before_boot : gap.to;
    if (gap.from > gap.to) gap.from = gap.to;
    gap.detail = "unclean end of the previous boot; " + std::to_string(partial.size()) +
                 " partial segment(s) to salvage" + (out.open ? ", session " + out.open->session.to_hex() + " resumes" : "");
    if (auto ok = writer.append(std::move(gap)); !ok) return std::unexpected(ok.error());
    out.interruption_recorded = true;
  }
  for (const auto& name : orphans) {
    const auto size = fs::file_size(recording_dir / (name + std::string(partial_suffix)), ec);
    record::recovery_payload r{record::recovery_cause::power_loss, name, 0, 0, ec ? 0 : size,
                               "no ledger row (header never durable): kept as " + name + ".partial, unsigned"};
    if (auto ok = writer.append(std::move(r)); !ok) return std::unexpected(ok.error());
    ++out.recovery_records;
  }
  for (const auto& file : partial) {
    auto salvaged = salvage_file(disk, writer, recording_dir, file, *view);
    if (!salvaged) return std::unexpected(salvaged.error());
    if (*salvaged) ++out.salvaged_files;
  }
  // Segments sealed just now count for the session's next index.
  out.open = session::find_open_session(view->summaries);
  out.resumable = session::find_resumable_stop(view->summaries);
  return out;
}

}  // namespace bodycam::firmware::recorder

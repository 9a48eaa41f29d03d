#include "firmware/session/recovery_plan.hpp"

#include "common/crypto/merkle.hpp"

#include <map>

namespace bodycam::firmware::session {

using namespace bodycam::common;

salvage_plan plan_salvage(const salvage_input& input) {
  salvage_plan plan;
  plan.byte_length = input.file_size;  // invariant 2
  std::vector<crypto::sha256_digest> leaves;
  std::uint64_t end = std::min(input.init_length, input.file_size);
  std::string stop_reason;
  for (std::size_t i = 0; i < input.fragments.size(); ++i) {
    const auto& f = input.fragments[i];
    // Invariant 1: contiguous, on disk, same hash; the first failure ends the prefix.
    if (f.byte_offset != end) {
      stop_reason = "fragment " + std::to_string(i) + " does not start where the previous ended";
      break;
    }
    if (i >= input.on_disk.size() || !input.on_disk[i]) {
      stop_reason = "fragment " + std::to_string(i) + " is past the end of the file";
      break;
    }
    if (*input.on_disk[i] != f.sha256) {
      stop_reason = "fragment " + std::to_string(i) + " does not match its recorded SHA-256";
      break;
    }
    leaves.push_back(f.sha256);
    end = f.byte_offset + f.byte_length;
  }
  plan.kept_fragments = static_cast<std::uint32_t>(leaves.size());
  plan.signed_bytes = end;
  plan.unsigned_tail_bytes = input.file_size - end;  // invariant 3
  plan.fragment_root = crypto::merkle_root(leaves);
  plan.detail = std::to_string(plan.kept_fragments) + " of " + std::to_string(input.fragments.size()) +
                " recorded fragments verified" + (stop_reason.empty() ? "" : " (" + stop_reason + ")") + ", " +
                std::to_string(plan.unsigned_tail_bytes) + " unsigned tail bytes kept";
  return plan;
}

std::optional<open_session> find_open_session(std::span<const record_summary> records) {
  std::optional<open_session> open;
  std::map<record::session_id, std::uint32_t> next_index;  // per session, across all its runs
  for (const auto& r : records) {
    if (r.kind == record::record_kind::session_start || r.kind == record::record_kind::session_resume) {
      open = open_session{r.session, next_index[r.session], r.utc};
    } else if (r.kind == record::record_kind::session_stop) {
      if (open && open->session == r.session) open.reset();
    } else if (r.kind == record::record_kind::segment) {
      auto& next = next_index[r.session];
      next = std::max(next, r.segment_index + 1);
      if (open && open->session == r.session) open->next_segment_index = next;
    }
    if (open) open->last_record_utc = r.utc;
  }
  return open;
}

bool is_automatic_stop(record::stop_reason reason) noexcept {
  return reason == record::stop_reason::low_battery || reason == record::stop_reason::storage_full ||
         reason == record::stop_reason::fault;
}

std::optional<resumable_stop> find_resumable_stop(std::span<const record_summary> records) {
  std::optional<resumable_stop> found;
  std::map<record::session_id, std::uint32_t> next_index;
  for (const auto& r : records) {
    if (r.kind == record::record_kind::session_start || r.kind == record::record_kind::session_resume) {
      found.reset();
    } else if (r.kind == record::record_kind::session_stop) {
      found.reset();
      if (is_automatic_stop(r.stop)) found = resumable_stop{r.session, r.seq, r.stop, r.utc, next_index[r.session]};
    } else if (r.kind == record::record_kind::segment) {
      auto& next = next_index[r.session];
      next = std::max(next, r.segment_index + 1);
      if (found && found->session == r.session) found->next_segment_index = next;
    }
  }
  return found;
}

bool within_resume_window(const resumable_stop& stop, record::utc_time now, std::chrono::milliseconds window) noexcept {
  return now - stop.stop_utc <= window;
}

}  // namespace bodycam::firmware::session

// The camera's offload request handler; see offload_handler.hpp for the invariants kept here.
#include "firmware/offload/offload_handler.hpp"

#include "common/chain/checkpoint.hpp"
#include "common/core/unique_fd.hpp"
#include "common/receipt/receipt.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace bodycam::firmware::offload {

namespace core = common::core;
namespace crypto = common::crypto;
namespace ledger = common::ledger;
namespace msg = common::offload;
namespace record = common::record;

namespace {

bool is_plain_file_name(std::string_view name) {
  return !name.empty() && name.size() <= msg::max_file_name && name.find('/') == std::string_view::npos &&
         name.find('\0') == std::string_view::npos && !name.starts_with('.');
}

}  // namespace

offload_handler::offload_handler(records::chain_writer& writer, crypto::signer& signer,
                                 std::filesystem::path recording_dir, common::link::key_directory trusted_docks,
                                 camera_state_source state)
    : writer_(writer),
      signer_(signer),
      recording_dir_(std::move(recording_dir)),
      trusted_docks_(std::move(trusted_docks)),
      state_(std::move(state)) {}

msg::message offload_handler::handle(const msg::message& request, const crypto::public_key& peer) {
  core::expected<msg::message> out = core::fail(core::errc::malformed, "not a request");
  if (std::holds_alternative<msg::checkpoint_request>(request)) out = checkpoint();
  else if (const auto* r = std::get_if<msg::records_request>(&request)) out = records(*r);
  else if (const auto* f = std::get_if<msg::file_request>(&request)) out = file(*f);
  else if (const auto* t = std::get_if<msg::timesync_request>(&request)) out = timesync(*t, peer);
  else if (const auto* c = std::get_if<msg::receipt_request>(&request)) out = receipt(*c, peer);
  else out = core::fail(core::errc::malformed, std::string(msg::to_string(msg::type_of(request))) +
                                                  " is not a request a camera answers");
  if (!out) return msg::from_error(out.error());
  return std::move(*out);
}

core::expected<msg::message> offload_handler::checkpoint() {
  ledger::chain_head head;
  auto ok = writer_.with_ledger([&](ledger::ledger& l) -> core::status {
    auto h = l.head();
    if (!h) return std::unexpected(h.error());
    head = *h;
    return {};
  });
  if (!ok) return core::wrap("checkpoint", ok.error());
  common::chain::checkpoint c;
  c.device = writer_.device();
  c.count = head.next_seq;
  c.head = head.last_hash;
  c.utc = writer_.clock().utc().time;
  auto signed_cp = common::chain::sign_checkpoint(c, signer_);
  if (!signed_cp) return std::unexpected(signed_cp.error());
  msg::checkpoint_response out;
  out.checkpoint = std::move(signed_cp->bytes);
  if (state_) {
    const auto s = state_();
    out.battery_percent = s.battery_percent;
    out.free_bytes = s.free_bytes;
  }
  return out;
}

core::expected<msg::message> offload_handler::records(const msg::records_request& r) {
  msg::records_response out;
  out.from_seq = r.from_seq;
  std::size_t total = 0;
  auto ok = writer_.with_ledger([&](ledger::ledger& l) -> core::status {
    for (std::uint64_t seq = r.from_seq; out.records.size() < r.max_count; ++seq) {
      auto rec = l.record(seq);
      if (!rec) {
        if (rec.error().code == core::errc::not_found) break;  // the end of the chain
        return std::unexpected(rec.error());
      }
      if (msg::records_response_size(out.records.size() + 1, total + rec->bytes.size()) > msg::max_message_bytes) {
        if (out.records.empty())
          return core::fail(core::errc::unsupported, "record " + std::to_string(seq) + " (" +
                                                         std::to_string(rec->bytes.size()) +
                                                         " bytes) does not fit one offload message");
        break;
      }
      total += rec->bytes.size();
      out.records.push_back(std::move(rec->bytes));
    }
    return {};
  });
  if (!ok) return core::wrap("records from seq " + std::to_string(r.from_seq), ok.error());
  return out;
}

core::expected<msg::message> offload_handler::file(const msg::file_request& r) {
  const std::string what = "file " + r.file_name;
  if (!is_plain_file_name(r.file_name)) return core::fail(core::errc::permission, what + ": not a plain file name");
  // Invariant 1: only sealed or stored files of the ledger.
  std::optional<ledger::file_entry> entry;
  auto ok = writer_.with_ledger([&](ledger::ledger& l) -> core::status {
    auto e = l.file(r.file_name);
    if (!e) return std::unexpected(e.error());
    entry = std::move(*e);
    return {};
  });
  if (!ok) return core::wrap(what, ok.error());
  if (entry->state == ledger::file_state::partial)
    return core::fail(core::errc::conflict, what + ": still being written (partial)");
  if (entry->state == ledger::file_state::reclaimed)
    return core::fail(core::errc::not_found, what + ": reclaimed (freed on the camera after a receipt)");
  const auto path = recording_dir_ / r.file_name;
  core::unique_fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd.is_open()) return core::fail_errno("open", what, errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return core::fail_errno("stat", what, errno);
  const auto size = static_cast<std::uint64_t>(st.st_size);
  msg::file_response out;
  out.file_name = r.file_name;
  out.offset = r.offset;
  out.file_length = size;
  if (r.offset > size)
    return core::fail(core::errc::invalid_argument,
                      what + ": offset " + std::to_string(r.offset) + " beyond its " + std::to_string(size) + " bytes");
  const auto length = static_cast<std::size_t>(std::min<std::uint64_t>(r.length, size - r.offset));
  out.data.resize(length);
  std::size_t done = 0;
  while (done < length) {
    const auto n = ::pread(fd.get(), out.data.data() + done, length - done, static_cast<off_t>(r.offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return core::fail_errno("read", what, errno);
    }
    if (n == 0) break;  // shrank meanwhile: serve what is there; the dock's hash check decides
    done += static_cast<std::size_t>(n);
  }
  out.data.resize(done);
  return out;
}

core::status offload_handler::check_dock(std::string_view dock_id, const crypto::public_key& key,
                                         const crypto::public_key& peer) const {
  if (key != peer)
    return core::fail(core::errc::permission, "signed by key " + key.fingerprint().to_hex() +
                                                  ", not by the dock on this link (" + peer.fingerprint().to_hex() + ")");
  const auto enrolled = trusted_docks_.key_of(dock_id);
  if (!enrolled || *enrolled != key)
    return core::fail(core::errc::permission, "dock '" + std::string(dock_id) + "' with key " +
                                                  key.fingerprint().to_hex() + " is not an agency dock");
  return {};
}

core::status offload_handler::check_head(std::uint64_t count, const crypto::sha256_digest& head, std::string_view what) {
  return writer_.with_ledger([&](ledger::ledger& l) -> core::status {
    auto h = l.head();
    if (!h) return std::unexpected(h.error());
    if (count > h->next_seq)
      return core::fail(core::errc::conflict, std::string(what) + " covers " + std::to_string(count) +
                                                  " records, but this chain has " + std::to_string(h->next_seq));
    if (count == 0) {
      if (!head.is_zero()) return core::fail(core::errc::conflict, std::string(what) + ": empty chain with a head");
      return {};
    }
    auto rec = l.record(count - 1);
    if (!rec) return std::unexpected(rec.error());
    if (rec->hash != head)
      return core::fail(core::errc::conflict, std::string(what) + ": head hash is not this chain's record " +
                                                  std::to_string(count - 1));
    return {};
  });
}

core::expected<msg::message> offload_handler::timesync(const msg::timesync_request& r, const crypto::public_key& peer) {
  if (auto ok = check_dock(r.dock_id, r.dock_key, peer); !ok) return core::wrap("refuse timesync", ok.error());
  const auto message =
      common::chain::witness_message(writer_.device(), r.checkpoint_count, r.checkpoint_head, r.dock_utc);
  if (!crypto::verify_signature(r.dock_key, message, r.dock_signature))
    return core::fail(core::errc::bad_signature, "refuse timesync from dock '" + r.dock_id + "': witness signature");
  if (auto ok = check_head(r.checkpoint_count, r.checkpoint_head, "timesync"); !ok)
    return core::wrap("refuse timesync from dock '" + r.dock_id + "'", ok.error());
  record::timesync_payload p;
  p.dock_id = r.dock_id;
  p.dock_key = r.dock_key;
  p.dock_utc = r.dock_utc;
  p.offset = writer_.clock().utc().time - r.dock_utc;
  p.checkpoint_count = r.checkpoint_count;
  p.checkpoint_head = r.checkpoint_head;
  p.dock_signature = r.dock_signature;
  auto appended = writer_.append(std::move(p));
  if (!appended) return core::wrap("record timesync", appended.error());
  return msg::appended_response{msg::append_outcome::appended, appended->body.seq};
}

core::expected<std::pair<std::uint64_t, std::uint64_t>> offload_handler::covered() {
  if (covered_) return *covered_;
  std::pair<std::uint64_t, std::uint64_t> best{0, 0};
  auto ok = writer_.with_ledger([&](ledger::ledger& l) -> core::status {
    return l.for_each_record(0, [&](const ledger::stored_record& s) -> core::status {
      if (s.kind != static_cast<std::uint16_t>(record::record_kind::receipt)) return {};
      auto parsed = record::parse_signed_record(s.bytes);
      if (!parsed) return core::wrap("ledger record " + std::to_string(s.seq), parsed.error());
      const auto& p = std::get<record::receipt_payload>(parsed->body.body);
      if (p.covered_count > best.first) best = {p.covered_count, s.seq};
      return {};
    });
  });
  if (!ok) return std::unexpected(ok.error());
  covered_ = best;
  return best;
}

core::expected<msg::message> offload_handler::receipt(const msg::receipt_request& r, const crypto::public_key& peer) {
  auto parsed = common::receipt::parse(r.document);
  if (!parsed) return core::wrap("refuse receipt", parsed.error());
  const auto& body = parsed->body;
  const std::string what = "refuse receipt " + common::receipt::store_name(body);
  if (auto ok = check_dock(body.issuer, body.issuer_key, peer); !ok) return core::wrap(what, ok.error());
  if (!common::receipt::verify_signature(*parsed))
    return core::fail(core::errc::bad_signature, what + ": signature does not verify");
  if (body.device != writer_.device())
    return core::fail(core::errc::permission, what + ": it is for device " + body.device.str());
  if (auto ok = check_head(body.end_seq, body.head_hash, "receipt"); !ok) return core::wrap(what, ok.error());

  std::lock_guard lock(receipt_mutex_);
  auto already = covered();
  if (!already) return core::wrap(what, already.error());
  if (body.end_seq <= already->first)  // invariant 4
    return msg::appended_response{msg::append_outcome::already_recorded, already->second};

  // Invariant 3: the sealed files this receipt covers.
  std::vector<std::string> covered_files;
  auto listed = writer_.with_ledger([&](ledger::ledger& l) -> core::status {
    auto sealed = l.files_in_state(ledger::file_state::sealed);
    if (!sealed) return std::unexpected(sealed.error());
    for (const auto& f : *sealed) {
      if (!f.sealing_seq || *f.sealing_seq >= body.end_seq || !f.seal) continue;
      const bool listed_object = std::any_of(body.objects.begin(), body.objects.end(), [&](const auto& o) {
        return o.sha256 == f.seal->sha256 && o.byte_length == f.seal->byte_length;
      });
      if (listed_object) covered_files.push_back(f.name);
    }
    return {};
  });
  if (!listed) return core::wrap(what, listed.error());
  auto appended = writer_.append(common::receipt::to_record_payload(*parsed),
                                 [&](ledger::transaction& tx, std::uint64_t seq) -> core::status {
                                   for (const auto& name : covered_files) {
                                     auto ok = tx.set_file_state(name, {ledger::file_state::stored, seq, std::nullopt});
                                     if (!ok) return std::unexpected(ok.error());
                                   }
                                   return {};
                                 });
  if (!appended) return core::wrap("record receipt " + common::receipt::store_name(body), appended.error());
  covered_ = std::pair{body.end_seq, appended->body.seq};
  return msg::appended_response{msg::append_outcome::appended, appended->body.seq};
}

}  // namespace bodycam::firmware::offload

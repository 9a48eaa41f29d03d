// Photos in the open session (recorder_service.hpp invariant 7) and what the OSD shows of the session: a
// photo is the next frame the video encoder takes, encoded as JPEG on this thread, checked against the
// storage reserve, written durably as its own file (temp → fsync → rename → fsync directory, never over an
// existing file) and then sealed by its signed `photo` record in one ledger transaction. The pipeline goes
// on recording throughout: it hands out one frame reference and waits for nothing. A photo that cannot be
// taken or stored is refused with the reason; the session is not touched. With footage keys configured
// ([footage], docs/formats/encrypted-footage.md) the file is the JPEG encrypted as a statement is (messages of
// 64 KiB): the record's byte_length and file_sha256 cover the ciphertext as stored, its `encrypted` field the
// JPEG; a photo that cannot be encrypted is refused, never written in the clear.
#include "firmware/recorder/recorder_service.hpp"

#include "common/core/durable_file.hpp"
#include "common/crypto/footage_buffer.hpp"
#include "firmware/media/osd_text.hpp"
#include "firmware/session/photo_rules.hpp"

#include <cstdio>

namespace bodycam::firmware::recorder {

using namespace bodycam::common;
using session::session_event;

namespace {
constexpr auto photo_frame_timeout = std::chrono::seconds(2);

record::utc_time to_record_utc(std::chrono::system_clock::time_point t) {
  return record::utc_time(std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()));
}
}  // namespace

core::expected<control::recorder_status> recorder_service::photo(const control::photo_command&) {
  std::lock_guard lock(mutex_);
  if (auto ok = check_session_event_locked(session_event::photo_request, "photo"); !ok)
    return std::unexpected(ok.error());
  if (auto ok = raise_locked(session_event::photo_request, {}, "photo"); !ok) return std::unexpected(ok.error());
  return status_locked();
}

core::status recorder_service::take_photo_locked() {
  auto refuse = [this](const core::error& e) -> core::status {
    note_ = e.context;
    signal(session::feedback_signal::beep, note_);
    return std::unexpected(e);
  };
  auto still = pipeline_.take_still(photo_frame_timeout);
  if (!still) return refuse(core::wrap("photo", still.error()).error());
  auto jpeg = media::encode_jpeg(*still->frame);
  if (!jpeg) return refuse(core::wrap("photo", jpeg.error()).error());
  std::optional<crypto::sealed_footage> sealed;
  if (!options_.footage_recipients.empty()) {
    auto encrypted = crypto::seal_footage_buffer(*jpeg, options_.footage_recipients, crypto::system_random());
    if (!encrypted) return refuse(core::wrap("photo refused: encrypt the JPEG; recording goes on", encrypted.error()).error());
    sealed = std::move(*encrypted);
  }
  const core::byte_buffer& bytes = sealed ? sealed->ciphertext : *jpeg;
  // Invariant 7: the footage keeps its reserve.
  const auto storage = read_storage(options_.recording_dir.string());
  if (!storage.free_bytes)
    return refuse(core::error{core::errc::io, "photo refused: the free space of " + options_.recording_dir.string() +
                                                  " cannot be read; recording goes on"});
  if (auto ok = session::check_photo_space(*storage.free_bytes, options_.thresholds.storage_reserve_bytes, bytes.size());
      !ok)
    return refuse(ok.error());

  record::photo_payload p;
  p.session = *session_;
  p.file_name = session::photo_file_name(session_->to_hex(), writer_.boot_counter(), run_tag_, still->pts);
  p.byte_length = bytes.size();
  p.file_sha256 = crypto::sha256(bytes);
  if (sealed) p.encrypted = record::footage_plaintext{sealed->digests.plaintext_bytes, sealed->digests.plaintext_sha256};
  p.width = static_cast<std::uint32_t>(still->frame->width);
  p.height = static_cast<std::uint32_t>(still->frame->height);
  p.time_base_num = static_cast<std::uint32_t>(still->base.num);
  p.time_base_den = static_cast<std::uint32_t>(still->base.den);
  p.pts = still->pts;
  p.captured_utc = to_record_utc(still->captured_utc);
  if (auto ok = core::write_file_durably(options_.recording_dir / p.file_name, bytes, {0644, true}); !ok)
    return refuse(core::wrap("photo refused: recording goes on", ok.error()).error());

  const std::string file_name = p.file_name;
  const ledger::file_seal seal{p.byte_length, p.file_sha256};
  const std::string session_hex = session_->to_hex();
  auto appended = writer_.append(std::move(p), [&](ledger::transaction& tx, std::uint64_t seq) -> core::status {
    if (auto ok = tx.add_file({file_name, ledger::file_kind::photo, session_hex}); !ok) return ok;
    return tx.set_file_state(file_name, {ledger::file_state::sealed, seq, seal});
  });
  if (!appended) {
    // The file stays where it is (nothing is deleted); without its record the audit never counts it.
    ledger_failed_locked(appended.error());
    return core::wrap("photo: append photo record", appended.error());
  }
  note_ = "photo " + file_name + " (" + std::to_string(still->frame->width) + "x" +
          std::to_string(still->frame->height) + ", " + std::to_string(seal.byte_length) + " bytes)";
  signal(session::feedback_signal::beep, note_);
  return {};
}

std::string recorder_service::osd_line_locked() const {
  if (!session_) return {};
  const auto officers = roster_.present();
  const auto& action = roster_.action();
  return media::osd_session_line(action ? action->action : std::string_view{},
                                 action ? action->case_number : std::string_view{}, officers);
}

void recorder_service::refresh_osd_locked() { pipeline_.set_session_line(osd_line_locked()); }

core::status recorder_service::restore_roster_locked(const record::session_id& session) {
  roster_.begin(options_.officer_id);
  // Invariant 8: the session's action and officers as the chain holds them, in seq order.
  auto replayed = writer_.with_ledger([&](ledger::ledger& l) -> core::status {
    return l.for_each_record(0, [&](const ledger::stored_record& stored) -> core::status {
      const auto kind = static_cast<record::record_kind>(stored.kind);
      if (kind != record::record_kind::action && kind != record::record_kind::officer) return {};
      auto parsed = record::parse_signed_record(stored.bytes);
      if (!parsed) return core::wrap("read record " + std::to_string(stored.seq), parsed.error());
      const bool ours = std::visit(
          [&](const auto& body) {
            if constexpr (requires { body.session; }) return body.session == session;
            return false;
          },
          parsed->body.body);
      if (ours) roster_.replay(parsed->body.body);
      return {};
    });
  });
  refresh_osd_locked();
  if (!replayed) std::fprintf(stderr, "bodycam-recorder: restore roster: %s\n", replayed.error().context.c_str());
  return replayed;
}

}  // namespace bodycam::firmware::recorder

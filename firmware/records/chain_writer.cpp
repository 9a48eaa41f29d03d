#include "firmware/records/chain_writer.hpp"

#include "common/chain/append_signed.hpp"

namespace bodycam::firmware::records {

using namespace bodycam::common;

chain_writer::chain_writer(record::device_id device, ledger::ledger ledger, crypto::signer& signer,
                           const time_source& clock)
    : device_(std::move(device)), ledger_(std::move(ledger)), signer_(signer), clock_(clock) {
  if (auto head = ledger_.head(); head && head->next_seq > 0) last_seq_ = head->next_seq - 1;
}

core::expected<std::uint32_t> chain_writer::begin_boot() {
  std::lock_guard lock(mutex_);
  auto counter = ledger_.next_boot_counter();
  if (!counter) return std::unexpected(counter.error());
  if (*counter > UINT32_MAX) return core::fail(core::errc::corrupt, "boot counter exceeds 32 bits");
  boot_counter_ = static_cast<std::uint32_t>(*counter);
  return boot_counter_;
}

core::expected<record::signed_record> chain_writer::append(record::payload body, const rows_with_record& also) {
  auto appended = append_locked(std::move(body), also);
  if (appended && observer_) observer_(*appended);  // after the lock: the observer may append
  return appended;
}

core::expected<record::signed_record> chain_writer::append_locked(record::payload body, const rows_with_record& also) {
  std::lock_guard lock(mutex_);
  record::record draft;
  draft.device = device_;
  draft.boot_counter = boot_counter_;
  draft.monotonic = clock_.monotonic();
  draft.utc = clock_.utc();
  draft.body = std::move(body);
  auto appended = chain::append_signed(ledger_, std::move(draft), signer_, also);
  if (!appended) return std::unexpected(appended.error());
  last_seq_ = appended->body.seq;
  return appended;
}

void chain_writer::set_append_observer(append_observer observer) { observer_ = std::move(observer); }

core::status chain_writer::with_ledger(const std::function<core::status(ledger::ledger&)>& use) {
  std::lock_guard lock(mutex_);
  return use(ledger_);
}

std::optional<std::uint64_t> chain_writer::last_seq() const {
  std::lock_guard lock(mutex_);
  return last_seq_;
}

}  // namespace bodycam::firmware::records

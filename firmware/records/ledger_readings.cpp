#include "firmware/records/ledger_readings.hpp"

#include "common/record/record.hpp"

#include <string>
#include <variant>

namespace bodycam::firmware::records {

namespace core = common::core;
namespace ledger = common::ledger;
namespace record = common::record;

namespace {

session::presence head_reading(const ledger::ledger& l, const common::crypto::public_key* device_key) {
  auto head = l.head();
  if (!head) return {false, "ledger: " + head.error().context};
  if (head->is_empty()) return {true, "empty chain"};
  auto last = l.record(head->next_seq - 1);
  if (!last) return {false, "ledger: " + last.error().context};
  const std::string which = "record " + std::to_string(last->seq);
  auto parsed = record::parse_signed_record(last->bytes);
  if (!parsed) return {false, which + ": " + parsed.error().context};
  if (device_key == nullptr) return {false, which + ": no device key to check its signature with"};
  if (!record::verify_record_signature(*parsed, *device_key))
    return {false, which + ": signature does not verify with the device key"};
  return {true, which + " verifies with the device key"};
}

}  // namespace

void read_ledger_readings(const ledger::ledger& l, const common::crypto::public_key* device_key,
                          session::precheck_readings& r) {
  if (auto stored = l.files_in_state(ledger::file_state::stored)) {
    for (const auto& f : *stored)
      if (f.seal) r.storage.reclaimable_bytes += f.seal->byte_length;
  } else {
    r.chain_head = {false, "ledger: " + stored.error().context};
    return;
  }
  auto scan = l.for_each_record(0, [&](const ledger::stored_record& s) -> core::status {
    if (s.kind != static_cast<std::uint16_t>(record::record_kind::timesync)) return {};
    auto parsed = record::parse_signed_record(s.bytes);
    if (!parsed) return {};  // the head check below (or bodycam verify) names a bad record
    const auto& t = std::get<record::timesync_payload>(parsed->body.body);
    r.clock.sync_age = r.clock.now - t.dock_utc;
    r.clock.sync_offset = t.offset;
    return {};
  });
  if (!scan) {
    r.chain_head = {false, "ledger: " + scan.error().context};
    return;
  }
  r.chain_head = head_reading(l, device_key);
}

}  // namespace bodycam::firmware::records

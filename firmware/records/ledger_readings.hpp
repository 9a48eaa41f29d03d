// What the pre-shift checks read from the camera's ledger, one reading for the recorder before a shift and for
// `bodycam doctor` on the same ledger: the bytes a receipt has freed (files in state `stored`, the only space
// that counts as reclaimable), the last dock `timesync` (its age at `readings.clock.now` and its offset), and
// whether the newest record verifies with the device key.
// Guarantees: read only; a ledger that cannot be read, or a head that does not parse or verify, is reported in
// `readings.chain_head` (present = false, detail says why) — never silently taken as good.
#pragma once

#include "common/crypto/ed25519.hpp"
#include "common/ledger/ledger.hpp"
#include "firmware/session/precheck.hpp"

namespace bodycam::firmware::records {

// `device_key` null: the head cannot be checked, which is itself a failed chain_head reading.
void read_ledger_readings(const common::ledger::ledger& ledger, const common::crypto::public_key* device_key,
                          session::precheck_readings& readings);

}  // namespace bodycam::firmware::records

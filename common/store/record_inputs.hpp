// A device's records as they sit in a store, ready for the chain verifier (common/chain/verifier.hpp): each
// with its place as origin ("records/cam-0001/5") and the seq that place claims, so that `bodycam verify` and
// `bodycam audit` check a store exactly as docs/formats/store.md §5 describes. Reading only; what the bytes
// say is for the verifier to judge (a record stored under the wrong seq is its `seq_mismatch`).
#pragma once

#include "common/chain/verifier.hpp"
#include "common/store/store.hpp"

#include <span>
#include <vector>

namespace bodycam::common::store {

// Every record of `device`, in seq order. Fails only if the store cannot be read.
[[nodiscard]] core::expected<std::vector<chain::record_input>> read_record_inputs(const store& s,
                                                                                  const record::device_id& device);
// The same for the seqs a listing of the device's records just gave (store::list_record_seqs), in their order.
[[nodiscard]] core::expected<std::vector<chain::record_input>> read_record_inputs(
    const store& s, const record::device_id& device, std::span<const std::uint64_t> seqs);

}  // namespace bodycam::common::store

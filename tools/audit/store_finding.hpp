// One thing a store lacks or holds altered, as data, with its stable reason code (docs/formats/store.md,
// "Reason codes"): `bodycam audit` and `bodycam verify STORE` report the same findings, made by
// store_findings.hpp. `describe` is the sentence a clerk reads; JSON carries the code and the fields.
#pragma once

#include "common/crypto/sha256.hpp"
#include "common/record/ids.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace bodycam::tools::audit {

namespace crypto = common::crypto;
namespace record = common::record;

enum class store_reason {
  object_missing,          // a file a record or receipt names is not in the store
  object_short,            // the stored file has fewer bytes than recorded (truncated)
  object_oversize,         // the stored file has more bytes than recorded
  object_mismatch,         // the stored file has the recorded length but hashes to something else
  receipt_record_missing,  // a record a verified receipt covers is not in the store
  receipt_head_mismatch,   // the stored record at a receipt's head has another hash than the receipt names
};
[[nodiscard]] std::string_view to_string(store_reason r) noexcept;

struct store_finding {
  store_reason code = store_reason::object_missing;
  record::device_id device;
  std::optional<std::uint64_t> first_seq;  // the record (or first of a range of records) concerned
  std::optional<std::uint64_t> last_seq;
  std::optional<crypto::sha256_digest> object;
  std::string file_name;  // from the record that describes the object; empty if no stored record does
  std::string receipt;    // receipts/<name> that demands it, if a receipt does
  std::string detail;     // lengths, the hash the bytes now have
};

// A sentence for a clerk: "record 7 of cam-0002 is covered by receipt … but is not in the store".
[[nodiscard]] std::string describe(const store_finding& f);
// Whether a device_audit::problems line is one that a store_finding of the same device already says in words.
[[nodiscard]] bool is_store_finding_line(const std::string& problem);
// "objects/sha256/<hex> (<file>, record <seq>)", the place a technical line names.
[[nodiscard]] std::string object_place(const store_finding& f);

}  // namespace bodycam::tools::audit

// The audit's local catalogue: a SQLite file of devices, sessions, segments, annotations, receipts, accesses
// and retention events, for clerks' queries (`sqlite3 catalogue.db "select ... from segments where late"`).
// It is an index, never the evidence: every run rebuilds it from the store alone.
// Invariants:
//  1. Rebuilt whole: the new catalogue is written to a temp file in the same folder, committed, fsynced and
//     renamed over the old one, then the folder is fsynced; a failure leaves the old catalogue as it was.
//  2. An existing file that is not a bodycam catalogue (another database, a corrupt file) is never
//     overwritten: errc::corrupt naming it.
#pragma once

#include "tools/audit/audit_report.hpp"

#include <filesystem>

namespace bodycam::tools::audit {

inline constexpr std::string_view catalogue_format = "bodycam-catalogue";
inline constexpr int catalogue_version = 1;

[[nodiscard]] common::core::status write_catalogue(const std::filesystem::path& path, const audit_report& report);
// errc::corrupt if `path` exists and is not a catalogue of this format; not_found if absent.
[[nodiscard]] common::core::status check_catalogue(const std::filesystem::path& path);

}  // namespace bodycam::tools::audit

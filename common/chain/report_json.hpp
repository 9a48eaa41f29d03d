// Renderings of a chain_report: JSON for programs (stable field names and reason codes) and plain text for
// a terminal (one line per record with what it tells — reasons, statements, salvage — then chain findings and
// the verdict).
#pragma once

#include "common/chain/verifier.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace bodycam::common::chain {

[[nodiscard]] nlohmann::json report_to_json(const chain_report& report, const verify_options& options);
[[nodiscard]] std::string report_to_text(const chain_report& report, const verify_options& options);
// One line saying what a record tells (reason codes, close reasons, statements, salvage), for the text report.
[[nodiscard]] std::string record_story(const record::record& r);

}  // namespace bodycam::common::chain

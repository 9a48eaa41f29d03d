// Renderings of a chain_report: JSON for programs (stable field names and reason codes) and plain text for
// a terminal (one line per record, then chain findings and the verdict).
#pragma once

#include "common/chain/verifier.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace bodycam::common::chain {

[[nodiscard]] nlohmann::json report_to_json(const chain_report& report, const verify_options& options);
[[nodiscard]] std::string report_to_text(const chain_report& report, const verify_options& options);

}  // namespace bodycam::common::chain

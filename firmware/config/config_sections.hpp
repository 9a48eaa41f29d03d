// The sections a recorder config may contain, one row each, and the checks that span sections.
// Adding a section is one struct in recorder_config.hpp, one parse function and one row in config_sections.cpp;
// the parser core (config_parser.cpp) walks this table and never changes.
#pragma once

#include "common/core/error.hpp"
#include "firmware/config/recorder_config.hpp"
#include "firmware/config/table_reader.hpp"

#include <span>
#include <string_view>

namespace bodycam::firmware::config {

struct section_parser {
  std::string_view name;
  // Reads the section's keys into `config`; called with an empty table when the section is absent, so
  // required keys are reported by name either way.
  core::status (*parse)(table_reader& reader, recorder_config& config);
};

[[nodiscard]] std::span<const section_parser> recorder_sections() noexcept;

// Checks between sections (e.g. a segment holds at least one GOP), after every section was read: media's own
// validate() on pipeline_settings(config), its field names given as config keys.
[[nodiscard]] core::status check_across_sections(const recorder_config& config);

}  // namespace bodycam::firmware::config

// The parser core: TOML text -> tables -> the section table of config_sections.cpp -> cross-section checks.
// toml++ reports syntax errors by exception; they are caught here and never leave the module.
#include "firmware/config/config_parser.hpp"

#include "firmware/config/config_sections.hpp"
#include "firmware/config/table_reader.hpp"

#include <algorithm>

#include <toml++/toml.h>

namespace bodycam::firmware::config {

namespace {

std::unexpected<core::error> in_origin(const parse_options& options, const core::error& inner) {
  return core::wrap("config " + options.origin, inner);
}

std::string known_sections() {
  std::string out;
  for (const auto& section : recorder_sections()) {
    if (!out.empty()) out += ", ";
    out += section.name;
  }
  return out;
}

}  // namespace

core::expected<recorder_config> parse_recorder_config(std::string_view text, const parse_options& options) {
  toml::table root;
  try {
    root = toml::parse(text, options.origin);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    return core::fail(core::errc::malformed, "config " + options.origin + ":" + std::to_string(where.line) + ":" +
                                                 std::to_string(where.column) + ": " + std::string(e.description()));
  }

  // 1. Every top-level entry is a known section and a table.
  const auto sections = recorder_sections();
  for (const auto& [key, node] : root) {
    const std::string_view name = key.str();
    const auto known =
        std::find_if(sections.begin(), sections.end(), [&](const section_parser& s) { return s.name == name; });
    if (known == sections.end())
      return in_origin(options,
                       core::error{core::errc::invalid_argument, key_for_message(name) + ": unknown section (line " +
                                                                     std::to_string(key.source().begin.line) +
                                                                     "); known sections: " + known_sections()});
    if (!node.is_table())
      return in_origin(
          options, core::error{core::errc::malformed, std::string(name) + ": expected a table ([" + std::string(name) +
                                                          "]), got " + describe_value(node)});
  }

  // 2. Every section is read, present or not, so missing required keys are named too.
  recorder_config config;
  const toml::table empty;
  for (const auto& section : sections) {
    const toml::table* table = root[section.name].as_table();
    table_reader reader(table != nullptr ? *table : empty, std::string(section.name), options.base_directory);
    if (auto ok = section.parse(reader, config); !ok) return in_origin(options, ok.error());
    if (auto ok = reader.finish(); !ok) return in_origin(options, ok.error());
  }

  // 3. Rules that span sections.
  if (auto ok = check_across_sections(config); !ok) return in_origin(options, ok.error());
  return config;
}

}  // namespace bodycam::firmware::config

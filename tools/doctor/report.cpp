#include "tools/doctor/report.hpp"

#include <nlohmann/json.hpp>

namespace bodycam::tools::doctor {

namespace {

std::string verdict(std::span<const finding> found) {
  std::size_t warnings = 0, problems = 0;
  for (const auto& f : found) {
    warnings += f.level == severity::warning ? 1 : 0;
    problems += f.level == severity::problem ? 1 : 0;
  }
  if (problems > 0)
    return std::to_string(problems) + " problem(s), " + std::to_string(warnings) +
           " warning(s): fix the problems before the shift";
  if (warnings > 0) return std::to_string(warnings) + " warning(s), no problem";
  return "all checks ok";
}

}  // namespace

std::string render_text(std::string_view target, std::string_view config_path, std::span<const finding> found) {
  std::string out = "bodycam doctor " + std::string(target) + " " + std::string(config_path) + "\n";
  for (const auto& f : found) {
    std::string line = std::string(to_string(f.level));
    line.resize(8, ' ');
    line += f.check + ": " + f.what;
    if (!f.where.empty()) line += " [" + f.where + "]";
    if (!f.fix.empty()) line += "; fix: " + f.fix;
    out += line + "\n";
  }
  out += verdict(found) + "\n";
  return out;
}

std::string render_json(std::string_view target, std::string_view config_path, std::span<const finding> found) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& f : found)
    list.push_back(
        {{"severity", to_string(f.level)}, {"check", f.check}, {"what", f.what}, {"where", f.where}, {"fix", f.fix}});
  const nlohmann::json doc{{"target", target},
                           {"config", config_path},
                           {"result", to_string(worst_of(found))},
                           {"exit_code", exit_code_of(found)},
                           {"summary", verdict(found)},
                           {"findings", std::move(list)}};
  return doc.dump(2) + "\n";
}

}  // namespace bodycam::tools::doctor

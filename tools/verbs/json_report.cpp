#include "tools/verbs/json_report.hpp"

#include <cstdio>
#include <filesystem>

namespace bodycam::tools::verbs {

void print_json_document(const nlohmann::json& j) {
  std::printf("%s\n", j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
}

int report_error(std::string_view verb, bool json, int exit_code, const std::string& message) {
  std::fprintf(stderr, "bodycam %.*s: %s\n", static_cast<int>(verb.size()), verb.data(), message.c_str());
  if (json)
    print_json_document({{"format", std::string(error_format)},
                         {"version", 1},
                         {"verb", std::string(verb)},
                         {"exit_code", exit_code},
                         {"error", message}});
  return exit_code;
}

std::string absolute_path_text(const std::string& path) {
  std::error_code ec;
  auto p = std::filesystem::absolute(path, ec);
  if (ec) return path;
  auto text = p.lexically_normal().string();
  if (text.size() > 1 && text.back() == '/') text.pop_back();
  return text;
}

}  // namespace bodycam::tools::verbs

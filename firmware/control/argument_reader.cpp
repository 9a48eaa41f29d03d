#include "firmware/control/argument_reader.hpp"

#include <algorithm>

namespace bodycam::firmware::control {

namespace {
constexpr std::size_t max_shown_bytes = 64;
}  // namespace

std::string quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text.substr(0, max_shown_bytes)) {
    const auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7f || c == '"' || c == '\\') ? '?' : c;
  }
  if (text.size() > max_shown_bytes) out += "...";
  out += '"';
  return out;
}

std::string_view json_type_name(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::null: return "null";
    case nlohmann::json::value_t::object: return "an object";
    case nlohmann::json::value_t::array: return "an array";
    case nlohmann::json::value_t::string: return "a string";
    case nlohmann::json::value_t::boolean: return "a boolean";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float: return "a number";
    case nlohmann::json::value_t::binary: return "binary data";
    case nlohmann::json::value_t::discarded: break;
  }
  return "nothing";
}

argument_reader::argument_reader(const nlohmann::json& request, std::string_view command)
    : request_(request), command_(command), known_{"cmd", "id"} {}

std::string argument_reader::prefix(std::string_view field) const {
  return command_ + ": " + std::string(field) + ": ";
}

const nlohmann::json* argument_reader::find(std::string_view field) {
  if (std::find(known_.begin(), known_.end(), field) == known_.end()) known_.emplace_back(field);
  const auto it = request_.find(field);
  return it == request_.end() ? nullptr : &*it;
}

protocol_expected<std::optional<std::string>> argument_reader::optional_string(std::string_view field,
                                                                               std::size_t max_length) {
  const nlohmann::json* value = find(field);
  if (value == nullptr) return std::optional<std::string>();
  if (!value->is_string())
    return refuse(error_code::invalid_argument,
                  prefix(field) + "expected a string, got " + std::string(json_type_name(*value)));
  const auto& text = value->get_ref<const std::string&>();
  if (text.size() > max_length)
    return refuse(error_code::invalid_argument, prefix(field) + "must be at most " + std::to_string(max_length) +
                                                    " bytes, got " + std::to_string(text.size()));
  return std::optional<std::string>(text);
}

protocol_expected<void> argument_reader::finish() const {
  for (const auto& [field, value] : request_.items()) {
    if (std::find(known_.begin(), known_.end(), field) != known_.end()) continue;
    std::string takes;
    for (std::size_t i = 2; i < known_.size(); ++i) {  // after "cmd" and "id"
      if (!takes.empty()) takes += ", ";
      takes += known_[i];
    }
    return refuse(error_code::unknown_argument, command_ + ": unknown field " + quote(field) +
                                                    (takes.empty() ? "; it takes no fields" : "; it takes " + takes));
  }
  return {};
}

}  // namespace bodycam::firmware::control

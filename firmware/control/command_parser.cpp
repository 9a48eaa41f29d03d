#include "firmware/control/command_parser.hpp"

#include <cstdint>
#include <limits>
#include <set>

namespace bodycam::firmware::control {

namespace {

constexpr std::size_t max_id_bytes = 64;
constexpr std::size_t max_parser_message_bytes = 160;

// nlohmann's messages start with "[json.exception.parse_error.101] "; people need only the rest.
std::string describe_parse_error(const nlohmann::json::parse_error& e) {
  std::string_view what = e.what();
  if (const auto end = what.find("] "); what.starts_with("[json.exception") && end != std::string_view::npos)
    what.remove_prefix(end + 2);
  std::string out(what.substr(0, max_parser_message_bytes));
  if (what.size() > max_parser_message_bytes) out += "...";
  return out;
}

protocol_expected<request_id> read_id(const nlohmann::json& request) {
  const auto it = request.find("id");
  if (it == request.end() || it->is_null()) return request_id{};
  if (it->is_number_unsigned()) {
    const auto value = it->get<std::uint64_t>();
    if (value <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      return request_id{static_cast<std::int64_t>(value)};
  } else if (it->is_number_integer()) {
    return request_id{it->get<std::int64_t>()};
  }
  if (it->is_string() && it->get_ref<const std::string&>().size() <= max_id_bytes)
    return request_id{it->get<std::string>()};
  return refuse(error_code::invalid_request, "id: must be a 64-bit integer or a string of at most " +
                                                 std::to_string(max_id_bytes) + " bytes, got " +
                                                 std::string(json_type_name(*it)));
}

}  // namespace

command_parser::command_parser(std::size_t max_line_bytes) : max_line_bytes_(max_line_bytes) {}

common::core::status command_parser::add(std::string name, parse_function parse) {
  if (name.empty() || !parse)
    return common::core::fail(common::core::errc::invalid_argument, "register control command: empty name or parser");
  if (commands_.contains(name))
    return common::core::fail(common::core::errc::conflict,
                              "register control command " + name + ": already registered");
  commands_.emplace(std::move(name), std::move(parse));
  return {};
}

std::vector<std::string> command_parser::names() const {
  std::vector<std::string> out;
  for (const auto& [name, parse] : commands_) out.push_back(name);
  return out;
}

parsed_request command_parser::parse(std::string_view line) const {
  parsed_request out;
  // 2. The limit holds before any parsing work.
  if (line.size() > max_line_bytes_) {
    out.parsed =
        refuse(error_code::line_too_long, "request line of " + std::to_string(line.size()) +
                                              " bytes exceeds the limit of " + std::to_string(max_line_bytes_));
    return out;
  }

  // 3. Duplicate fields of the request object (depth 1) are noted while parsing; nlohmann would keep the last.
  std::set<std::string, std::less<>> top_level_keys;
  std::string duplicate;
  const nlohmann::json::parser_callback_t note_keys = [&](int depth, nlohmann::json::parse_event_t event,
                                                          nlohmann::json& parsed) {
    if (event == nlohmann::json::parse_event_t::key && depth == 1 && parsed.is_string() &&
        !top_level_keys.insert(parsed.get<std::string>()).second && duplicate.empty())
      duplicate = parsed.get<std::string>();
    return true;
  };

  nlohmann::json request;
  try {
    request = nlohmann::json::parse(line, note_keys);
  } catch (const nlohmann::json::parse_error& e) {
    out.parsed = refuse(error_code::malformed_json, "malformed JSON: " + describe_parse_error(e));
    return out;
  } catch (const std::exception& e) {
    // 1. Anything else nlohmann may throw (it documents only parse_error here) is still a refusal.
    out.parsed = refuse(error_code::malformed_json, std::string("malformed JSON: ") + e.what());
    return out;
  }

  if (!request.is_object()) {
    out.parsed = refuse(error_code::invalid_request,
                        "a request must be a JSON object such as {\"cmd\":\"status\"}, "
                        "got " +
                            std::string(json_type_name(request)));
    return out;
  }
  // 4. The id first, so that every later refusal can be matched by the client.
  auto id = read_id(request);
  if (!id) {
    out.parsed = std::unexpected(id.error());
    return out;
  }
  out.id = std::move(*id);
  if (!duplicate.empty()) {
    out.parsed = refuse(error_code::invalid_request, "field " + quote(duplicate) + " appears more than once");
    return out;
  }

  const auto cmd = request.find("cmd");
  if (cmd == request.end()) {
    out.parsed = refuse(error_code::invalid_request, "cmd: required, the command name (such as \"status\")");
    return out;
  }
  if (!cmd->is_string()) {
    out.parsed =
        refuse(error_code::invalid_request, "cmd: expected a string, got " + std::string(json_type_name(*cmd)));
    return out;
  }
  const auto& name = cmd->get_ref<const std::string&>();
  const auto entry = commands_.find(name);
  if (entry == commands_.end()) {
    std::string known;
    for (const auto& [known_name, parse] : commands_) known += (known.empty() ? "" : ", ") + known_name;
    out.parsed = refuse(error_code::unknown_command, "unknown command " + quote(name) + "; known: " + known);
    return out;
  }

  argument_reader reader(request, name);
  out.parsed = entry->second(reader);
  return out;
}

}  // namespace bodycam::firmware::control

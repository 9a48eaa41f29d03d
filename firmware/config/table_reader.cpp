#include "firmware/config/table_reader.hpp"

#include <algorithm>

namespace bodycam::firmware::config {

namespace {

constexpr std::size_t max_path_bytes = 4096;
constexpr std::size_t max_shown_bytes = 80;

std::string_view type_with_article(toml::node_type type) {
  switch (type) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a floating-point number";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::none: break;
  }
  return "nothing";
}

bool is_absolute(std::string_view path) { return !path.empty() && path.front() == '/'; }

}  // namespace

std::string quote_for_message(std::string_view text) {
  std::string out = "\"";
  for (char c : text.substr(0, max_shown_bytes)) {
    const auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7f || c == '"') ? '?' : c;
  }
  if (text.size() > max_shown_bytes) out += "...";
  out += '"';
  return out;
}

std::string key_for_message(std::string_view key) {
  const bool bare = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
  return bare ? std::string(key) : quote_for_message(key);
}

std::string describe_value(const toml::node& node) {
  std::string out(type_with_article(node.type()));
  if (const auto* s = node.as_string()) {
    out += " (" + quote_for_message(s->get()) + ")";
  } else if (const auto* i = node.as_integer()) {
    out += " (" + std::to_string(i->get()) + ")";
  } else if (const auto* b = node.as_boolean()) {
    out += b->get() ? " (true)" : " (false)";
  }
  return out;
}

table_reader::table_reader(const toml::table& table, std::string section, std::string base_directory)
    : table_(table), section_(std::move(section)), base_directory_(std::move(base_directory)) {}

std::string table_reader::qualified(std::string_view key) const {
  return section_.empty() ? std::string(key) : section_ + "." + std::string(key);
}

std::unexpected<core::error> table_reader::invalid(std::string_view key, std::string_view message) const {
  return core::fail(core::errc::invalid_argument, qualified(key) + ": " + std::string(message));
}

std::unexpected<core::error> table_reader::wrong_type(std::string_view key, std::string_view expected,
                                                      const toml::node& node) const {
  return core::fail(core::errc::malformed,
                    qualified(key) + ": expected " + std::string(expected) + ", got " + describe_value(node));
}

const toml::node* table_reader::find(std::string_view key) {
  if (std::find(known_.begin(), known_.end(), key) == known_.end()) known_.emplace_back(key);
  return table_.get(key);
}

bool table_reader::contains(std::string_view key) const { return table_.contains(key); }

core::status table_reader::read_bool(std::string_view key, bool& out) {
  const toml::node* node = find(key);
  if (node == nullptr) return {};
  const auto* value = node->as_boolean();
  if (value == nullptr) return wrong_type(key, "a boolean (true or false)", *node);
  out = value->get();
  return {};
}

core::status table_reader::read_string(std::string_view key, std::string& out, std::size_t max_length) {
  const toml::node* node = find(key);
  if (node == nullptr) return {};
  const auto* value = node->as_string();
  if (value == nullptr) return wrong_type(key, "a string", *node);
  const std::string& text = value->get();
  if (text.size() > max_length)
    return invalid(key, "must be at most " + std::to_string(max_length) + " bytes, got " + std::to_string(text.size()));
  if (text.find('\0') != std::string::npos) return invalid(key, "must not contain a NUL character");
  out = text;
  return {};
}

core::status table_reader::read_string_list(std::string_view key, std::vector<std::string>& out,
                                            std::size_t max_items, std::size_t max_length) {
  const toml::node* node = find(key);
  if (node == nullptr) return {};
  const auto* array = node->as_array();
  if (array == nullptr) return wrong_type(key, "an array of strings", *node);
  if (array->size() > max_items)
    return invalid(key, "must have at most " + std::to_string(max_items) + " items, got " + std::to_string(array->size()));
  std::vector<std::string> items;
  for (const auto& item : *array) {
    const auto* value = item.as_string();
    if (value == nullptr) return wrong_type(key, "an array of strings", item);
    const std::string& text = value->get();
    if (text.size() > max_length)
      return invalid(key, "items must be at most " + std::to_string(max_length) + " bytes, got " +
                              std::to_string(text.size()));
    if (text.find('\0') != std::string::npos) return invalid(key, "items must not contain a NUL character");
    items.push_back(text);
  }
  out = std::move(items);
  return {};
}

core::status table_reader::read_path(std::string_view key, std::string& out) {
  std::string text;
  const bool present = contains(key);
  if (auto ok = read_string(key, text, max_path_bytes); !ok) return ok;
  if (!present) return {};
  if (text.empty()) return invalid(key, "must not be empty");
  if (!is_absolute(text) && !base_directory_.empty()) {
    std::string base = base_directory_;
    if (base.back() != '/') base += '/';
    text = base + text;
  }
  out = std::move(text);
  return {};
}

core::status table_reader::read_choice(std::string_view key, std::span<const std::string_view> names,
                                       std::size_t& index) {
  const toml::node* node = find(key);
  if (node == nullptr) return {};
  const auto* value = node->as_string();
  std::string choices;
  for (std::string_view name : names) {
    if (!choices.empty()) choices += ", ";
    choices += name;
  }
  if (value == nullptr) return wrong_type(key, "a string (one of " + choices + ")", *node);
  const auto match = std::find(names.begin(), names.end(), std::string_view(value->get()));
  if (match == names.end())
    return invalid(key, "must be one of " + choices + ", got " + quote_for_message(value->get()));
  index = static_cast<std::size_t>(match - names.begin());
  return {};
}

core::status table_reader::read_integer(std::string_view key, std::int64_t min, std::int64_t max, std::int64_t& out) {
  const toml::node* node = find(key);
  if (node == nullptr) return {};
  const auto* value = node->as_integer();
  if (value == nullptr) return wrong_type(key, "an integer", *node);
  const std::int64_t v = value->get();
  if (v < min || v > max)
    return invalid(
        key, "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " + std::to_string(v));
  out = v;
  return {};
}

core::status table_reader::read_seconds(std::string_view key, std::int64_t min, std::int64_t max,
                                        std::chrono::seconds& out) {
  std::int64_t seconds = out.count();
  if (auto ok = read_integer(key, min, max, seconds); !ok) return ok;
  out = std::chrono::seconds(seconds);
  return {};
}

core::status table_reader::finish() const {
  for (const auto& [key, node] : table_) {
    const std::string_view name = key.str();
    if (std::find(known_.begin(), known_.end(), name) != known_.end()) continue;
    std::string known;
    for (const auto& k : known_) {
      if (!known.empty()) known += ", ";
      known += k;
    }
    return core::fail(core::errc::invalid_argument, qualified(key_for_message(name)) + ": unknown key (line " +
                                                        std::to_string(key.source().begin.line) +
                                                        "); known keys: " + known);
  }
  return {};
}

}  // namespace bodycam::firmware::config

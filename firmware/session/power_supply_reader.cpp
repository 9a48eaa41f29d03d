#include "firmware/session/power_supply_reader.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <vector>

namespace bodycam::firmware::session {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t max_attribute_bytes = 256;

std::optional<std::string> read_attribute(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::string text(max_attribute_bytes, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == '\r')) text.pop_back();
  return text;
}

std::string printable(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 40)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  return "'" + out + "'";
}

void add_problem(battery_reading& b, const std::string& text) {
  if (!b.problem.empty()) b.problem += "; ";
  b.problem += text;
}

}  // namespace

std::optional<long long> parse_sysfs_integer(std::string_view text) noexcept {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  long long value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

battery_reading read_battery(const fs::path& sysfs_root) {
  battery_reading b;
  const fs::path dir = sysfs_root / "class" / "power_supply";
  std::error_code ec;
  std::vector<fs::path> supplies;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) supplies.push_back(it->path());
  if (ec && supplies.empty()) {
    b.problem = dir.string() + ": " + ec.message();
    return b;
  }
  std::sort(supplies.begin(), supplies.end());
  for (const auto& supply : supplies) {
    const auto type = read_attribute(supply / "type");
    if (!type || *type != "Battery") continue;
    b.present = true;
    const auto name = supply.filename().string();
    if (auto text = read_attribute(supply / "capacity")) {
      const auto value = parse_sysfs_integer(*text);
      if (value && *value >= 0 && *value <= 100)
        b.capacity_percent = static_cast<int>(*value);
      else
        add_problem(b, name + "/capacity: " + printable(*text) + " is not a percentage");
    } else {
      add_problem(b, name + "/capacity: unreadable");
    }
    if (auto text = read_attribute(supply / "status")) {
      static constexpr std::string_view known[] = {"Charging", "Discharging", "Full", "Not charging", "Unknown"};
      if (std::find(std::begin(known), std::end(known), *text) != std::end(known))
        b.status = *text;
      else
        add_problem(b, name + "/status: " + printable(*text) + " is not a power_supply status");
    }
    if (auto text = read_attribute(supply / "voltage_now")) {
      const auto value = parse_sysfs_integer(*text);  // microvolts
      if (value && *value >= 0)
        b.voltage_volts = static_cast<double>(*value) / 1e6;
      else
        add_problem(b, name + "/voltage_now: " + printable(*text) + " is not a voltage");
    }
    return b;
  }
  b.problem = "no power_supply of type Battery under " + dir.string();
  return b;
}

}  // namespace bodycam::firmware::session

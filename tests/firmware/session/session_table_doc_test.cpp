// docs/state-machines.md is the whole truth of the session table: its rows, expanded ("a, b" in the state
// column, "x / y" in the event column, "(the same state)"), are exactly session_transitions(), no row more or
// less, and every action the doc explains under "What the actions write" is an action of the table.
#include "firmware/session/session_table.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace session_table_doc_test {

using namespace bodycam::firmware::session;

namespace {

std::string read_doc() {
  std::ifstream in(std::string(BODYCAM_SOURCE_DIR) + "/docs/state-machines.md");
  REQUIRE(in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return std::string(s);
}

std::vector<std::string> split(std::string_view s, std::string_view sep) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (true) {
    const auto next = s.find(sep, at);
    out.push_back(trim(s.substr(at, next == std::string_view::npos ? std::string_view::npos : next - at)));
    if (next == std::string_view::npos) return out;
    at = next + sep.size();
  }
}

template <class E, std::size_t N>
E parse_name(const std::array<E, N>& all, const std::string& name) {
  for (const auto value : all)
    if (to_string(value) == name) return value;
  FAIL("docs/state-machines.md names '" << name << "', which the table does not know");
  return all[0];
}

std::array<session_action, 19> all_actions() {
  std::array<session_action, 19> out{};
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<session_action>(i);
  return out;
}

using row = std::tuple<session_state, session_event, session_state, session_action>;

// The rows of the table under "## Session control", expanded.
std::set<row> doc_rows(const std::string& doc) {
  const auto section = doc.find("## Session control");
  REQUIRE(section != std::string::npos);
  const auto header = doc.find("| state | event | next state | action |", section);
  REQUIRE(header != std::string::npos);
  std::set<row> out;
  std::istringstream lines(doc.substr(header));
  std::string line;
  std::getline(lines, line);  // header
  std::getline(lines, line);  // |---|
  while (std::getline(lines, line) && line.starts_with("|")) {
    const auto cells = split(std::string_view(line).substr(1, line.size() - 2), "|");
    REQUIRE(cells.size() == 4);
    const auto action_name = split(cells[3], " ")[0];
    const auto action = parse_name(all_actions(), action_name);
    for (const auto& from_name : split(cells[0], ", ")) {
      const auto from = parse_name(all_session_states, from_name);
      const auto to = cells[2] == "(the same state)" ? from : parse_name(all_session_states, cells[2]);
      for (const auto& event_name : split(cells[1], " / ")) {
        const auto event = parse_name(all_session_events, event_name);
        const bool fresh = out.emplace(from, event, to, action).second;
        CHECK(fresh);
      }
    }
  }
  return out;
}

}  // namespace

TEST_CASE("docs/state-machines.md lists exactly the rows of session_transitions()") {
  const auto documented = doc_rows(read_doc());
  std::set<row> table;
  for (const auto& r : session_transitions()) table.emplace(r.from, r.event, r.to, r.action);
  REQUIRE(table.size() == session_transitions().size());
  REQUIRE(documented.size() > 40);  // the parser really read the table
  for (const auto& r : table) {
    INFO("table row " << to_string(std::get<0>(r)) << " × " << to_string(std::get<1>(r)));
    CHECK(documented.count(r) == 1);
  }
  for (const auto& r : documented) {
    INFO("doc row " << to_string(std::get<0>(r)) << " × " << to_string(std::get<1>(r)));
    CHECK(table.count(r) == 1);
  }
  CHECK(documented == table);
}

TEST_CASE("every action of the table is used by a row and explained in docs/state-machines.md") {
  const auto doc = read_doc();
  const auto explained = doc.find("What the actions write:");
  REQUIRE(explained != std::string::npos);
  std::set<session_action> used;
  for (const auto& r : session_transitions()) used.insert(r.action);
  for (const auto action : all_actions()) {
    INFO("action " << to_string(action));
    REQUIRE(to_string(action) != "unknown");
    CHECK(used.count(action) == 1);
    if (action != session_action::none)
      CHECK(doc.find("**" + std::string(to_string(action)) + "**", explained) != std::string::npos);
  }
}

}  // namespace session_table_doc_test

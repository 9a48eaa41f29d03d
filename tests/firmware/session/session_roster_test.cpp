// The session roster: checks never change it, the wearer is present throughout, officers join and leave in
// turn, and only configured actions with well-formed case numbers pass.
#include "firmware/session/session_roster.hpp"

#include <catch2/catch.hpp>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace session_roster_test {

using namespace bodycam::firmware::session;
using bodycam::common::core::errc;
using bodycam::common::record::officer_change;

TEST_CASE("session roster: the wearer, officers joining and leaving, the action in force") {
  session_roster roster;
  roster.begin("officer-7");
  CHECK(roster.officer_count() == 1);
  CHECK_FALSE(roster.action().has_value());

  REQUIRE(roster.check_officer("officer-9", officer_change::join));
  CHECK(roster.officer_count() == 1);  // a check changes nothing
  roster.apply_officer("officer-9", officer_change::join);
  CHECK(roster.officer_count() == 2);
  CHECK(roster.check_officer("officer-9", officer_change::join).error().code == errc::conflict);
  CHECK(roster.check_officer("officer-7", officer_change::leave).error().code == errc::conflict);  // the wearer
  CHECK(roster.check_officer("officer-8", officer_change::leave).error().context ==
        "officer officer-8 has not joined this session");
  CHECK(roster.check_officer("officer 8", officer_change::join).error().code == errc::invalid_argument);
  roster.apply_officer("officer-9", officer_change::leave);
  CHECK(roster.officer_count() == 1);
  CHECK(roster.joined().empty());

  CHECK(roster.check_action("inspection", "CASE-1"));
  CHECK(roster.check_action("parking", "").error().code == errc::invalid_argument);
  CHECK(roster.check_action("inspection", std::string(65, 'x')).error().code == errc::invalid_argument);
  CHECK(roster.check_action("inspection", std::string(64, 'x')));
  CHECK(roster.check_action("inspection", "C\x1f").error().code == errc::invalid_argument);
  roster.apply_action("seizure", "CASE-2");
  REQUIRE(roster.action().has_value());
  CHECK(roster.action()->case_number == "CASE-2");
  CHECK(roster.check_mark(std::string(65, 'm')).error().code == errc::invalid_argument);
  CHECK(roster.check_mark(""));

  roster.begin("officer-7");  // a new session starts from the wearer alone
  CHECK_FALSE(roster.action().has_value());
  CHECK(roster.officer_count() == 1);
  roster.clear();
  CHECK(roster.officer_count() == 0);  // no wearer assigned
}

TEST_CASE("session roster: a configured list replaces the default one") {
  session_roster roster({"patrol"});
  CHECK(roster.check_action("patrol", ""));
  CHECK(roster.check_action("inspection", "").error().context ==
        "action \"inspection\" is not in this camera's list (patrol)");
}

}  // namespace session_roster_test

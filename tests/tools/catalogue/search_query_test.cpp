// The search translation (tools/catalogue/search_query.hpp): each filter becomes a bound parameter, free
// text becomes quoted FTS5 tokens, and hostile input is searched for, never obeyed (Q1, Q2).
#include "tools/catalogue/search_query.hpp"

#include <catch2/catch.hpp>

namespace cat = bodycam::tools::catalogue;
namespace record = bodycam::common::record;

TEST_CASE("free text becomes quoted tokens; FTS5 and SQL syntax stays text") {
  CHECK(cat::fts_phrase_list("") == "");
  CHECK(cat::fts_phrase_list("   \t ") == "");
  CHECK(cat::fts_phrase_list("suspect fled") == R"("suspect" "fled")");
  CHECK(cat::fts_phrase_list("a OR b") == R"("a" "OR" "b")");
  CHECK(cat::fts_phrase_list(R"(say "hi")") == R"("say" """hi""")");
  CHECK(cat::fts_phrase_list("place:* NEAR(x) ^y") == R"q("place:*" "NEAR(x)" "^y")q");
  CHECK(cat::fts_phrase_list("'; DROP TABLE sessions; --") == R"("';" "DROP" "TABLE" "sessions;" "--")");
}

TEST_CASE("every filter is a bound parameter, in a fixed order, and the SQL names no user text") {
  cat::search_query q;
  CHECK(cat::build_where(q).sql.empty());
  CHECK(cat::build_where(q).binds.empty());
  q.officer = "officer-7' OR 1=1 --";
  q.unit = "north";
  q.case_number = "CASE-1";
  q.from = record::utc_time(std::chrono::seconds(100));
  q.to = record::utc_time(std::chrono::seconds(200));
  q.text = "fled";
  q.place = "Gare";
  const auto w = cat::build_where(q);
  // The officer matches the wearer or an officer who joined (session_officers): the same text bound twice.
  CHECK(w.sql ==
        "WHERE (s.officer = ? OR s.id IN (SELECT session_id FROM session_officers WHERE officer = ?)) AND "
        "s.unit = ? AND s.case_number = ? AND s.start_ns >= ? AND s.start_ns < ? AND "
        "s.id IN (SELECT rowid FROM notes_fts WHERE notes_fts MATCH ?)");
  REQUIRE(w.binds.size() == 7);
  CHECK(w.binds[0].text == "officer-7' OR 1=1 --");
  CHECK(w.binds[1].text == "officer-7' OR 1=1 --");
  CHECK(w.binds[4].integer == 100'000'000'000);
  CHECK_FALSE(w.binds[4].is_text);
  CHECK(w.binds[6].text == R"(("fled") AND place : ("Gare"))");
  CHECK(w.sql.find("officer-7") == std::string::npos);
}

TEST_CASE("the viewer's restriction (own_officer) is added to a typed officer filter, never replaces it (Q4)") {
  cat::search_query q;
  q.own_officer = "officer-8";
  const auto alone = cat::build_where(q);
  CHECK(alone.sql == "WHERE (s.officer = ? OR s.id IN (SELECT session_id FROM session_officers WHERE officer = ?))");
  REQUIRE(alone.binds.size() == 2);
  CHECK(alone.binds[0].text == "officer-8");
  CHECK(alone.binds[1].text == "officer-8");
  q.officer = "officer-7";
  q.device = "cam-0002";
  const auto both = cat::build_where(q);
  CHECK(both.sql ==
        "WHERE (s.officer = ? OR s.id IN (SELECT session_id FROM session_officers WHERE officer = ?)) AND "
        "(s.officer = ? OR s.id IN (SELECT session_id FROM session_officers WHERE officer = ?)) AND s.device = ?");
  REQUIRE(both.binds.size() == 5);
  CHECK(both.binds[0].text == "officer-7");
  CHECK(both.binds[2].text == "officer-8");
  CHECK(both.binds[3].text == "officer-8");
  CHECK(both.binds[4].text == "cam-0002");
}

// A catalogue search as plain values, and its translation to one SQL WHERE clause with bound parameters:
// pure, so every filter and every hostile input is a unit test. Free text goes to the FTS5 index of notes
// (note text, case numbers, places, parties) as quoted tokens, so no user input is ever FTS5 or SQL syntax.
// Invariants:
//  Q1. Every user value reaches SQLite as a bound parameter; the SQL text is built only from constants.
//  Q2. In an FTS5 expression every token is a double-quoted string with inner quotes doubled, so operators
//      (AND, OR, NOT, NEAR, *, ^, :, parentheses) typed by a user are searched for as words, never obeyed.
//  Q3. Results are ordered by start, then by row id, so pages never overlap or skip a row between them.
//  Q4. `own_officer` is one more condition, added to the typed filters (never replacing `officer`): the same
//      roster test (wearer or joined, session_officers) as the `officer` filter, so the HTML search and
//      /api/v1/sessions restrict an officer by one rule in SQL, with the typed filters still applied.
#pragma once

#include "common/record/payloads.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bodycam::tools::catalogue {

namespace record = common::record;

struct search_query {
  std::string officer;      // exact: the officer who wore the camera or one who joined
  // Q4: the viewer's restriction, never a typed filter: only sessions this officer wore the camera for or joined
  // (the console sets it for a person whose roles allow only their own sessions).
  std::string own_officer;
  std::string device;       // exact
  std::string unit;         // exact
  std::string category;     // exact
  std::string case_number;  // exact
  std::string place;        // words, in the place field of notes
  std::string party;        // words, in the party field of notes
  std::string text;         // words, in any noted field
  std::optional<record::utc_time> from;  // sessions starting at or after
  std::optional<record::utc_time> to;    // sessions starting before
  std::uint64_t offset = 0;
  std::uint32_t limit = 50;  // 1..1000
};

// A bound value: text or integer.
struct sql_value {
  bool is_text = true;
  std::string text;
  std::int64_t integer = 0;
};

struct where_clause {
  std::string sql;  // "" (no filter) or "WHERE ..." over table `sessions` (alias s)
  std::vector<sql_value> binds;
};

// Q2: `"tok1" "tok2"` from the words of `input` (split on white space); "" when there are none.
[[nodiscard]] std::string fts_phrase_list(std::string_view input);
// The FTS5 MATCH expression for text, place and party; "" when none of them is set.
[[nodiscard]] std::string fts_expression(const search_query& q);
// Q1.
[[nodiscard]] where_clause build_where(const search_query& q);

}  // namespace bodycam::tools::catalogue

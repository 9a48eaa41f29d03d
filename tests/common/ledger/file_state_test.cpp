// Unit tests (no SQLite file): the file state table, the names stored in the database, the record hash
// rule and the shape of the migration list.
#include "common/ledger/file_state.hpp"
#include "common/ledger/migrations.hpp"
#include "common/ledger/stored_record.hpp"

#include <set>
#include <utility>

#include <catch2/catch.hpp>

using namespace bodycam::common;
using ledger::file_state;

TEST_CASE("file states move only partial → sealed → stored → reclaimed") {
  const std::set<std::pair<file_state, file_state>> allowed{
      {file_state::partial, file_state::sealed},
      {file_state::sealed, file_state::stored},
      {file_state::stored, file_state::reclaimed},
  };
  for (file_state from : ledger::all_file_states)
    for (file_state to : ledger::all_file_states) {
      INFO(ledger::to_string(from) << " → " << ledger::to_string(to));
      CHECK(ledger::is_allowed_transition(from, to) == (allowed.count({from, to}) == 1));
    }
}

TEST_CASE("file state and kind names round-trip and unknown names are refused") {
  for (file_state s : ledger::all_file_states) CHECK(ledger::parse_file_state(ledger::to_string(s)).value() == s);
  CHECK(ledger::parse_file_kind("segment").value() == ledger::file_kind::segment);
  CHECK(ledger::parse_file_kind("annotation").value() == ledger::file_kind::annotation);
  auto bad = ledger::parse_file_state("deleted");
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().code == core::errc::malformed);
  CHECK(bad.error().context.find("'deleted'") != std::string::npos);
  CHECK_FALSE(ledger::parse_file_kind("Segment").has_value());
}

TEST_CASE("a record's hash is SHA-256 of all but its last 64 bytes") {
  core::byte_buffer canonical{'a', 'b', 'c'};
  core::byte_buffer signed_record = canonical;
  signed_record.resize(canonical.size() + ledger::record_signature_size, 0xee);
  CHECK(ledger::compute_record_hash(signed_record).value().to_hex() ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");  // SHA-256("abc")
  // Changing a signature byte does not change the hash; changing a canonical byte does.
  auto other_signature = signed_record;
  other_signature.back() = 0x00;
  CHECK(ledger::compute_record_hash(other_signature).value() == ledger::compute_record_hash(signed_record).value());
  auto other_content = signed_record;
  other_content[0] = 'x';
  CHECK(ledger::compute_record_hash(other_content).value() != ledger::compute_record_hash(signed_record).value());
}

TEST_CASE("a record no longer than its signature has no hash") {
  core::byte_buffer just_signature(ledger::record_signature_size, 1);
  auto hash = ledger::compute_record_hash(just_signature);
  REQUIRE_FALSE(hash.has_value());
  CHECK(hash.error().code == core::errc::invalid_argument);
  CHECK(hash.error().context.find("64 bytes") != std::string::npos);
}

TEST_CASE("migrations are numbered 1, 2, 3, … and the latest is the last") {
  const auto list = ledger::ledger_migrations();
  REQUIRE_FALSE(list.empty());
  for (std::size_t i = 0; i < list.size(); ++i) {
    CHECK(list[i].version == static_cast<int>(i) + 1);
    CHECK_FALSE(list[i].summary.empty());
    CHECK(list[i].sql != nullptr);
  }
  CHECK(ledger::latest_schema_version() == list.back().version);
}

// The metadata register (tools/registers/metadata_entry.hpp, metadata_book.hpp): notes round-trip, are
// validated, signed and chained per author; the golden vector of docs/formats/metadata-register.md; every
// truncation and random bytes are refused without reading out of bounds; each way a register can be wrong
// is named for the attack; a field's history is every entry that set it.
#include "common/core/hex.hpp"
#include "common/store/memory_backend.hpp"
#include "tests/support/chain_scenario.hpp"
#include "tests/support/process.hpp"
#include "tools/registers/metadata_book.hpp"

#include <catch2/catch.hpp>

#include <iostream>
#include <random>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace metadata_register_test {

using namespace bodycam::common;
namespace reg = bodycam::tools::registers;
using bodycam::tests::fixed_key;

namespace {

store::store memory_store() { return store::store(std::make_unique<store::memory_backend>()); }

record::session_id session_of(std::uint8_t n) {
  record::session_id s;
  s.bytes.fill(n);
  return s;
}

reg::metadata_entry note_draft() {
  reg::metadata_entry e;
  e.author = "officer-1";
  e.utc = record::utc_time(std::chrono::seconds(1'795'000'000));
  e.device = record::device_id::parse("cam-0001").value();
  e.session = session_of(0x11);
  e.fields = {{reg::note_field::place, "Rue de la Gare 4"},
              {reg::note_field::case_number, "CASE-2026-0042"},
              {reg::note_field::category, "traffic"}};
  return e;
}

std::vector<std::string> codes(const reg::metadata_book& book) {
  std::vector<std::string> out;
  for (const auto& f : book.findings) out.push_back(f.code + " " + f.entry);
  return out;
}

const auto categories = reg::default_note_categories();

}  // namespace

TEST_CASE("a note round-trips through its canonical bytes and verifies only under its author's key") {
  crypto::software_signer author(fixed_key(60));
  const auto e = reg::sign_metadata_entry(note_draft(), author).value();
  const auto parsed = reg::parse_metadata_entry(e.bytes).value();
  CHECK(parsed.bytes == e.bytes);
  CHECK(parsed.body.fields == note_draft().fields);
  CHECK(parsed.body.device.str() == "cam-0001");
  CHECK(parsed.body.session == session_of(0x11));
  CHECK(reg::verify_metadata_signature(parsed, author.public_key()));
  CHECK_FALSE(reg::verify_metadata_signature(parsed, fixed_key(61).public_key()));  // wrong signer
}

TEST_CASE("note values are checked: length, UTF-8, no control characters, fields once and in order") {
  crypto::software_signer author(fixed_key(60));
  const auto refused = [&](reg::metadata_entry e) { return !reg::sign_metadata_entry(std::move(e), author); };
  auto e = note_draft();
  CHECK_FALSE(refused(e));
  e.fields = {{reg::note_field::text, "line one\nline two, Zürich"}};
  CHECK_FALSE(refused(e));  // LF and UTF-8 are fine in text
  e.fields = {{reg::note_field::place, "line one\nline two"}};
  CHECK(refused(e));  // LF is not fine in a place
  e.fields = {{reg::note_field::text, std::string("bell\x07")}};
  CHECK(refused(e));
  e.fields = {{reg::note_field::text, std::string("c1 \xc2\x85 control")}};
  CHECK(refused(e));
  e.fields = {{reg::note_field::text, std::string("bad \xff utf-8")}};
  CHECK(refused(e));
  e.fields = {{reg::note_field::text, std::string("overlong \xc0\xaf")}};
  CHECK(refused(e));
  e.fields = {{reg::note_field::text, std::string(4000, 'a')}};
  CHECK_FALSE(refused(e));
  e.fields = {{reg::note_field::text, std::string(4001, 'a')}};
  CHECK(refused(e));
  e.fields = {{reg::note_field::case_number, std::string(65, '1')}};
  CHECK(refused(e));
  e.fields = {{reg::note_field::category, "Mass Incident"}};
  CHECK(refused(e));
  e.fields = {};
  CHECK(refused(e));
  e.fields = {{reg::note_field::party, "A"}, {reg::note_field::party, "B"}};
  CHECK(refused(e));
  e.fields = {{reg::note_field::place, ""}};
  CHECK(refused(e));
  SECTION("fields given out of order are signed in field order") {
    auto d = note_draft();
    std::reverse(d.fields.begin(), d.fields.end());
    const auto signed_e = reg::sign_metadata_entry(d, author).value();
    CHECK(signed_e.body.fields == note_draft().fields);
  }
}

// docs/formats/metadata-register.md §5: the golden entry. Any change to the encoding fails here.
TEST_CASE("golden vector: the documented note, byte for byte, and its forgeries") {
  crypto::software_signer author(fixed_key(60));
  const auto e = reg::sign_metadata_entry(note_draft(), author).value();
  const std::string golden =
      "000100096f6666696365722d315526f742941711b3bc530ba44ff6f6dab0f0ab71af832f41a7fe3b9fdaed9c600000000000"
      "000000000000000000000000000000000000000000000000000000000000000000000018e91efd5bd38000000863616d2d30"
      "3030311111111111111111111111111111111103010010527565206465206c612047617265203403000e434153452d323032"
      "362d3030343204000774726166666963bbd00d7bcc01f75791bedc0a0f438cc778df2b87693430ecbfe77bc4a0400b24101e"
      "28982a0374f912edc79f73ab1a21ace231d3aa574a4a201cc64636b4d606";
  CHECK(core::to_hex(e.bytes) == golden);
  const auto parsed = reg::parse_metadata_entry(core::parse_hex(golden, golden.size() / 2, "golden").value()).value();
  CHECK(reg::verify_metadata_signature(parsed, author.public_key()));
  CHECK(reg::entry_name(parsed.body) == "officer-1.0");
  CHECK(parsed.hash == crypto::sha256(core::byte_view(e.bytes).first(e.bytes.size() - 64)));
  SECTION("forged_seq: the same bytes with seq 1 do not verify") {
    auto bytes = e.bytes;
    bytes[2 + 2 + 9 + 32 + 7] = 1;
    const auto forged = reg::parse_metadata_entry(bytes).value();
    CHECK(forged.body.seq == 1);
    CHECK_FALSE(reg::verify_metadata_signature(forged, author.public_key()));
  }
  SECTION("forged_category: a changed category does not verify") {
    auto bytes = e.bytes;
    const auto at = std::search(bytes.begin(), bytes.end(), std::begin("traffic"), std::end("traffic") - 1);
    REQUIRE(at != bytes.end());
    *at = 'T';  // "Traffic" is not a category at all
    CHECK_FALSE(reg::parse_metadata_entry(bytes));
    *at = 'x';
    const auto forged = reg::parse_metadata_entry(bytes).value();
    CHECK_FALSE(reg::verify_metadata_signature(forged, author.public_key()));
  }
}

TEST_CASE("every truncation of a note is refused, and so are bytes appended") {
  crypto::software_signer author(fixed_key(60));
  const auto e = reg::sign_metadata_entry(note_draft(), author).value();
  std::size_t refused = 0;
  for (std::size_t n = 0; n < e.bytes.size(); ++n) {
    const auto parsed = reg::parse_metadata_entry(core::byte_view(e.bytes).first(n));
    if (!parsed) ++refused;
    else CHECK_FALSE(reg::verify_metadata_signature(*parsed, author.public_key()));
  }
  CHECK(refused == e.bytes.size());
  auto longer = e.bytes;
  longer.push_back(0);
  const auto parsed = reg::parse_metadata_entry(longer);
  CHECK((!parsed || !reg::verify_metadata_signature(*parsed, author.public_key())));
}

TEST_CASE("random bytes never decode to a note that verifies, and never read out of bounds") {
  const auto seed = std::random_device{}();
  std::cout << "metadata random bytes seed " << seed << "\n";
  INFO("seed " << seed);
  std::mt19937 rng(seed);
  crypto::software_signer author(fixed_key(60));
  const auto e = reg::sign_metadata_entry(note_draft(), author).value();
  std::size_t decoded = 0;
  for (int i = 0; i < 2000; ++i) {
    core::byte_buffer bytes;
    if (i % 2 == 0) {
      bytes.resize(rng() % 400);
      for (auto& b : bytes) b = static_cast<std::uint8_t>(rng());
    } else {  // mutate the real entry: the hard cases are near valid ones
      bytes = e.bytes;
      for (int k = 0; k < 1 + static_cast<int>(rng() % 4); ++k) bytes[rng() % bytes.size()] ^= static_cast<std::uint8_t>(1 + rng() % 255);
    }
    const auto parsed = reg::parse_metadata_entry(bytes);
    if (!parsed) continue;
    ++decoded;
    CHECK_FALSE(reg::verify_metadata_signature(*parsed, author.public_key()));
  }
  CHECK(decoded < 2000);
}

TEST_CASE("append_note chains per author, the history of a field is every entry, the current value the last") {
  auto s = memory_store();
  crypto::software_signer officer(fixed_key(60));
  crypto::software_signer clerk(fixed_key(61));
  auto first = note_draft();
  const auto a = reg::append_note(s, "officer-1", first, officer, categories).value();
  auto second = note_draft();
  second.utc += std::chrono::hours(1);
  second.fields = {{reg::note_field::category, "evidence"}, {reg::note_field::text, "suspect fled"}};
  const auto b = reg::append_note(s, "clerk-1", second, clerk, categories).value();
  auto third = note_draft();
  third.utc += std::chrono::hours(2);
  third.fields = {{reg::note_field::party, "J. Doe"}};
  const auto c = reg::append_note(s, "officer-1", third, officer, categories).value();
  CHECK(a.body.seq == 0);
  CHECK(c.body.seq == 1);
  CHECK(c.body.prev_hash == a.hash);
  CHECK(b.body.seq == 0);

  const auto book = reg::read_metadata_register(s).value();
  CHECK(book.is_intact());
  CHECK(book.entry_count() == 3);
  const auto notes = reg::notes_of_session(book, first.device, first.session);
  CHECK(notes.current.at(reg::note_field::category) == "evidence");
  CHECK(notes.current.at(reg::note_field::party) == "J. Doe");
  CHECK(notes.current.at(reg::note_field::place) == "Rue de la Gare 4");
  std::vector<std::string> category_history;
  for (const auto& h : notes.history)
    if (h.field == reg::note_field::category) category_history.push_back(h.value + " by " + h.author);
  CHECK(category_history == std::vector<std::string>{"traffic by officer-1", "evidence by clerk-1"});
  CHECK(reg::notes_of_session(book, first.device, session_of(0x22)).history.empty());
  CHECK(reg::all_session_notes(book).size() == 1);

  SECTION("a category outside the list is refused and nothing is written") {
    auto d = note_draft();
    d.fields = {{reg::note_field::category, "parking"}};
    CHECK_FALSE(reg::append_note(s, "officer-1", d, officer, categories));
    CHECK(s.list_entries(store::entry_namespace::notes).value().size() == 3);
  }
  SECTION("wrong_signer: another key under the same author id is a conflict and nothing is written") {
    crypto::software_signer impostor(fixed_key(62));
    const auto r = reg::append_note(s, "officer-1", note_draft(), impostor, categories);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == core::errc::conflict);
    CHECK(s.list_entries(store::entry_namespace::notes).value().size() == 3);
  }
  SECTION("forged_entry_under_an_author: an entry signed by another key is named and not folded") {
    crypto::software_signer impostor(fixed_key(62));
    auto d = note_draft();
    d.author = "officer-1";
    d.seq = 2;
    d.prev_hash = c.hash;
    d.utc += std::chrono::hours(3);
    d.fields = {{reg::note_field::category, "complaint"}};
    const auto forged = reg::sign_metadata_entry(d, impostor).value();
    REQUIRE(s.put_entry(store::entry_namespace::notes, "officer-1.2", forged.bytes).value() ==
            store::put_outcome::created);
    const auto tampered = reg::read_metadata_register(s).value();
    CHECK(codes(tampered) == std::vector<std::string>{"wrong_clerk_key notes/officer-1.2"});
    CHECK(reg::notes_of_session(tampered, d.device, d.session).current.at(reg::note_field::category) == "evidence");
  }
  SECTION("remove_one_note: a gap in an author's chain is named") {
    auto d = note_draft();
    d.author = "officer-1";
    d.seq = 3;  // seq 2 never stored
    d.prev_hash = c.hash;
    const auto later = reg::sign_metadata_entry(d, officer).value();
    REQUIRE(s.put_entry(store::entry_namespace::notes, "officer-1.3", later.bytes));
    CHECK(codes(reg::read_metadata_register(s).value()) == std::vector<std::string>{"seq_gap notes/officer-1.3"});
  }
  SECTION("misplaced_note and garbage are named") {
    REQUIRE(s.put_entry(store::entry_namespace::notes, "officer-1.2", a.bytes));
    REQUIRE(s.put_entry(store::entry_namespace::notes, "clerk-1.1", core::byte_buffer{1, 2, 3}));
    const auto found = codes(reg::read_metadata_register(s).value());
    CHECK(std::find(found.begin(), found.end(), "misplaced notes/officer-1.2") != found.end());
    CHECK(std::find(found.begin(), found.end(), "malformed notes/clerk-1.1") != found.end());
  }
}

// The second reader, written from docs/formats/metadata-register.md alone, agrees with the document's golden
// vector (and the golden test above ties the document to this code).
TEST_CASE("metadata_verifier.py reads and verifies the documented golden note from the document alone",
          "[integration]") {
  const std::string source = BODYCAM_SOURCE_DIR;
  const auto py = bodycam::tests::run_process(
      {"/usr/bin/python3", source + "/tests/tools/registers/metadata_verifier.py", source + "/docs/formats/metadata-register.md"});
  INFO(py.out << py.err);
  CHECK(py.exit_code == 0);
  CHECK(py.out.find("ok   signature verifies") != std::string::npos);
  CHECK(py.out.find("FAIL") == std::string::npos);
}

}  // namespace metadata_register_test

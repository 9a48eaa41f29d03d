// The store log's leaf and batch encodings: golden vectors (docs/formats/log.md §4.6) and refusals.
#include "common/store_log/leaf.hpp"
#include "common/store_log/log_files.hpp"
#include "common/tlog/hash.hpp"

#include <catch2/catch.hpp>

using namespace bodycam::common;

namespace {
core::byte_buffer bytes_of(std::string_view s) { return core::byte_buffer(s.begin(), s.end()); }
}  // namespace

TEST_CASE("store log leaf golden vectors", "[store_log]") {
  const auto abc = crypto::sha256(std::string_view("abc"));
  auto receipt = store_log::encode_leaf({"receipts/r1", abc});
  REQUIRE(receipt);
  CHECK(*receipt == bytes_of("bodycam-store-leaf/v1 receipts "
                             "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad receipts/r1\n"));
  CHECK(tlog::leaf_hash(*receipt).to_hex() == "f996774b1371d70e53608f43d3d88568070e133689a3ce96d18a2cc85344d2cc");

  const auto empty = crypto::sha256(std::string_view(""));
  auto object = store_log::encode_leaf({"objects/sha256/" + empty.to_hex(), empty});
  REQUIRE(object);
  CHECK(tlog::leaf_hash(*object).to_hex() == "a3b1e72775ebe84d02a42167526a653dc28b4e04f551cbc6f96da3cdcbf53976");

  auto parsed = store_log::parse_leaf(*receipt);
  REQUIRE(parsed);
  CHECK(parsed->key == "receipts/r1");
  CHECK(parsed->sha256 == abc);
}

TEST_CASE("store log leaf refuses what is not its exact shape", "[store_log]") {
  const auto abc = crypto::sha256(std::string_view("abc"));
  CHECK_FALSE(store_log::encode_leaf({"log/checkpoint/5", abc}));  // the log never logs itself
  CHECK_FALSE(store_log::encode_leaf({"receipts/../x", abc}));
  CHECK_FALSE(store_log::encode_leaf({"nowhere/x", abc}));
  CHECK(store_log::encode_leaf({"notes/officer-7.0", abc}));  // the metadata register is logged too
  const std::string good = "bodycam-store-leaf/v1 receipts " + abc.to_hex() + " receipts/r1\n";
  CHECK(store_log::parse_leaf(bytes_of(good)));
  for (const std::string& bad : std::vector<std::string>{
           "bodycam-store-leaf/v2 receipts " + abc.to_hex() + " receipts/r1\n",    // version
           "bodycam-store-leaf/v1 receipts " + abc.to_hex() + " receipts/r1",      // no newline
           "bodycam-store-leaf/v1 access " + abc.to_hex() + " receipts/r1\n",      // kind is not the key's
           "bodycam-store-leaf/v1 receipts " + abc.to_hex().substr(1) + " receipts/r1\n",  // short digest
           "bodycam-store-leaf/v1 receipts BA" + abc.to_hex().substr(2) + " receipts/r1\n",  // upper case
           "bodycam-store-leaf/v1 receipts " + abc.to_hex() + "  receipts/r1\n",   // two spaces
           "bodycam-store-leaf/v1 receipts " + abc.to_hex() + " receipts/r1 x\n",  // trailing text
       }) {
    INFO(bad);
    CHECK_FALSE(store_log::parse_leaf(bytes_of(bad)));
  }
}

TEST_CASE("store log batch round-trips and refuses truncation", "[store_log]") {
  const std::vector<core::byte_buffer> leaves{bytes_of(""), bytes_of("A"), core::byte_buffer(300, 0x7a)};
  auto batch = store_log::encode_batch(leaves);
  REQUIRE(batch);
  CHECK(batch->size() == 4 + 2 + 2 + 1 + 2 + 300);
  CHECK((*batch)[3] == 3);
  auto back = store_log::decode_batch(*batch);
  REQUIRE(back);
  CHECK(*back == leaves);
  auto cut = *batch;
  cut.pop_back();
  CHECK_FALSE(store_log::decode_batch(cut));
  auto extra = *batch;
  extra.push_back(0);
  CHECK_FALSE(store_log::decode_batch(extra));
  CHECK_FALSE(store_log::encode_batch({}));
}

TEST_CASE("store log files live under log/", "[store_log]") {
  CHECK(store_log::tile_key({tlog::entries_level, 0, 5}).str() == "log/tile/entries/000.p/5");
  CHECK(store_log::tile_key({1, 1234067, 8}).str() == "log/tile/1/x001/x234/067.p/8");
  CHECK(store_log::batch_key(256).str() == "log/batch/256");
  CHECK(store_log::checkpoint_key(7).str() == "log/checkpoint/7");
  auto cosig = store_log::cosignature_key(7, "witness-1");
  REQUIRE(cosig);
  CHECK(cosig->str() == "log/cosignature/7/witness-1");
  CHECK_FALSE(store_log::cosignature_key(7, "../x"));
  CHECK(store_log::checkpoint_key(7).kind() == "log file");
}

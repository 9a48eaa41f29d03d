#include "tests/common/store/store_conformance.hpp"

#include "tests/support/chain_scenario.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <latch>
#include <numeric>
#include <optional>
#include <random>
#include <thread>

#include <catch2/catch.hpp>

namespace bodycam::tests::store {

namespace core = common::core;
namespace crypto = common::crypto;
namespace st = common::store;

common::core::byte_buffer pseudo_random_bytes(std::size_t size, std::uint32_t seed) {
  std::mt19937 rng(seed);
  core::byte_buffer out(size);
  for (auto& b : out) b = static_cast<std::uint8_t>(rng());
  return out;
}

namespace {

template <class T>
core::error error_of(const core::expected<T>& result) {
  REQUIRE_FALSE(result.has_value());
  return result.error();
}

using core::text_bytes;

core::byte_buffer read_all(st::object_reader& reader, std::size_t chunk) {
  core::byte_buffer out;
  core::byte_buffer buffer(chunk);
  for (;;) {
    auto n = reader.read(buffer);
    REQUIRE(n.has_value());
    if (*n == 0) return out;
    out.insert(out.end(), buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(*n));
  }
}

// A source of unknown length that hands out its bytes in uneven pieces (1, 2, 3, … bytes at a time).
class trickle_source final : public st::byte_source {
 public:
  explicit trickle_source(core::byte_view bytes) : bytes_(bytes) {}
  core::expected<std::size_t> read(std::span<std::uint8_t> buffer) override {
    const std::size_t n = std::min({buffer.size(), bytes_.size() - position_, step_++ % 4096 + 1});
    std::copy_n(bytes_.begin() + static_cast<std::ptrdiff_t>(position_), n, buffer.begin());
    position_ += n;
    return n;
  }
  std::string describe() const override { return "trickle"; }

 private:
  core::byte_view bytes_;
  std::size_t position_ = 0;
  std::size_t step_ = 0;
};

// A source that fails after some bytes, like a camera link that drops.
class failing_source final : public st::byte_source {
 public:
  explicit failing_source(core::byte_view bytes) : bytes_(bytes) {}
  core::expected<std::size_t> read(std::span<std::uint8_t> buffer) override {
    if (position_ >= bytes_.size() / 2) return core::fail(core::errc::closed, "camera link dropped");
    const std::size_t n = std::min(buffer.size(), bytes_.size() / 2 - position_);
    std::copy_n(bytes_.begin() + static_cast<std::ptrdiff_t>(position_), n, buffer.begin());
    position_ += n;
    return n;
  }
  std::string describe() const override { return "failing"; }

 private:
  core::byte_view bytes_;
  std::size_t position_ = 0;
};

std::vector<crypto::sha256_digest> all_objects(const st::store& s) {
  std::vector<crypto::sha256_digest> out;
  REQUIRE(s.for_each_object([&](const crypto::sha256_digest& d) {
    out.push_back(d);
    return true;
  }));
  std::sort(out.begin(), out.end());
  return out;
}

void check_stored_object(const st::store& s, const core::byte_buffer& bytes) {
  const auto digest = crypto::sha256(bytes);
  CHECK(s.has_object(digest).value());
  CHECK(s.object_size(digest).value() == bytes.size());
  CHECK(s.rehash_object(digest).value() == digest);
  auto reader = s.open_object(digest);
  REQUIRE(reader.has_value());
  CHECK((*reader)->size() == bytes.size());
  CHECK(read_all(**reader, 100'000) == bytes);
}

void object_sections(const store_factory& make) {
  SECTION("put_object stores bytes under their SHA-256 and gives them back whole, streamed and re-hashed") {
    auto f = make();
    const auto bytes = pseudo_random_bytes(700'001, 1);
    CHECK(f.store.put_object(crypto::sha256(bytes), bytes).value() == st::put_outcome::created);
    check_stored_object(f.store, bytes);
    CHECK(all_objects(f.store) == std::vector{crypto::sha256(bytes)});
  }
  SECTION("put_object of content already stored is already_stored, from bytes, a file reader or a stream") {
    auto f = make();
    const auto bytes = pseudo_random_bytes(300'000, 2);
    const auto digest = crypto::sha256(bytes);
    REQUIRE(f.store.put_object(digest, bytes).value() == st::put_outcome::created);
    CHECK(f.store.put_object(digest, bytes).value() == st::put_outcome::already_stored);
    trickle_source trickle(bytes);
    CHECK(f.store.put_object(digest, trickle).value() == st::put_outcome::already_stored);
    check_stored_object(f.store, bytes);
    CHECK(all_objects(f.store).size() == 1);
  }
  SECTION("put_object streams a source of unknown length handed out in uneven pieces") {
    auto f = make();
    const auto bytes = pseudo_random_bytes(250'000, 3);
    trickle_source trickle(bytes);
    CHECK(f.store.put_object(crypto::sha256(bytes), trickle).value() == st::put_outcome::created);
    check_stored_object(f.store, bytes);
  }
  SECTION("the empty object is an object like any other") {
    auto f = make();
    const core::byte_buffer empty;
    const auto digest = crypto::sha256(empty);
    CHECK(f.store.put_object(digest, empty).value() == st::put_outcome::created);
    check_stored_object(f.store, empty);
    CHECK(f.store.read_object_range(digest, 0, 10).value().empty());
  }
  SECTION("put_object with bytes that do not hash to the digest is refused as corrupt and leaves nothing") {
    auto f = make();
    const auto bytes = pseudo_random_bytes(200'000, 4);
    auto tampered = bytes;
    tampered[123'456] ^= 0x01;
    const auto digest = crypto::sha256(bytes);
    const auto e = error_of(f.store.put_object(digest, tampered));
    CHECK(e.code == core::errc::corrupt);
    CHECK_THAT(e.context, Catch::Contains(digest.to_hex()));
    CHECK_FALSE(f.store.has_object(digest).value());
    CHECK_FALSE(f.store.has_object(crypto::sha256(tampered)).value());
    CHECK(all_objects(f.store).empty());
    // Nothing half-stored is in the way of the right content afterwards.
    CHECK(f.store.put_object(digest, bytes).value() == st::put_outcome::created);
    check_stored_object(f.store, bytes);
  }
  SECTION("a source that fails mid-way stores nothing and its error comes through") {
    auto f = make();
    const auto bytes = pseudo_random_bytes(600'000, 5);
    failing_source source(bytes);
    const auto e = error_of(f.store.put_object(crypto::sha256(bytes), source));
    CHECK(e.code == core::errc::closed);
    CHECK_THAT(e.context, Catch::Contains("camera link dropped"));
    CHECK(all_objects(f.store).empty());
  }
  SECTION("read_object_range returns exactly the requested bytes and stops at the end") {
    auto f = make();
    const auto bytes = pseudo_random_bytes(100'000, 6);
    const auto digest = crypto::sha256(bytes);
    REQUIRE(f.store.put_object(digest, bytes));
    auto slice = [&](std::size_t from, std::size_t n) {
      return core::byte_buffer(bytes.begin() + static_cast<std::ptrdiff_t>(from),
                               bytes.begin() + static_cast<std::ptrdiff_t>(std::min(from + n, bytes.size())));
    };
    CHECK(f.store.read_object_range(digest, 0, 10).value() == slice(0, 10));
    CHECK(f.store.read_object_range(digest, 54'321, 4'000).value() == slice(54'321, 4'000));
    CHECK(f.store.read_object_range(digest, 99'990, 1'000).value() == slice(99'990, 10));
    CHECK(f.store.read_object_range(digest, 0, 200'000).value() == bytes);
    CHECK(f.store.read_object_range(digest, 100'000, 5).value().empty());
    CHECK(error_of(f.store.read_object_range(digest, 100'001, 5)).code == core::errc::invalid_argument);
    CHECK(error_of(f.store.read_object_range(digest, 0, st::max_range_bytes + 1)).code == core::errc::invalid_argument);
  }
  SECTION("a missing object: has is false, the rest is not_found naming it") {
    auto f = make();
    const auto digest = crypto::sha256(std::string_view("never stored"));
    CHECK_FALSE(f.store.has_object(digest).value());
    for (const auto& e : {error_of(f.store.object_size(digest)), error_of(f.store.open_object(digest)),
                          error_of(f.store.read_object_range(digest, 0, 1)), error_of(f.store.rehash_object(digest))}) {
      CHECK(e.code == core::errc::not_found);
      CHECK_THAT(e.context, Catch::Contains("objects/sha256/" + digest.to_hex()));
    }
  }
  SECTION("flip_byte_in_stored_object: rehash_object reports the actual hash, and a put does not paper over it") {
    auto f = make();
    const auto bytes = pseudo_random_bytes(90'000, 7);
    const auto digest = crypto::sha256(bytes);
    REQUIRE(f.store.put_object(digest, bytes));
    f.corrupt(st::store_key::object(digest));
    const auto actual = f.store.rehash_object(digest);
    REQUIRE(actual.has_value());
    CHECK(*actual != digest);
    // The name still claims the digest, the content is other: a second put must not answer "already stored"
    // and must not overwrite evidence either.
    const auto e = error_of(f.store.put_object(digest, bytes));
    CHECK(e.code == core::errc::corrupt);
    CHECK_THAT(e.context, Catch::Contains(digest.to_hex()) && Catch::Contains(actual->to_hex()));
    CHECK(f.store.rehash_object(digest).value() == *actual);
  }
  SECTION("for_each_object lists every object exactly once and stops when the visitor says so") {
    auto f = make();
    std::vector<crypto::sha256_digest> expected;
    for (std::uint32_t i = 0; i < 20; ++i) {
      const auto bytes = pseudo_random_bytes(1000 + i, 100 + i);
      expected.push_back(crypto::sha256(bytes));
      REQUIRE(f.store.put_object(expected.back(), bytes));
    }
    std::sort(expected.begin(), expected.end());
    CHECK(all_objects(f.store) == expected);
    int visited = 0;
    REQUIRE(f.store.for_each_object([&](const crypto::sha256_digest&) { return ++visited < 5; }));
    CHECK(visited == 5);
  }
  SECTION("space reports what it knows consistently") {
    auto f = make();
    const auto space = f.store.space();
    REQUIRE(space.has_value());
    if (space->total_bytes && space->available_bytes) CHECK(*space->available_bytes <= *space->total_bytes);
  }
  SECTION("recover on a store that saw no crash removes nothing and finds nothing foreign") {
    auto f = make();
    REQUIRE(f.store.put_object(crypto::sha256(std::string_view("x")), text_bytes("x")));
    const auto report = f.store.recover();
    REQUIRE(report.has_value());
    CHECK(report->removed.empty());
    CHECK(report->foreign.empty());
    CHECK(f.store.has_object(crypto::sha256(std::string_view("x"))).value());
  }
}

void record_sections(const store_factory& make) {
  const auto chain =
      chain_scenario("cam-1").run("boot precheck start seg seg seg seg seg seg seg seg seg stop").records();
  REQUIRE(chain.size() == 13);  // seqs 0-12: "10" sorts before "2" as text, after it as a number
  const auto device = chain.front().body.device;

  SECTION("put_record files each record at records/<device>/<seq> and get_record returns its bytes") {
    auto f = make();
    for (const auto& r : chain) CHECK(f.store.put_record(r.bytes).value() == st::put_outcome::created);
    for (const auto& r : chain) CHECK(f.store.get_record(device, r.body.seq).value() == r.bytes);
    std::vector<std::uint64_t> seqs(chain.size());
    std::iota(seqs.begin(), seqs.end(), 0);
    CHECK(f.store.list_record_seqs(device).value() == seqs);
    CHECK(f.store.list_devices().value() == std::vector{device});
    CHECK(f.store.backend().stat(st::store_key::parse("records/cam-1/12").value()).value() ==
          chain.back().bytes.size());
  }
  SECTION("for_each_record walks every device in order, each device's records in seq order, and stops on error") {
    auto f = make();
    const auto cam2 = chain_scenario("cam-2", 3).run("boot precheck").records();
    for (const auto& r : cam2) REQUIRE(f.store.put_record(r));
    for (const auto& r : chain) REQUIRE(f.store.put_record(r));
    std::vector<std::pair<std::string, std::uint64_t>> seen;
    REQUIRE(f.store.for_each_record([&](const common::record::device_id& d, std::uint64_t seq, core::byte_view bytes) {
      const auto& expected = d.str() == "cam-1" ? chain.at(seq).bytes : cam2.at(seq).bytes;
      CHECK(core::byte_buffer(bytes.begin(), bytes.end()) == expected);
      seen.emplace_back(d.str(), seq);
      return core::status{};
    }));
    REQUIRE(seen.size() == chain.size() + cam2.size());
    CHECK(seen.front() == std::pair<std::string, std::uint64_t>{"cam-1", 0});
    CHECK(seen[12] == std::pair<std::string, std::uint64_t>{"cam-1", 12});  // 12 after 2, numerically
    CHECK(seen.back() == std::pair<std::string, std::uint64_t>{"cam-2", 1});
    std::size_t visits = 0;
    const auto stopped = f.store.for_each_record([&](const common::record::device_id&, std::uint64_t, core::byte_view) {
      return ++visits == 3 ? core::status(core::fail(core::errc::internal, "enough")) : core::status{};
    });
    REQUIRE_FALSE(stopped);
    CHECK(stopped.error().context == "enough");
    CHECK(visits == 3);
  }
  SECTION("a record is filed where its own bytes say, whatever the caller's struct claims") {
    auto f = make();
    auto lying = chain[3];
    lying.body.seq = 7;
    REQUIRE(f.store.put_record(lying).value() == st::put_outcome::created);
    CHECK(f.store.list_record_seqs(device).value() == std::vector<std::uint64_t>{3});
    CHECK(f.store.get_record(device, 3).value() == chain[3].bytes);
  }
  SECTION("the same record again is already_stored") {
    auto f = make();
    REQUIRE(f.store.put_record(chain[0]).value() == st::put_outcome::created);
    CHECK(f.store.put_record(chain[0]).value() == st::put_outcome::already_stored);
    CHECK(f.store.put_record(chain[0].bytes).value() == st::put_outcome::already_stored);
  }
  SECTION("fork: another record at the same device and seq is a conflict and changes nothing") {
    auto f = make();
    REQUIRE(f.store.put_record(chain[0]));
    const auto other = chain_scenario("cam-1", 2).run("boot").records().front();
    REQUIRE(other.body.seq == 0);
    REQUIRE(other.bytes != chain[0].bytes);
    const auto e = error_of(f.store.put_record(other));
    CHECK(e.code == core::errc::conflict);
    CHECK_THAT(e.context, Catch::Contains("records/cam-1/0"));
    CHECK(f.store.get_record(device, 0).value() == chain[0].bytes);
  }
  SECTION("bytes that are not a signed record are refused and nothing is filed") {
    auto f = make();
    CHECK(error_of(f.store.put_record(text_bytes("hello"))).code == core::errc::malformed);
    auto truncated = chain[1].bytes;
    truncated.pop_back();
    CHECK(error_of(f.store.put_record(truncated)).code == core::errc::malformed);
    auto future = chain[0].bytes;
    future[5] = 0x02;  // format version 2
    CHECK(error_of(f.store.put_record(future)).code == core::errc::unsupported);
    CHECK(f.store.list_devices().value().empty());
  }
  SECTION("records of several devices stay apart; unknown devices and seqs are empty or not_found") {
    auto f = make();
    const auto cam2 = chain_scenario("cam-2", 3).run("boot precheck").records();
    for (const auto& r : chain) REQUIRE(f.store.put_record(r));
    for (const auto& r : cam2) REQUIRE(f.store.put_record(r));
    CHECK(f.store.list_devices().value() == std::vector{device, cam2[0].body.device});
    CHECK(f.store.list_record_seqs(cam2[0].body.device).value() == std::vector<std::uint64_t>{0, 1});
    CHECK(f.store.get_record(cam2[0].body.device, 1).value() == cam2[1].bytes);
    const auto nobody = common::record::device_id::parse("cam-404").value();
    CHECK(f.store.list_record_seqs(nobody).value().empty());
    const auto e = error_of(f.store.get_record(nobody, 0));
    CHECK(e.code == core::errc::not_found);
    CHECK_THAT(e.context, Catch::Contains("records/cam-404/0"));
    CHECK(error_of(f.store.get_record(device, 13)).code == core::errc::not_found);
  }
}

void key_and_entry_sections(const store_factory& make) {
  const auto key1 = crypto::labelled_public_key{"cam-1", fixed_key(1).public_key()};
  const auto key2 = crypto::labelled_public_key{"cam-1", fixed_key(2).public_key()};
  const auto cam1 = common::record::device_id::parse("cam-1").value();

  SECTION("put_public_key stores the key line at keys/<device>.pub; again is already_stored; another is a conflict") {
    auto f = make();
    CHECK(f.store.put_public_key(key1).value() == st::put_outcome::created);
    CHECK(f.store.put_public_key(key1).value() == st::put_outcome::already_stored);
    if (f.reopen) {  // a handle that has not put it finds it stored
      auto other = f.reopen();
      REQUIRE(other.has_value());
      CHECK(other->put_public_key(key1).value() == st::put_outcome::already_stored);
      CHECK(error_of(other->put_public_key(key2)).code == core::errc::conflict);
    }
    const auto e = error_of(f.store.put_public_key(key2));
    CHECK(e.code == core::errc::conflict);
    CHECK_THAT(e.context, Catch::Contains("keys/cam-1.pub"));
    const auto got = f.store.get_public_key(cam1);
    REQUIRE(got.has_value());
    CHECK(got->label == "cam-1");
    CHECK(got->key == key1.key);
    const auto raw = f.store.backend().read_range(st::store_key::public_key(cam1), 0, 1000).value();
    CHECK(std::string(raw.begin(), raw.end()) == crypto::format_public_key_line(key1));
    REQUIRE(f.store.put_public_key({"dock_7", fixed_key(7).public_key()}));
    CHECK(f.store.list_public_keys().value() == std::vector{cam1, common::record::device_id::parse("dock_7").value()});
    CHECK(error_of(f.store.get_public_key(common::record::device_id::parse("cam-9").value())).code ==
          core::errc::not_found);
  }
  SECTION("a key whose label is not a device id is refused") {
    auto f = make();
    for (const char* label : {"../../etc/passwd", "", ".hidden", "a/b"})
      CHECK(error_of(f.store.put_public_key({label, key1.key})).code == core::errc::invalid_argument);
    CHECK(f.store.list_public_keys().value().empty());
  }
  SECTION("receipts and access entries are write-once named entries in separate namespaces") {
    auto f = make();
    CHECK(f.store.put_entry(st::entry_namespace::receipts, "cam-1.000042", text_bytes("receipt A")).value() ==
          st::put_outcome::created);
    CHECK(f.store.put_entry(st::entry_namespace::receipts, "cam-1.000042", text_bytes("receipt A")).value() ==
          st::put_outcome::already_stored);
    const auto e = error_of(f.store.put_entry(st::entry_namespace::receipts, "cam-1.000042", text_bytes("receipt B")));
    CHECK(e.code == core::errc::conflict);
    CHECK_THAT(e.context, Catch::Contains("receipts/cam-1.000042"));
    CHECK(f.store.get_entry(st::entry_namespace::receipts, "cam-1.000042").value() ==
          core::byte_buffer(text_bytes("receipt A").begin(), text_bytes("receipt A").end()));
    REQUIRE(f.store.put_entry(st::entry_namespace::access, "cam-1.000042", text_bytes("access X")));
    REQUIRE(f.store.put_entry(st::entry_namespace::access, "2026-11-18T10-00-00Z_clerk-3", text_bytes("")));
    CHECK(f.store.list_entries(st::entry_namespace::receipts).value() == std::vector<std::string>{"cam-1.000042"});
    CHECK(f.store.list_entries(st::entry_namespace::access).value() ==
          std::vector<std::string>{"2026-11-18T10-00-00Z_clerk-3", "cam-1.000042"});
    CHECK(f.store.get_entry(st::entry_namespace::access, "2026-11-18T10-00-00Z_clerk-3").value().empty());
    CHECK(error_of(f.store.get_entry(st::entry_namespace::access, "nope")).code == core::errc::not_found);
  }
  SECTION("list_entries with a name prefix gives exactly the names beginning with it, sorted") {
    auto f = make();
    for (const auto* name : {"cam-1.4-9", "cam-1.0-4", "cam-10.0-3", "cam-2.0-5"})
      REQUIRE(f.store.put_entry(st::entry_namespace::receipts, name, text_bytes(name)));
    REQUIRE(f.store.put_entry(st::entry_namespace::access, "cam-1.0-4", text_bytes("another namespace")));
    using names = std::vector<std::string>;
    CHECK(f.store.list_entries(st::entry_namespace::receipts, "cam-1.").value() == names{"cam-1.0-4", "cam-1.4-9"});
    CHECK(f.store.list_entries(st::entry_namespace::receipts, "cam-1").value() ==
          names{"cam-1.0-4", "cam-1.4-9", "cam-10.0-3"});
    CHECK(f.store.list_entries(st::entry_namespace::receipts, "cam-2.0-5").value() == names{"cam-2.0-5"});
    CHECK(f.store.list_entries(st::entry_namespace::receipts, "cam-3.").value().empty());
    CHECK(f.store.list_entries(st::entry_namespace::receipts, "").value() ==
          names{"cam-1.0-4", "cam-1.4-9", "cam-10.0-3", "cam-2.0-5"});
    CHECK(f.store.list_entries(st::entry_namespace::access, "cam-").value() == names{"cam-1.0-4"});
  }
  SECTION("names that try to escape the store are refused and store nothing") {
    auto f = make();
    using namespace std::string_literals;
    const std::vector<std::string> bad = {"",      ".",      "..",  "../x", "a/b", "/etc/passwd",
                                          "x\0y"s, ".tmp-1", "a b", "a\\b", "ä",   std::string(256, 'a')};
    for (const auto ns : {st::entry_namespace::receipts, st::entry_namespace::access, st::entry_namespace::retention}) {
      for (const auto& name : bad) {
        INFO("name '" << name << "'");
        CHECK(error_of(f.store.put_entry(ns, name, text_bytes("x"))).code == core::errc::invalid_argument);
        CHECK(error_of(f.store.get_entry(ns, name)).code == core::errc::invalid_argument);
      }
      CHECK(f.store.list_entries(ns).value().empty());
    }
    CHECK(f.store.put_entry(st::entry_namespace::access, std::string(255, 'a'), text_bytes("x")).value() ==
          st::put_outcome::created);
  }
  SECTION("remove_expired_object: refused until the expiry event is stored, then only that object goes") {
    auto f = make();
    const auto kept = pseudo_random_bytes(5'000, 21);
    const auto expired = pseudo_random_bytes(6'000, 22);
    REQUIRE(f.store.put_object(crypto::sha256(kept), kept));
    REQUIRE(f.store.put_object(crypto::sha256(expired), expired));
    const auto refused = error_of(f.store.remove_expired_object(crypto::sha256(expired), "clerk-1.0"));
    CHECK(refused.code == core::errc::conflict);
    CHECK_THAT(refused.context, Catch::Contains("retention/clerk-1.0"));
    CHECK(f.store.has_object(crypto::sha256(expired)).value());
    CHECK(error_of(f.store.remove_expired_object(crypto::sha256(expired), "../x")).code ==
          core::errc::invalid_argument);
    REQUIRE(f.store.put_entry(st::entry_namespace::retention, "clerk-1.0", text_bytes("expiry event")));
    REQUIRE(f.store.remove_expired_object(crypto::sha256(expired), "clerk-1.0"));
    CHECK_FALSE(f.store.has_object(crypto::sha256(expired)).value());
    CHECK(all_objects(f.store) == std::vector{crypto::sha256(kept)});
    check_stored_object(f.store, kept);
    CHECK(error_of(f.store.remove_expired_object(crypto::sha256(expired), "clerk-1.0")).code ==
          core::errc::not_found);
    CHECK(f.store.list_entries(st::entry_namespace::retention).value() == std::vector<std::string>{"clerk-1.0"});
  }
  SECTION("an entry larger than max_entry_bytes is refused") {
    auto f = make();
    const core::byte_buffer big(st::max_entry_bytes + 1, 0x55);
    CHECK(error_of(f.store.put_entry(st::entry_namespace::receipts, "big", big)).code == core::errc::invalid_argument);
    CHECK(f.store.list_entries(st::entry_namespace::receipts).value().empty());
  }
}

// N handles (one per thread when the backend can reopen, else the shared one) put at the same moment.
template <class Put>
std::vector<core::expected<st::put_outcome>> race(store_fixture& f, int writers, Put put) {
  std::vector<std::optional<st::store>> handles(static_cast<std::size_t>(writers));
  if (f.reopen)
    for (auto& h : handles) h.emplace(f.reopen().value());
  std::vector<core::expected<st::put_outcome>> results(static_cast<std::size_t>(writers),
                                                       core::fail(core::errc::internal, "did not run"));
  std::latch start(writers);
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(writers));
  for (int i = 0; i < writers; ++i)
    threads.emplace_back([&, i] {
      const auto index = static_cast<std::size_t>(i);
      st::store& s = handles[index] ? *handles[index] : f.store;
      start.arrive_and_wait();
      results[index] = put(s, i);
    });
  for (auto& t : threads) t.join();
  return results;
}

void concurrency_sections(const store_factory& make) {
  SECTION("threads putting one object at once: exactly one creates, the others see already_stored") {
    auto f = make();
    for (std::uint32_t round = 0; round < 3; ++round) {
      const auto bytes = pseudo_random_bytes(1'500'000, 200 + round);
      const auto digest = crypto::sha256(bytes);
      const auto results = race(f, 6, [&](st::store& s, int) { return s.put_object(digest, bytes); });
      int created = 0;
      for (const auto& r : results) {
        REQUIRE(r.has_value());
        created += *r == st::put_outcome::created ? 1 : 0;
      }
      CHECK(created == 1);
      check_stored_object(f.store, bytes);
    }
  }
  SECTION("threads putting two forks of one record at once: one wins, its twins agree, the others conflict") {
    auto f = make();
    const auto a = chain_scenario("cam-7", 1).run("boot").records().front();
    const auto b = chain_scenario("cam-7", 2).run("boot").records().front();
    const auto results = race(f, 8, [&](st::store& s, int i) { return s.put_record(i % 2 == 0 ? a : b); });
    const auto stored = f.store.get_record(a.body.device, 0).value();
    REQUIRE((stored == a.bytes || stored == b.bytes));
    int created = 0;
    for (std::size_t i = 0; i < results.size(); ++i) {
      const bool same_as_winner = (i % 2 == 0 ? a.bytes : b.bytes) == stored;
      if (results[i]) {
        CHECK(same_as_winner);
        created += *results[i] == st::put_outcome::created ? 1 : 0;
      } else {
        CHECK_FALSE(same_as_winner);
        CHECK(results[i].error().code == core::errc::conflict);
      }
    }
    CHECK(created == 1);
  }
  SECTION("one handle, threads putting records 10-29 and forks of them at once: each seq created once, its twins "
          "agree, the forks conflict") {
    // Many creates under one prefix through one handle: an S3 store confirms them together (s3_backend.hpp S3).
    auto f = make();
    std::string words = "boot";
    for (int i = 0; i < 29; ++i) words += " seg";
    const auto a = chain_scenario("cam-8", 1).run(words).records();
    const auto b = chain_scenario("cam-8", 2).run(words).records();
    REQUIRE(a.size() == 30);
    REQUIRE(b.size() == 30);
    constexpr std::size_t first = 10, end = 30, per_seq = 3;  // two of a's bytes and one of b's, per seq
    std::vector<core::expected<st::put_outcome>> results((end - first) * per_seq,
                                                         core::fail(core::errc::internal, "did not run"));
    std::latch start(static_cast<std::ptrdiff_t>(results.size()));
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < results.size(); ++i)
      threads.emplace_back([&, i] {
        const std::size_t seq = first + i / per_seq;
        start.arrive_and_wait();
        results[i] = f.store.put_record(i % per_seq == 2 ? b[seq] : a[seq]);
      });
    for (auto& t : threads) t.join();
    for (std::size_t seq = first; seq < end; ++seq) {
      INFO("seq " << seq);
      const auto stored = f.store.get_record(a[seq].body.device, seq).value();
      REQUIRE((stored == a[seq].bytes || stored == b[seq].bytes));
      int created = 0;
      for (std::size_t k = 0; k < per_seq; ++k) {
        const auto& r = results[(seq - first) * per_seq + k];
        const bool same_as_winner = (k == 2 ? b[seq] : a[seq]).bytes == stored;
        if (r) {
          CHECK(same_as_winner);
          created += *r == st::put_outcome::created ? 1 : 0;
        } else {
          CHECK_FALSE(same_as_winner);
          CHECK(r.error().code == core::errc::conflict);
        }
      }
      CHECK(created == 1);
    }
  }
}

// Forked children each open their own handle and put the same object once a shared gate opens.
void process_section(const store_factory& make) {
  SECTION("processes putting one object at once: exactly one creates, the others see already_stored") {
    auto f = make();
    const auto bytes = pseudo_random_bytes(4'000'000, 300);
    const auto digest = crypto::sha256(bytes);
    constexpr int children = 4;
    constexpr int exit_created = 10;
    constexpr int exit_already = 11;
    int gate[2];
    REQUIRE(::pipe(gate) == 0);
    std::vector<pid_t> pids;
    for (int i = 0; i < children; ++i) {
      const pid_t pid = ::fork();
      REQUIRE(pid >= 0);
      if (pid == 0) {
        ::close(gate[1]);
        auto s = f.reopen();
        char c = 0;
        while (::read(gate[0], &c, 1) < 0) {
        }
        if (!s) ::_exit(3);
        auto r = s->put_object(digest, bytes);
        ::_exit(!r ? 4 : *r == st::put_outcome::created ? exit_created : exit_already);
      }
      pids.push_back(pid);
    }
    ::close(gate[0]);
    ::close(gate[1]);  // opens the gate: every child's read returns 0 at once
    int created = 0;
    int already = 0;
    for (const pid_t pid : pids) {
      int status = 0;
      REQUIRE(::waitpid(pid, &status, 0) == pid);
      REQUIRE(WIFEXITED(status));
      INFO("child exit " << WEXITSTATUS(status));
      CHECK((WEXITSTATUS(status) == exit_created || WEXITSTATUS(status) == exit_already));
      created += WEXITSTATUS(status) == exit_created ? 1 : 0;
      already += WEXITSTATUS(status) == exit_already ? 1 : 0;
    }
    CHECK(created == 1);
    CHECK(already == children - 1);
    check_stored_object(f.store, bytes);
  }
}

}  // namespace

void run_store_conformance(const store_factory& make_fixture) {
  object_sections(make_fixture);
  record_sections(make_fixture);
  key_and_entry_sections(make_fixture);
  concurrency_sections(make_fixture);
  // Only a backend whose content outlives one handle can be shared by processes.
  if (make_fixture().reopen) process_section(make_fixture);
}

}  // namespace bodycam::tests::store

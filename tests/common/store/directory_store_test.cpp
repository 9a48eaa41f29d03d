// The directory backend: the conformance suite, then what only a directory has — the byte-exact files on
// disk, the store marker, temp files left by a crash and recover(), planted symlinks, the free-space reserve
// and the order of the write protocol's system calls.
#include "common/core/durable_file.hpp"
#include "common/store/directory_backend.hpp"
#include "common/store/record_inputs.hpp"
#include "tests/common/store/store_test_support.hpp"
#include "tests/support/files.hpp"
#include "tests/support/chain_scenario.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <fstream>
#include <future>
#include <thread>

#include <catch2/catch.hpp>

using namespace bodycam::common;
using namespace bodycam::tests::store;
using bodycam::tests::chain_scenario;
using bodycam::tests::fixed_key;
using bodycam::tests::slurp;
using bodycam::tests::temp_dir;
namespace fs = std::filesystem;

namespace {

using core::text_bytes;

unsigned mode_of(const fs::path& path) {
  struct stat st {};
  REQUIRE(::lstat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

void write_text(const fs::path& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  REQUIRE(out.good());
}

// Sets a promise when it goes out of scope, unless that happened already.
class set_on_exit {
 public:
  explicit set_on_exit(std::promise<void>& promise) noexcept : promise_(promise) {}
  set_on_exit(const set_on_exit&) = delete;
  set_on_exit& operator=(const set_on_exit&) = delete;
  set_on_exit(set_on_exit&&) = delete;
  set_on_exit& operator=(set_on_exit&&) = delete;
  ~set_on_exit() {
    try {
      promise_.set_value();
    } catch (const std::future_error&) {  // already set
    }
  }

 private:
  std::promise<void>& promise_;
};

}  // namespace

TEST_CASE("the directory backend keeps the store contract", "[integration]") {
  run_store_conformance(make_directory_fixture);
}

TEST_CASE("a directory store's files are the byte-exact layout, read-only, private, and sha256sum agrees",
          "[integration]") {
  directory_harness h;
  auto& s = h.store();
  const auto segment = pseudo_random_bytes(123'456, 9);
  const auto digest = crypto::sha256(segment);
  const auto records = chain_scenario("cam-0001").run("boot precheck").records();
  const crypto::labelled_public_key key{"cam-0001", fixed_key(1).public_key()};
  REQUIRE(s.put_object(digest, segment));
  for (const auto& r : records) REQUIRE(s.put_record(r));
  REQUIRE(s.put_public_key(key));
  REQUIRE(s.put_entry(store::entry_namespace::receipts, "dock-1.cam-0001.2", text_bytes("receipt")));
  REQUIRE(s.put_entry(store::entry_namespace::access, "0001", text_bytes("access")));

  const std::string hex = digest.to_hex();
  CHECK(files_under(h.root()) == std::vector<std::string>{"access/", "access/0001", "keys/", "keys/cam-0001.pub",
                                                          "objects/", "objects/sha256/", "objects/sha256/" + hex,
                                                          "receipts/", "receipts/dock-1.cam-0001.2", "records/",
                                                          "records/cam-0001/", "records/cam-0001/0",
                                                          "records/cam-0001/1", "store.json", "store.lock"});
  CHECK(sha256sum(h.root() / "objects/sha256" / hex) == hex);
  CHECK(core::read_file(h.root() / "records/cam-0001/1", 1 << 20).value() == records[1].bytes);
  CHECK(slurp(h.root() / "keys/cam-0001.pub") == crypto::format_public_key_line(key));
  CHECK(slurp(h.root() / "receipts/dock-1.cam-0001.2") == "receipt");
  CHECK(slurp(h.root() / "store.json") == store::store_marker_content);
  CHECK(slurp(h.root() / "store.json") == "{\"format\":\"bodycam-store\",\"version\":1}\n");
  for (const char* stored : {"store.json", "access/0001", "keys/cam-0001.pub", "receipts/dock-1.cam-0001.2",
                             "records/cam-0001/0", "records/cam-0001/1"})
    CHECK(mode_of(h.root() / stored) == 0440);
  CHECK(mode_of(h.root() / "objects/sha256" / hex) == 0440);
  CHECK(mode_of(h.root() / "store.lock") == 0640);
  // D6: folders 2750 (the people's registers 3770), nothing for others, and everything in the root's group.
  struct stat root_st {};
  REQUIRE(::stat(h.root().c_str(), &root_st) == 0);
  CHECK((root_st.st_mode & 07777) == 02750);
  std::size_t checked = 0;
  for (const auto& entry : fs::recursive_directory_iterator(h.root())) {
    struct stat st {};
    REQUIRE(::lstat(entry.path().c_str(), &st) == 0);
    INFO(entry.path().string());
    CHECK((st.st_mode & S_IRWXO) == 0);
    CHECK(st.st_gid == root_st.st_gid);
    const std::string relative = fs::relative(entry.path(), h.root()).string();
    if (S_ISDIR(st.st_mode))
      CHECK((st.st_mode & 07777) == (relative == "access" ? 03770U : 02750U));
    ++checked;
  }
  CHECK(checked == 15);
  CHECK(store::folder_mode_of("access") == 03770);
  CHECK(store::folder_mode_of("retention") == 03770);
  CHECK(store::folder_mode_of("notes") == 03770);
  for (const char* folder : {"receipts", "records", "records/access", "objects/sha256", "keys", "enrollment"})
    CHECK(store::folder_mode_of(folder) == 02750);
  // What the store wrote, a second handle reads: nothing lives only in memory.
  auto again = h.open_again();
  CHECK(again.rehash_object(digest).value() == digest);
  CHECK(again.list_record_seqs(records[0].body.device).value() == std::vector<std::uint64_t>{0, 1});
}

TEST_CASE("open_directory_store makes a store only where asked and never takes a stranger's directory for one",
          "[integration]") {
  temp_dir dir("bodycam-store");
  const fs::path base = dir.path();

  SECTION("a missing directory without create is not_found and nothing is made") {
    const auto s = store::open_directory_store(base / "absent", false);
    REQUIRE_FALSE(s.has_value());
    CHECK(s.error().code == core::errc::not_found);
    CHECK_THAT(s.error().context, Catch::Contains((base / "absent").string()));
    CHECK_FALSE(fs::exists(base / "absent"));
  }
  SECTION("create makes the layout; opening again, with or without create, finds the same store") {
    REQUIRE(store::open_directory_store(base / "s", true));
    auto first = store::open_directory_store(base / "s", false);
    REQUIRE(first.has_value());
    REQUIRE(first->put_entry(store::entry_namespace::access, "a", text_bytes("1")));
    auto second = store::open_directory_store(base / "s", true);
    REQUIRE(second.has_value());
    CHECK(second->get_entry(store::entry_namespace::access, "a").value().size() == 1);
  }
  SECTION("a directory with someone else's files is refused both ways and left as it was") {
    fs::create_directories(base / "home");
    write_text(base / "home/notes.txt", "mine");
    const auto before = files_under(base / "home");
    const auto as_store = store::open_directory_store(base / "home", false);
    REQUIRE_FALSE(as_store.has_value());
    CHECK(as_store.error().code == core::errc::not_found);
    CHECK_THAT(as_store.error().context, Catch::Contains("not a bodycam store"));
    const auto made = store::open_directory_store(base / "home", true);
    REQUIRE_FALSE(made.has_value());
    CHECK(made.error().code == core::errc::conflict);
    CHECK_THAT(made.error().context, Catch::Contains("notes.txt"));
    CHECK(files_under(base / "home") == before);
  }
  SECTION("an empty directory becomes a store; a layout a crash left without its marker is finished") {
    fs::create_directories(base / "empty");
    CHECK(store::open_directory_store(base / "empty", true).has_value());
    fs::create_directories(base / "half/objects");
    fs::create_directories(base / "half/records");
    write_text(base / "half/.tmp-0000000000000000", "{\"format\"");
    CHECK_FALSE(store::open_directory_store(base / "half", false).has_value());
    REQUIRE(store::open_directory_store(base / "half", true).has_value());
    CHECK(slurp(base / "half/store.json") == store::store_marker_content);
  }
  SECTION("a marker of another format version is unsupported, a garbled one malformed") {
    REQUIRE(store::open_directory_store(base / "v2", true));
    fs::remove(base / "v2/store.json");
    write_text(base / "v2/store.json", R"({"format":"bodycam-store","version":2})");
    auto v2 = store::open_directory_store(base / "v2", false);
    REQUIRE_FALSE(v2.has_value());
    CHECK(v2.error().code == core::errc::unsupported);
    CHECK_THAT(v2.error().context, Catch::Contains("version 2"));
    for (const char* garbled : {"", "{", "[]", R"({"format":"restic","version":1})", R"({"format":"bodycam-store"})",
                                R"({"format":"bodycam-store","version":"1"})"}) {
      INFO("marker " << garbled);
      fs::remove(base / "v2/store.json");
      write_text(base / "v2/store.json", garbled);
      auto s = store::open_directory_store(base / "v2", true);
      REQUIRE_FALSE(s.has_value());
      CHECK(s.error().code == core::errc::malformed);
    }
  }
  SECTION("a store missing one of its folders is corrupt") {
    REQUIRE(store::open_directory_store(base / "s", true));
    fs::remove(base / "s/keys");
    auto s = store::open_directory_store(base / "s", false);
    REQUIRE_FALSE(s.has_value());
    CHECK(s.error().code == core::errc::corrupt);
    CHECK_THAT(s.error().context, Catch::Contains("keys"));
  }
}

TEST_CASE("a store whose root others may read, write or enter is refused, naming the root, its mode and the chmod",
          "[integration]") {
  temp_dir dir("bodycam-store");
  const fs::path root = fs::path(dir.path()) / "s";
  REQUIRE(store::open_directory_store(root, true));
  REQUIRE(mode_of(root) == 02750);
  for (const unsigned loose : {0755U, 0751U, 0752U, 0754U, 02757U}) {
    INFO("root mode " << std::oct << loose);
    REQUIRE(::chmod(root.c_str(), loose) == 0);
    for (const bool create : {false, true}) {
      const auto s = store::open_directory_store(root, create);
      REQUIRE_FALSE(s.has_value());
      CHECK(s.error().code == core::errc::permission);
      CHECK_THAT(s.error().context, Catch::Contains(root.string()) && Catch::Contains("chmod -R o-rwx") &&
                                        Catch::Contains(loose == 02757U ? "2757" : "07"));
    }
    CHECK(mode_of(root) == loose);  // refused, never repaired behind the operator's back
  }
  REQUIRE(::chmod(root.c_str(), 0750) == 0);
  CHECK(store::open_directory_store(root, false).has_value());
  SECTION("an empty folder made world-readable by the umask becomes a private store") {
    const fs::path fresh = fs::path(dir.path()) / "fresh";
    fs::create_directories(fresh);
    REQUIRE(::chmod(fresh.c_str(), 0755) == 0);
    REQUIRE(store::open_directory_store(fresh, true).has_value());
    CHECK(mode_of(fresh) == 02750);
    CHECK(mode_of(fresh / "objects/sha256") == 02750);
  }
}

TEST_CASE("temp files left by a crash are never visible, and recover removes them and never a stored item",
          "[integration]") {
  directory_harness h;
  auto& s = h.store();
  const auto bytes = pseudo_random_bytes(5000, 1);
  const auto digest = crypto::sha256(bytes);
  const auto records = chain_scenario("cam-1").run("boot").records();
  REQUIRE(s.put_object(digest, bytes));
  REQUIRE(s.put_record(records[0]));
  // What a writer killed before link() leaves: a temp file, complete or not, in the key's folder.
  write_text(h.root() / "objects/sha256/.tmp-00000000000000aa", "half a segm");
  write_text(h.root() / "records/cam-1/.tmp-00000000000000bb", "half a record");
  write_text(h.root() / "receipts/.tmp-00000000000000cc", "");
  ::link((h.root() / "objects/sha256" / digest.to_hex()).c_str(),
         (h.root() / "objects/sha256/.tmp-00000000000000dd").c_str());
  // Things that are not the store's: reported, never touched.
  write_text(h.root() / "objects/sha256/README", "hello");
  write_text(h.root() / "records/cam-1/007", "not a canonical seq");
  fs::create_directories(h.root() / "records/.hidden");
  write_text(h.root() / "notes.txt", "x");

  std::vector<crypto::sha256_digest> listed;
  REQUIRE(s.for_each_object([&](const crypto::sha256_digest& d) {
    listed.push_back(d);
    return true;
  }));
  CHECK(listed == std::vector{digest});
  CHECK(s.list_record_seqs(records[0].body.device).value() == std::vector<std::uint64_t>{0});
  CHECK(s.list_entries(store::entry_namespace::receipts).value().empty());
  // A device folder a failed put left empty (made, then the temp file failed) is no device.
  fs::create_directories(h.root() / "records/cam-empty");
  CHECK(s.list_devices().value() == std::vector{records[0].body.device});

  const auto report = s.recover();
  REQUIRE(report.has_value());
  CHECK(report->removed ==
        std::vector<std::string>{"objects/sha256/.tmp-00000000000000aa", "objects/sha256/.tmp-00000000000000dd",
                                 "receipts/.tmp-00000000000000cc", "records/cam-1/.tmp-00000000000000bb"});
  CHECK(report->foreign ==
        std::vector<std::string>{"notes.txt", "objects/sha256/README", "records/.hidden", "records/cam-1/007"});
  CHECK(temp_files_under(h.root()).empty());
  CHECK(fs::exists(h.root() / "objects/sha256/README"));
  CHECK(fs::exists(h.root() / "records/cam-1/007"));
  CHECK(s.rehash_object(digest).value() == digest);
  CHECK(s.get_record(records[0].body.device, 0).value() == records[0].bytes);
  CHECK(s.recover().value().removed.empty());
}

TEST_CASE("recover refuses while a put is in progress and leaves that put's temp file alone", "[integration]") {
  std::promise<void> reached;
  std::promise<void> release;
  auto released = release.get_future().share();
  store::directory_store_options options;
  options.faults = [&, armed = std::make_shared<bool>(true)](store::write_step step, const store::store_key&) {
    if (step == store::write_step::sync_file && *armed) {
      *armed = false;
      reached.set_value();
      released.wait();
    }
    return 0;
  };
  directory_harness h;
  auto writer = h.open_again(options);
  const auto bytes = pseudo_random_bytes(70'000, 3);
  auto put = std::async(std::launch::async, [&] { return writer.put_object(crypto::sha256(bytes), bytes); });
  // Lets the writer go on however this test ends (declared after `put`, so it runs before put's destructor
  // joins the writer): a failed REQUIRE must fail the test, not leave it waiting for ever.
  const set_on_exit let_go(release);
  reached.get_future().wait();  // the writer holds its temp file and has not linked it yet

  const auto refused = h.store().recover();
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == core::errc::conflict);
  CHECK_THAT(refused.error().context, Catch::Contains("in progress"));
  CHECK(temp_files_under(h.root()).size() == 1);

  release.set_value();
  CHECK(put.get().value() == store::put_outcome::created);
  CHECK(temp_files_under(h.root()).empty());
  CHECK(h.store().recover().value().removed.empty());
  CHECK(h.store().rehash_object(crypto::sha256(bytes)).value() == crypto::sha256(bytes));
}

TEST_CASE("symlinks planted inside a store are refused, never followed", "[integration]") {
  directory_harness h;
  auto& s = h.store();
  const fs::path outside = h.dir() / "outside";
  fs::create_directories(outside);
  const auto evil = chain_scenario("evil").run("boot").records();
  write_text(outside / "0", "a file outside the store");
  const auto outside_before = files_under(outside);

  SECTION("a device folder that is a symlink to elsewhere") {
    fs::create_directory_symlink(outside, h.root() / "records/evil");
    const auto device = evil[0].body.device;
    const auto got = s.get_record(device, 0);
    REQUIRE_FALSE(got.has_value());
    CHECK(got.error().code == core::errc::corrupt);
    CHECK_THAT(got.error().context, Catch::Contains("symbolic link"));
    CHECK_FALSE(s.list_record_seqs(device).has_value());
    const auto put = s.put_record(evil[0]);
    REQUIRE_FALSE(put.has_value());
    CHECK(put.error().code == core::errc::corrupt);
    CHECK(files_under(outside) == outside_before);
    CHECK(s.list_devices().value().empty());
    CHECK(s.recover().value().foreign == std::vector<std::string>{"records/evil"});
  }
  SECTION("an object name that is a symlink to a file with the right content") {
    const auto content = pseudo_random_bytes(100, 5);
    const auto digest = crypto::sha256(content);
    std::ofstream(outside / "copy", std::ios::binary).write(reinterpret_cast<const char*>(content.data()), 100);
    fs::create_symlink(outside / "copy", h.root() / "objects/sha256" / digest.to_hex());
    CHECK(s.open_object(digest).error().code == core::errc::corrupt);
    CHECK(s.rehash_object(digest).error().code == core::errc::corrupt);
    CHECK(s.has_object(digest).error().code == core::errc::corrupt);
    CHECK(s.put_object(digest, content).error().code == core::errc::corrupt);
    std::size_t listed = 0;
    REQUIRE(s.for_each_object([&](const crypto::sha256_digest&) { return ++listed > 0; }));
    CHECK(listed == 0);
    CHECK(s.recover().value().foreign == std::vector<std::string>{"objects/sha256/" + digest.to_hex()});
  }
}

TEST_CASE("min_free_bytes refuses a put that would leave less free space, naming the object", "[integration]") {
  directory_harness h;
  struct statvfs vfs {};
  REQUIRE(::statvfs(h.root().c_str(), &vfs) == 0);
  const std::uint64_t available = static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize;
  const auto bytes = pseudo_random_bytes(10'000, 8);
  const auto digest = crypto::sha256(bytes);

  store::directory_store_options reserve_all;
  reserve_all.min_free_bytes = available + (std::uint64_t{1} << 40);
  auto strict = h.open_again(reserve_all);
  const auto refused = strict.put_object(digest, bytes);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == core::errc::no_space);
  CHECK_THAT(refused.error().context, Catch::Contains(digest.to_hex()) && Catch::Contains("store full"));
  CHECK_FALSE(strict.has_object(digest).value());
  CHECK(temp_files_under(h.root()).empty());

  store::directory_store_options modest;
  modest.min_free_bytes = 4096;
  CHECK(h.open_again(modest).put_object(digest, bytes).value() == store::put_outcome::created);
  const auto space = h.store().space().value();
  REQUIRE(space.total_bytes.has_value());
  REQUIRE(space.available_bytes.has_value());
  CHECK(*space.total_bytes > 0);
  CHECK(*space.available_bytes <= *space.total_bytes);
}

TEST_CASE("the write protocol is temp file, writes, fsync, link, fsync folder — and nothing for a stored item",
          "[integration]") {
  std::vector<store::write_step> steps;
  store::directory_store_options options;
  options.faults = [&](store::write_step step, const store::store_key&) {
    steps.push_back(step);
    return 0;
  };
  directory_harness h;
  auto s = h.open_again(options);
  using enum store::write_step;

  const auto bytes = pseudo_random_bytes(600'000, 4);  // 256 KiB chunks: three writes
  REQUIRE(s.put_object(crypto::sha256(bytes), bytes).value() == store::put_outcome::created);
  CHECK(steps == std::vector{create_temp, write, write, write, sync_file, link, sync_directory});

  steps.clear();
  const auto r = chain_scenario("cam-new").run("boot").records().front();
  REQUIRE(s.put_record(r).value() == store::put_outcome::created);
  CHECK(steps == std::vector{make_directory, create_temp, write, sync_file, link, sync_directory});

  steps.clear();
  REQUIRE(s.put_object(crypto::sha256(bytes), bytes).value() == store::put_outcome::already_stored);
  REQUIRE(s.put_record(r).value() == store::put_outcome::already_stored);
  CHECK(steps.empty());
}

namespace {

bool has_finding(const chain::chain_report& report, std::string_view origin, chain::reason code) {
  for (const auto& r : report.records)
    if (r.origin == origin)
      for (const auto& f : r.findings)
        if (f.code == code) return true;
  return false;
}

}  // namespace

TEST_CASE("a device's chain read back from a directory store verifies, and tampering on disk is reported",
          "[integration]") {
  directory_harness h;
  chain_scenario scenario("cam-0001");
  scenario.run("boot precheck start seg seg stop");
  for (const auto& r : scenario.records()) REQUIRE(h.store().put_record(r));
  REQUIRE(h.store().put_public_key({"cam-0001", scenario.first_key()}));
  const auto device = scenario.device();
  auto options = scenario.options();
  options.key = h.store().get_public_key(device).value().key;  // the enrolled key, from the store itself
  const fs::path records = h.root() / "records/cam-0001";

  SECTION("untouched: authentic, each record named by its place") {
    const auto inputs = store::read_record_inputs(h.store(), device).value();
    REQUIRE(inputs.size() == 6);
    CHECK(inputs[2].origin == "records/cam-0001/2");
    CHECK(inputs[2].claimed_seq == 2u);
    CHECK(chain::verify_chain(inputs, options).result == chain::verdict::authentic);
  }
  SECTION("flip_byte_in_stored_record") {
    corrupt_file(records / "3");
    const auto report = chain::verify_chain(store::read_record_inputs(h.store(), device).value(), options);
    CHECK(report.result == chain::verdict::not_authentic);
    CHECK(has_finding(report, "records/cam-0001/3", chain::reason::bad_signature));
  }
  SECTION("remove_one_stored_record") {
    fs::remove(records / "2");
    const auto report = chain::verify_chain(store::read_record_inputs(h.store(), device).value(), options);
    CHECK(report.result == chain::verdict::not_authentic);
    CHECK(has_finding(report, "records/cam-0001/3", chain::reason::seq_gap));
  }
  SECTION("copy_record_to_another_seq") {
    fs::copy_file(records / "4", records / "9");
    const auto report = chain::verify_chain(store::read_record_inputs(h.store(), device).value(), options);
    CHECK(report.result == chain::verdict::not_authentic);
    CHECK(has_finding(report, "records/cam-0001/9", chain::reason::seq_mismatch));
  }
}

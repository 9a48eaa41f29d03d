// Fault tests of the directory backend: every system call of a put made to fail in turn (ENOSPC, EIO), and a
// disk that really fills up (a 1 MiB tmpfs; the test fails where it cannot mount one). After each
// failure: the error is no_space/io and names the item, the item is absent or complete (never partial), no
// temp file is left, what was stored before is intact, and once the fault is gone the same put succeeds.
#include "common/store/directory_backend.hpp"
#include "tests/common/store/store_test_support.hpp"
#include "tests/support/chain_scenario.hpp"

#include <sched.h>
#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include <catch2/catch.hpp>

using namespace bodycam::common;
using namespace bodycam::tests::store;
using bodycam::tests::chain_scenario;
using bodycam::tests::temp_dir;
namespace fs = std::filesystem;

namespace {

// One thing to put, with how to tell absent from complete.
struct put_case {
  std::string name;
  store::store_key key;
  std::function<core::expected<store::put_outcome>(store::store&)> put;
  // "absent", "complete", or a description of what is wrong.
  std::function<std::string(store::store&)> state;
};

put_case object_case(std::size_t size, std::uint32_t seed) {
  auto bytes = std::make_shared<core::byte_buffer>(pseudo_random_bytes(size, seed));
  const auto digest = crypto::sha256(*bytes);
  return {"object of " + std::to_string(size) + " bytes", store::store_key::object(digest),
          [bytes, digest](store::store& s) { return s.put_object(digest, *bytes); },
          [bytes, digest](store::store& s) -> std::string {
            const auto has = s.has_object(digest);
            if (!has) return "has_object failed: " + has.error().context;
            if (!*has) return "absent";
            if (s.object_size(digest).value() != bytes->size()) return "partial: wrong size";
            return s.rehash_object(digest).value() == digest ? "complete" : "wrong content";
          }};
}

put_case record_case() {
  const auto r = chain_scenario("cam-fault").run("boot").records().front();
  return {"record of a new device", store::store_key::record(r.body.device, 0),
          [r](store::store& s) { return s.put_record(r); },
          [r](store::store& s) -> std::string {
            const auto got = s.get_record(r.body.device, 0);
            const auto devices = s.list_devices().value();
            const bool listed = std::find(devices.begin(), devices.end(), r.body.device) != devices.end();
            if (!got) {
              if (got.error().code != core::errc::not_found) return got.error().context;
              return listed ? "absent, but listed as a device" : "absent";
            }
            if (!listed) return "stored, but not listed as a device";
            return *got == r.bytes ? "complete" : "partial or wrong content";
          }};
}

// What was stored before the fault, to check it survives.
struct bystanders {
  core::byte_buffer object = pseudo_random_bytes(50'000, 77);
  record::signed_record record = chain_scenario("cam-old").run("boot").records().front();

  void store_into(store::store& s) const {
    REQUIRE(s.put_object(crypto::sha256(object), object));
    REQUIRE(s.put_record(record));
  }
  void check_intact(store::store& s) const {
    CHECK(s.rehash_object(crypto::sha256(object)).value() == crypto::sha256(object));
    CHECK(s.get_record(record.body.device, 0).value() == record.bytes);
  }
};

std::size_t clean_step_count(const put_case& c) {
  std::size_t steps = 0;
  store::directory_store_options options;
  options.faults = [&](store::write_step, const store::store_key&) {
    ++steps;
    return 0;
  };
  directory_harness h(options);
  REQUIRE(c.put(h.store()).value() == store::put_outcome::created);
  return steps;
}

}  // namespace

TEST_CASE("a put whose Nth system call fails, for every N: named error, absent or complete, no temp file left",
          "[fault]") {
  const bystanders before;
  for (const auto& c : {object_case(800'000, 1), record_case()}) {
    const std::size_t steps = clean_step_count(c);
    for (const int err : {ENOSPC, EIO}) {
      std::size_t succeeded_at = 0;
      for (std::size_t n = 1; n <= steps + 1 && succeeded_at == 0; ++n) {
        INFO(c.name << ", " << std::strerror(err) << " at step " << n << " of " << steps);
        bool armed = false;  // not while the bystanders are stored
        std::size_t seen = 0;
        store::write_step failed_step{};
        store::directory_store_options options;
        options.faults = [&](store::write_step step, const store::store_key&) {
          if (!armed || ++seen != n) return 0;
          failed_step = step;
          return err;
        };
        directory_harness h(options);
        before.store_into(h.store());
        armed = true;
        const auto result = c.put(h.store());
        if (result) {
          succeeded_at = n;
          CHECK(*result == store::put_outcome::created);
          CHECK(c.state(h.store()) == "complete");
          continue;
        }
        INFO("failed at " << store::to_string(failed_step) << ": " << result.error().context);
        CHECK(result.error().code == (err == ENOSPC ? core::errc::no_space : core::errc::io));
        CHECK_THAT(result.error().context,
                   Catch::Contains((h.root() / c.key.str()).string()) && Catch::Contains(std::strerror(err)));
        // The key appears only with link(), complete; a failure after it (the folder fsync) leaves it so.
        CHECK(c.state(h.store()) == (failed_step == store::write_step::sync_directory ? "complete" : "absent"));
        CHECK(temp_files_under(h.root()).empty());
        before.check_intact(h.store());
        // The fault gone, the same put succeeds (or finds the complete item a failed fsync left).
        auto healthy = h.open_again();
        REQUIRE(c.put(healthy).has_value());
        CHECK(c.state(healthy) == "complete");
      }
      CHECK(succeeded_at == steps + 1);
    }
  }
}

namespace {

// Mounts a tmpfs of `size` at `dir` in a mount namespace of this process's own, so a crash cannot leave
// the mount behind on the host. False if the system does not permit it (no CAP_SYS_ADMIN).
bool mount_private_tmpfs(const fs::path& dir, const std::string& size, std::string& why_not) {
  if (::unshare(CLONE_NEWNS) != 0) {
    why_not = std::string("unshare(CLONE_NEWNS): ") + std::strerror(errno);
    return false;
  }
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    why_not = std::string("make / private: ") + std::strerror(errno);
    return false;
  }
  if (::mount("tmpfs", dir.c_str(), "tmpfs", 0, ("size=" + size).c_str()) != 0) {
    why_not = std::string("mount tmpfs: ") + std::strerror(errno);
    return false;
  }
  return true;
}

class unmount_guard {
 public:
  explicit unmount_guard(fs::path dir) : dir_(std::move(dir)) {}
  unmount_guard(const unmount_guard&) = delete;
  unmount_guard& operator=(const unmount_guard&) = delete;
  ~unmount_guard() { ::umount2(dir_.c_str(), MNT_DETACH); }

 private:
  fs::path dir_;
};

}  // namespace

TEST_CASE("disk full: no_space naming the object, nothing half-written, and the same put succeeds once space returns",
          "[fault]") {
  temp_dir dir("bodycam-store-full");
  const fs::path mount_point = fs::path(dir.path()) / "disk";
  fs::create_directory(mount_point);
  // A real full disk or a failure: the injected ENOSPC of every write step is the test above, and this one
  // must not quietly become it (CI runs as root, where mounting a tmpfs in a private namespace works).
  std::string why_not;
  const bool mounted = mount_private_tmpfs(mount_point, "1m", why_not);
  INFO("cannot set up the real full disk: " << why_not);
  REQUIRE(mounted);
  unmount_guard unmount(mount_point);
  std::cout << "store disk-full test: a real 1 MiB tmpfs\n";

  store::directory_store_options options;
  options.create = true;
  const fs::path root = mount_point / "store";
  auto s = store::open_directory_store(root, options).value();

  const auto a = pseudo_random_bytes(200'000, 1);
  const auto b = pseudo_random_bytes(200'000, 2);
  const auto big = pseudo_random_bytes(2'000'000, 3);  // twice the disk
  const auto big_digest = crypto::sha256(big);
  REQUIRE(s.put_object(crypto::sha256(a), a).value() == store::put_outcome::created);
  REQUIRE(s.put_object(crypto::sha256(b), b).value() == store::put_outcome::created);

  const auto refused = s.put_object(big_digest, big);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == core::errc::no_space);
  CHECK_THAT(refused.error().context,
             Catch::Contains(big_digest.to_hex()) && Catch::Contains("No space left on device"));
  std::cout << "  the error: " << refused.error().context << "\n";
  CHECK_FALSE(s.has_object(big_digest).value());
  CHECK(temp_files_under(root).empty());
  CHECK(s.rehash_object(crypto::sha256(a)).value() == crypto::sha256(a));
  CHECK(s.rehash_object(crypto::sha256(b)).value() == crypto::sha256(b));
  std::vector<crypto::sha256_digest> listed;
  REQUIRE(s.for_each_object([&](const crypto::sha256_digest& d) {
    listed.push_back(d);
    return true;
  }));
  std::sort(listed.begin(), listed.end());
  auto expected = std::vector{crypto::sha256(a), crypto::sha256(b)};
  std::sort(expected.begin(), expected.end());
  CHECK(listed == expected);

  // Space returns: the tmpfs grows; the same put now succeeds.
  const auto before = s.space().value().available_bytes.value();
  REQUIRE(::mount("tmpfs", mount_point.c_str(), "tmpfs", MS_REMOUNT, "size=8m") == 0);
  CHECK(s.space().value().available_bytes.value() > before);
  CHECK(s.put_object(big_digest, big).value() == store::put_outcome::created);
  CHECK(s.rehash_object(big_digest).value() == big_digest);
  CHECK(s.recover().value().removed.empty());
}

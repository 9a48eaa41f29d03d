// Adoption (store_backend.hpp invariant 9, directory_backend.hpp D9): a spooled file becomes an object by a
// create-only move, with no copy; an existing object is never replaced (identical: already_stored; different:
// the usual corrupt error, both files left as they were); a file on another file system falls back to a put
// from its bytes; a wrong size stores nothing; a writer killed before each step of an adoption leaves the
// object absent (and the spooled file complete) or complete; backends that cannot adopt put instead.
#include "common/core/durable_file.hpp"
#include "common/store/directory_backend.hpp"
#include "common/store/memory_backend.hpp"
#include "tests/common/store/store_test_support.hpp"
#include "tests/support/files.hpp"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>

#include <catch2/catch.hpp>

using namespace bodycam::common;
using namespace bodycam::tests::store;
namespace fs = std::filesystem;

namespace {

struct file_id {
  dev_t dev = 0;
  ino_t ino = 0;
  unsigned mode = 0;
  friend bool operator==(const file_id&, const file_id&) = default;
};

file_id id_of(const fs::path& path) {
  struct stat st {};
  REQUIRE(::lstat(path.c_str(), &st) == 0);
  return {st.st_dev, st.st_ino, st.st_mode & 07777};
}

core::byte_buffer bytes_of(const fs::path& path) {
  const auto text = bodycam::tests::slurp(path);
  return core::byte_buffer(text.begin(), text.end());
}

// A spooled file as the dock leaves it: written, not synced, hashed by its writer.
store::adoptable_file spool(const fs::path& path, const core::byte_buffer& bytes) {
  fs::create_directories(path.parent_path());
  REQUIRE(core::write_file_durably(path, bytes));
  return {path, bytes.size(), crypto::sha256(bytes)};
}

// A directory on tmpfs (/dev/shm), removed on destruction: another file system than the test's store.
class shm_dir {
 public:
  shm_dir() {
    char pattern[] = "/dev/shm/bodycam-adopt-XXXXXX";
    if (::mkdtemp(pattern) == nullptr) FAIL("make a directory in /dev/shm (tmpfs) for the other-file-system case");
    path_ = pattern;
  }
  ~shm_dir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  shm_dir(const shm_dir&) = delete;
  shm_dir& operator=(const shm_dir&) = delete;
  [[nodiscard]] const fs::path& path() const noexcept { return path_; }

 private:
  fs::path path_;
};

}  // namespace

TEST_CASE("adopt: the spooled file becomes the object, moved not copied, read-only and whole", "[integration]") {
  directory_harness h;
  const auto bytes = pseudo_random_bytes(300'000, 21);
  const auto file = spool(h.dir() / "spool" / "a.part", bytes);
  const auto before = id_of(file.path);

  auto adopted = h.store().adopt_object_file(file);
  REQUIRE(adopted.has_value());
  CHECK(*adopted == store::put_outcome::created);
  const auto object = h.root() / store::store_key::object(file.sha256).str();
  CHECK_FALSE(fs::exists(file.path));  // moved: the spool name is gone
  const auto after = id_of(object);
  CHECK(after.ino == before.ino);      // the same inode: no copy was written
  CHECK(after.dev == before.dev);
  CHECK(after.mode == 0440);
  CHECK(bytes_of(object) == bytes);
  CHECK(h.store().rehash_object(file.sha256).value() == file.sha256);
  CHECK(temp_files_under(h.root()).empty());
  const auto report = h.store().recover();
  REQUIRE(report.has_value());
  CHECK(report->foreign.empty());
  CHECK(report->removed.empty());
}

TEST_CASE("adopt onto an existing identical object: already_stored, the stored file untouched", "[integration]") {
  directory_harness h;
  const auto bytes = pseudo_random_bytes(100'000, 22);
  REQUIRE(h.store().put_object(crypto::sha256(bytes), bytes).value() == store::put_outcome::created);
  const auto object = h.root() / store::store_key::object(crypto::sha256(bytes)).str();
  const auto stored = id_of(object);
  const auto file = spool(h.dir() / "spool" / "b.part", bytes);

  auto adopted = h.store().adopt_object_file(file);
  REQUIRE(adopted.has_value());
  CHECK(*adopted == store::put_outcome::already_stored);
  CHECK(id_of(object) == stored);  // not replaced
  CHECK(fs::exists(file.path));    // the offered file is left for its owner
  CHECK(bytes_of(object) == bytes);
}

TEST_CASE("adopt onto a different object under the same name: refused, nothing replaced", "[integration]") {
  directory_harness h;
  const auto bytes = pseudo_random_bytes(100'000, 23);
  const auto digest = crypto::sha256(bytes);
  REQUIRE(h.store().put_object(digest, bytes).value() == store::put_outcome::created);
  const auto object = h.root() / store::store_key::object(digest).str();
  corrupt_file(object);  // what is stored under the name now differs from the offered bytes
  const auto damaged = bytes_of(object);
  REQUIRE(damaged != bytes);
  const auto stored = id_of(object);
  const auto file = spool(h.dir() / "spool" / "c.part", bytes);

  auto adopted = h.store().adopt_object_file(file);
  REQUIRE_FALSE(adopted.has_value());
  CHECK(adopted.error().code == core::errc::corrupt);
  CHECK_THAT(adopted.error().context, Catch::Contains("not overwritten"));
  CHECK(id_of(object) == stored);
  CHECK(bytes_of(object) == damaged);
  CHECK(fs::exists(file.path));
  CHECK(bytes_of(file.path) == bytes);
}

TEST_CASE("adopt from another file system: falls back to a put from the file's bytes", "[integration]") {
  directory_harness h;
  shm_dir other;
  const auto bytes = pseudo_random_bytes(200'000, 24);
  const auto file = spool(other.path() / "d.part", bytes);
  REQUIRE(id_of(file.path).dev != id_of(h.root()).dev);  // the real condition, or the test fails

  auto adopted = h.store().adopt_object_file(file);
  REQUIRE(adopted.has_value());
  CHECK(*adopted == store::put_outcome::created);
  const auto object = h.root() / store::store_key::object(file.sha256).str();
  CHECK(id_of(object).dev == id_of(h.root()).dev);
  CHECK(id_of(object).mode == 0440);
  CHECK(bytes_of(object) == bytes);
  CHECK(fs::exists(file.path));  // copied by the put, so the original stays with its owner

  // The fallback's put checks the bytes on the way in: a file that does not hash to its claim stores nothing.
  auto other_bytes = pseudo_random_bytes(1000, 25);
  const auto lying = spool(other.path() / "e.part", other_bytes);
  other_bytes[0] ^= 1;
  auto refused = h.store().adopt_object_file({lying.path, lying.size, crypto::sha256(other_bytes)});
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == core::errc::corrupt);
  CHECK_FALSE(h.store().has_object(crypto::sha256(other_bytes)).value());
}

TEST_CASE("adopt when the move answers EXDEV (a mount point between): falls back to a put", "[fault]") {
  store::directory_store_options options;
  options.faults = [](store::write_step step, const store::store_key&) {
    return step == store::write_step::link ? EXDEV : 0;
  };
  directory_harness h(options);
  const auto bytes = pseudo_random_bytes(50'000, 26);
  const auto file = spool(h.dir() / "spool" / "f.part", bytes);
  // The fallback put links its temp file too, so with every link refused it fails; the refusal must name it.
  auto adopted = h.store().adopt_object_file(file);
  REQUIRE_FALSE(adopted.has_value());
  CHECK_THAT(adopted.error().context, Catch::Contains("link"));
  CHECK_FALSE(h.store().has_object(file.sha256).value());
  CHECK(bytes_of(file.path) == bytes);  // the spooled file is still there, whole
  CHECK(temp_files_under(h.root()).empty());
}

TEST_CASE("adopt a file whose size is not the declared one: nothing stored", "[integration]") {
  directory_harness h;
  const auto bytes = pseudo_random_bytes(10'000, 27);
  auto file = spool(h.dir() / "spool" / "g.part", bytes);
  file.size += 1;
  auto adopted = h.store().adopt_object_file(file);
  REQUIRE_FALSE(adopted.has_value());
  CHECK(adopted.error().code == core::errc::corrupt);
  CHECK_FALSE(h.store().has_object(file.sha256).value());
  CHECK(fs::exists(file.path));
}

TEST_CASE("adopt fails at each step: before the move the object is absent, after it complete", "[fault]") {
  for (const auto failing : {store::write_step::sync_file, store::write_step::link, store::write_step::sync_directory}) {
    INFO("failing step " << store::to_string(failing));
    store::directory_store_options options;
    bool armed = true;
    options.faults = [&](store::write_step step, const store::store_key& key) {
      return armed && step == failing && key.str().starts_with("objects/") ? EIO : 0;
    };
    directory_harness h(options);
    const auto bytes = pseudo_random_bytes(80'000, 28);
    const auto file = spool(h.dir() / "spool" / "h.part", bytes);
    auto adopted = h.store().adopt_object_file(file);
    REQUIRE_FALSE(adopted.has_value());
    CHECK(adopted.error().code == core::errc::io);
    const bool present = h.store().has_object(file.sha256).value();
    CHECK(present == (failing == store::write_step::sync_directory));
    if (present) CHECK(h.store().rehash_object(file.sha256).value() == file.sha256);
    else CHECK(bytes_of(file.path) == bytes);
    armed = false;  // the caller tries again: the dock puts nothing once the store has the object
    auto again = present ? h.store().put_object(file.sha256, bytes) : h.store().adopt_object_file(file);
    REQUIRE(again.has_value());
    CHECK(*again == (present ? store::put_outcome::already_stored : store::put_outcome::created));
    CHECK(h.store().rehash_object(file.sha256).value() == file.sha256);
  }
}

TEST_CASE("SIGKILL just before each step of an adoption: the object is absent with its file whole, or complete",
          "[fault]") {
  const auto bytes = pseudo_random_bytes(500'000, 29);
  const auto digest = crypto::sha256(bytes);
  std::vector<store::write_step> steps;
  {
    store::directory_store_options options;
    options.faults = [&](store::write_step step, const store::store_key&) {
      steps.push_back(step);
      return 0;
    };
    directory_harness h(options);
    const auto file = spool(h.dir() / "spool" / "k.part", bytes);
    REQUIRE(h.store().adopt_object_file(file).value() == store::put_outcome::created);
  }
  const auto moved_at =
      static_cast<std::size_t>(std::find(steps.begin(), steps.end(), store::write_step::link) - steps.begin());
  REQUIRE(moved_at < steps.size());
  REQUIRE(steps.back() == store::write_step::sync_directory);

  for (std::size_t k = 0; k < steps.size(); ++k) {
    INFO("killed before step " << k << " (" << store::to_string(steps[k]) << ")");
    directory_harness h;
    const auto file = spool(h.dir() / "spool" / "k.part", bytes);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      std::size_t seen = 0;
      store::directory_store_options options;
      options.faults = [&](store::write_step, const store::store_key&) {
        if (seen++ == k) ::raise(SIGKILL);
        return 0;
      };
      auto s = store::open_directory_store(h.root(), options);
      if (!s) ::_exit(3);
      ::_exit(s->adopt_object_file(file) ? 0 : 4);
    }
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFSIGNALED(status));
    REQUIRE(WTERMSIG(status) == SIGKILL);

    const bool present = h.store().has_object(digest).value();
    CHECK(present == (k > moved_at));
    if (present) {
      CHECK(h.store().rehash_object(digest).value() == digest);
      CHECK_FALSE(fs::exists(file.path));
    } else {
      CHECK(bytes_of(file.path) == bytes);
    }
    const auto report = h.store().recover();
    REQUIRE(report.has_value());
    CHECK(report->foreign.empty());
    const auto again = present ? h.store().put_object(digest, bytes) : h.store().adopt_object_file(file);
    REQUIRE(again.has_value());
    CHECK(*again == (present ? store::put_outcome::already_stored : store::put_outcome::created));
    CHECK(h.store().rehash_object(digest).value() == digest);
  }
}

TEST_CASE("a backend that cannot adopt (memory) puts the file's bytes and leaves the file", "[integration]") {
  store::store s(std::make_unique<store::memory_backend>());
  directory_harness h;  // only for a temporary directory
  const auto bytes = pseudo_random_bytes(40'000, 30);
  const auto file = spool(h.dir() / "spool" / "m.part", bytes);
  auto adopted = s.adopt_object_file(file);
  REQUIRE(adopted.has_value());
  CHECK(*adopted == store::put_outcome::created);
  CHECK(fs::exists(file.path));
  CHECK(s.rehash_object(file.sha256).value() == file.sha256);
  auto again = s.adopt_object_file(file);
  REQUIRE(again.has_value());
  CHECK(*again == store::put_outcome::already_stored);
}

// The byte sources a put reads from: a mapped file gives the file's bytes both ways (read in pieces, and all at
// once from memory), starts again on rewind, and refuses what is not a regular file, naming it.
#include "common/store/byte_source.hpp"

#include "common/core/durable_file.hpp"
#include "common/core/unique_fd.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <random>

#include <fcntl.h>
#include <unistd.h>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace byte_source_test {

namespace core = bodycam::common::core;
namespace store = bodycam::common::store;

namespace {

core::byte_buffer read_all(store::byte_source& source, std::size_t piece) {
  core::byte_buffer out;
  std::vector<std::uint8_t> buffer(piece);
  for (;;) {
    auto n = source.read(buffer);
    REQUIRE(n.has_value());
    if (*n == 0) return out;
    out.insert(out.end(), buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(*n));
  }
}

}  // namespace

TEST_CASE("a mapped file gives its bytes in pieces and all at once, and again after a rewind") {
  bodycam::tests::temp_dir dir("bodycam-byte-source");
  const auto seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937 random(seed);
  core::byte_buffer bytes(300'001);  // not a multiple of a page or of the pieces below
  for (auto& b : bytes) b = static_cast<std::uint8_t>(random());
  REQUIRE(core::write_file_durably(dir / "segment.mp4", bytes));

  auto source = store::mapped_file_source::open(dir / "segment.mp4");
  REQUIRE(source.has_value());
  CHECK(source->size() == bytes.size());
  CHECK(source->known_size() == bytes.size());
  CHECK(source->describe() == "file " + (dir / "segment.mp4").string());
  const auto whole = source->in_memory();
  REQUIRE(whole.has_value());
  CHECK(core::byte_buffer(whole->begin(), whole->end()) == bytes);
  CHECK(read_all(*source, 4096) == bytes);
  CHECK(source->in_memory()->size() == bytes.size());  // all of it, whatever has been read
  REQUIRE(source->rewind());
  CHECK(read_all(*source, 65'536) == bytes);
}

TEST_CASE("a file above the populate limit is mapped too, its pages faulted in as they are read") {
  bodycam::tests::temp_dir dir("bodycam-byte-source");
  const auto path = dir / "large.mp4";
  const std::size_t size = store::mapped_file_source::populate_limit + 4096 + 7;
  {
    // Sparse (no disk blocks) but for the last bytes: the mapping must reach them.
    core::unique_fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    REQUIRE(fd.is_open());
    const std::array<std::uint8_t, 7> tail{1, 2, 3, 4, 5, 6, 7};
    REQUIRE(::pwrite(fd.get(), tail.data(), tail.size(), static_cast<off_t>(size - tail.size())) == 7);
  }
  auto source = store::mapped_file_source::open(path);
  REQUIRE(source.has_value());
  CHECK(source->size() == size);
  const auto whole = source->in_memory();
  REQUIRE(whole.has_value());
  REQUIRE(whole->size() == size);
  CHECK((*whole)[0] == 0);
  CHECK((*whole)[size / 2] == 0);
  CHECK((*whole)[size - 7] == 1);
  CHECK((*whole)[size - 1] == 7);
}

TEST_CASE("an empty file maps to no bytes; a folder and an absent file are refused, named") {
  bodycam::tests::temp_dir dir("bodycam-byte-source");
  REQUIRE(core::write_file_durably(dir / "empty", core::byte_buffer{}));
  auto empty = store::mapped_file_source::open(dir / "empty");
  REQUIRE(empty.has_value());
  CHECK(empty->size() == 0);
  CHECK(empty->in_memory()->empty());
  CHECK(read_all(*empty, 16).empty());

  auto folder = store::mapped_file_source::open(dir.path());
  REQUIRE_FALSE(folder.has_value());
  CHECK(folder.error().code == core::errc::invalid_argument);
  CHECK(folder.error().context == "open " + dir.path().string() + ": not a regular file");

  auto absent = store::mapped_file_source::open(dir / "absent");
  REQUIRE_FALSE(absent.has_value());
  CHECK(absent.error().code == core::errc::not_found);
  CHECK(absent.error().context.find((dir / "absent").string()) != std::string::npos);
}

TEST_CASE("a span source gives its bytes from memory too") {
  const core::byte_buffer bytes{1, 2, 3, 4, 5};
  store::span_source source(bytes);
  REQUIRE(source.in_memory().has_value());
  CHECK(source.in_memory()->data() == bytes.data());
  CHECK(read_all(source, 2) == bytes);
  // A file read with read(2) has no bytes in memory: a backend reads it into a buffer of its own.
  bodycam::tests::temp_dir dir("bodycam-byte-source");
  REQUIRE(core::write_file_durably(dir / "f", bytes));
  auto file = store::file_reader::open(dir / "f");
  REQUIRE(file.has_value());
  CHECK_FALSE(file->in_memory().has_value());
}

}  // namespace byte_source_test

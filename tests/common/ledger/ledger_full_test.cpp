// A full disk under the ledger is errc::no_space, never a fault: the file-system port's ENOSPC becomes
// SQLITE_FULL in the port VFS, and SQLITE_FULL becomes no_space in common/sqlite's error map, so the
// recorder can treat it as storage full. The failed append leaves the head where it was, and once space is
// back the next append goes in and the chain is whole.
#include "common/core/posix_file_system.hpp"
#include "common/ledger/ledger.hpp"
#include "common/sqlite/port_vfs.hpp"
#include "tests/common/ledger/ledger_test_support.hpp"

#include <catch2/catch.hpp>

using namespace bodycam::common;
using namespace bodycam::tests::ledger;
using bodycam::tests::temp_dir;

namespace {

// The real files, except that every write fails with no_space while the disk is "full".
class fillable_file_system final : public core::file_system {
 public:
  class fillable_file final : public core::file {
   public:
    fillable_file(std::unique_ptr<core::file> real, const bool& full) : real_(std::move(real)), full_(full) {}
    core::status write(core::byte_view bytes) override { return full_ ? no_space() : real_->write(bytes); }
    core::status write_at(std::uint64_t offset, core::byte_view bytes) override {
      return full_ ? no_space() : real_->write_at(offset, bytes);
    }
    core::expected<std::size_t> read_at(std::uint64_t offset, std::span<std::uint8_t> out) override {
      return real_->read_at(offset, out);
    }
    core::status truncate(std::uint64_t length) override { return real_->truncate(length); }
    core::expected<std::uint64_t> size() override { return real_->size(); }
    core::status datasync() override { return real_->datasync(); }
    core::status sync() override { return real_->sync(); }
    const std::filesystem::path& path() const noexcept override { return real_->path(); }

   private:
    core::status no_space() const {
      ++writes_refused;
      return core::fail(core::errc::no_space, "write " + real_->path().filename().string() + ": No space left on device");
    }
    std::unique_ptr<core::file> real_;
    const bool& full_;

   public:
    static inline std::uint64_t writes_refused = 0;
  };

  core::expected<std::unique_ptr<core::file>> open(const std::filesystem::path& path, core::open_mode how,
                                                   mode_t mode, bool exact_mode) override {
    auto real = real_.open(path, how, mode, exact_mode);
    if (!real) return std::unexpected(real.error());
    return std::make_unique<fillable_file>(std::move(*real), full);
  }
  core::status rename(const std::filesystem::path& from, const std::filesystem::path& to) override {
    return real_.rename(from, to);
  }
  core::status rename_no_replace(const std::filesystem::path& from, const std::filesystem::path& to) override {
    return real_.rename_no_replace(from, to);
  }
  core::status unlink(const std::filesystem::path& path) override { return real_.unlink(path); }
  core::status sync_directory(const std::filesystem::path& directory) override {
    return real_.sync_directory(directory);
  }
  core::expected<bool> exists(const std::filesystem::path& path) override { return real_.exists(path); }

  bool full = false;

 private:
  core::posix_file_system real_;
};

}  // namespace

TEST_CASE("ledger_full: an append on a full disk fails with no_space, leaves the head, and the next one gets in",
          "[fault]") {
  temp_dir dir;
  const auto path = dir / "ledger.db";
  fillable_file_system files;
  auto vfs = sqlite::port_vfs::create("bodycam-fillable", files).value();
  auto options = test_options(true);
  options.vfs = vfs->name();
  {
    auto l = ledger::open(path, options).value();
    for (int i = 0; i < 3; ++i) REQUIRE(l.append_record(test_record_builder()).has_value());
    const auto before = l.head().value();

    files.full = true;
    const auto refused_before = fillable_file_system::fillable_file::writes_refused;
    auto failed = l.append_record(test_record_builder(3, 2000));
    REQUIRE_FALSE(failed.has_value());
    CHECK(fillable_file_system::fillable_file::writes_refused > refused_before);  // the port really refused
    CHECK(failed.error().code == core::errc::no_space);
    INFO(failed.error().context);
    CHECK(failed.error().context.find("ledger") != std::string::npos);
    CHECK(l.head().value() == before);

    files.full = false;
    auto appended = l.append_record(test_record_builder(3, 2000));
    REQUIRE(appended.has_value());
    CHECK(appended->seq == before.next_seq);
  }
  auto reopened = ledger::open(path, test_options(false)).value();
  CHECK(reopened.record_count().value() == 4);
  CHECK(chain_problems(reopened).empty());
}

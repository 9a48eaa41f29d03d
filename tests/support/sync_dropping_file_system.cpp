// The negative control's decorator: one kind of sync answered without being passed on.
#include "tests/support/sync_dropping_file_system.hpp"

namespace bodycam::tests {

namespace core = bodycam::common::core;

namespace {

class sync_dropping_file final : public core::file {
 public:
  sync_dropping_file(std::unique_ptr<core::file> inner, std::shared_ptr<std::uint64_t> dropped)
      : inner_(std::move(inner)), dropped_(std::move(dropped)) {}
  core::status write(core::byte_view bytes) override { return inner_->write(bytes); }
  core::status write_at(std::uint64_t offset, core::byte_view bytes) override { return inner_->write_at(offset, bytes); }
  core::expected<std::size_t> read_at(std::uint64_t offset, std::span<std::uint8_t> out) override {
    return inner_->read_at(offset, out);
  }
  core::status truncate(std::uint64_t length) override { return inner_->truncate(length); }
  core::expected<std::uint64_t> size() override { return inner_->size(); }
  core::status datasync() override { return sync(); }
  core::status sync() override {
    ++*dropped_;
    return {};
  }
  const std::filesystem::path& path() const noexcept override { return inner_->path(); }

 private:
  std::unique_ptr<core::file> inner_;
  std::shared_ptr<std::uint64_t> dropped_;
};

}  // namespace

core::expected<std::unique_ptr<core::file>> sync_dropping_file_system::open(const std::filesystem::path& path,
                                                                            core::open_mode how, mode_t mode,
                                                                            bool exact_mode) {
  auto opened = inner_.open(path, how, mode, exact_mode);
  if (!opened || what_ != dropped_sync::file) return opened;
  return std::make_unique<sync_dropping_file>(std::move(*opened), dropped_);
}

core::status sync_dropping_file_system::sync_directory(const std::filesystem::path& directory) {
  if (what_ != dropped_sync::directory) return inner_.sync_directory(directory);
  ++*dropped_;
  return {};
}

}  // namespace bodycam::tests

// The byte ports of footage encryption: a sink the writer appends to and a source the reader pulls from, with
// an in-memory pair (tests, benchmarks) and a file-descriptor pair (the verbs; later the recorder). The
// writer and reader never see a path or a syscall, so power cuts and short reads are simulated in memory.
#pragma once

#include "common/core/bytes.hpp"

#include <filesystem>
#include <span>
#include <string>

namespace bodycam::common::crypto {

class footage_sink {
 public:
  virtual ~footage_sink() = default;
  // Writes all of `bytes` or fails; a failure may leave a prefix written.
  [[nodiscard]] virtual core::status write(core::byte_view bytes) = 0;
};

class footage_source {
 public:
  virtual ~footage_source() = default;
  // Reads up to out.size() bytes; 0 only at the end of the data.
  [[nodiscard]] virtual core::expected<std::size_t> read(std::span<std::uint8_t> out) = 0;
};

class memory_sink final : public footage_sink {
 public:
  [[nodiscard]] core::status write(core::byte_view bytes) override {
    bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
    return {};
  }
  [[nodiscard]] const core::byte_buffer& bytes() const noexcept { return bytes_; }

 private:
  core::byte_buffer bytes_;
};

// Reads a span it does not own; `chunk` caps each read, so tests can exercise short reads.
class memory_source final : public footage_source {
 public:
  explicit memory_source(core::byte_view bytes, std::size_t chunk = SIZE_MAX) noexcept : bytes_(bytes), chunk_(chunk) {}
  [[nodiscard]] core::expected<std::size_t> read(std::span<std::uint8_t> out) override;

 private:
  core::byte_view bytes_;
  std::size_t chunk_;
  std::size_t at_ = 0;
};

// Writes to an open descriptor it does not own (EINTR retried); `name` appears in error messages.
class fd_sink final : public footage_sink {
 public:
  fd_sink(int fd, std::filesystem::path name) : fd_(fd), name_(std::move(name)) {}
  [[nodiscard]] core::status write(core::byte_view bytes) override;

 private:
  int fd_;
  std::filesystem::path name_;
};

class fd_source final : public footage_source {
 public:
  fd_source(int fd, std::filesystem::path name) : fd_(fd), name_(std::move(name)) {}
  [[nodiscard]] core::expected<std::size_t> read(std::span<std::uint8_t> out) override;

 private:
  int fd_;
  std::filesystem::path name_;
};

}  // namespace bodycam::common::crypto

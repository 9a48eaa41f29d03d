// How bytes stream into and out of a store without holding a whole segment in memory. A `byte_source` is
// read front to back in chunks (what a put consumes); an `object_reader` is a byte_source over one stored
// item that also knows its size (what open returns), so a reader of one store can be put into another.
// `span_source` reads from memory, `file_reader` from a file (for put_object_file, and the directory
// backend's reader), `mapped_file_source` from a finished file mapped into memory (for adopt_object_file).
// Sources are single-pass and not thread-safe; each belongs to one caller.
#pragma once

#include "common/core/bytes.hpp"
#include "common/core/unique_fd.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>

namespace bodycam::common::store {

class byte_source {
 public:
  virtual ~byte_source() = default;
  // Fills the front of `buffer` with the next bytes and says how many; 0 means the end (buffer not empty).
  [[nodiscard]] virtual core::expected<std::size_t> read(std::span<std::uint8_t> buffer) = 0;
  // The total length if known in advance (a backend may use it for a reserve check or a Content-Length).
  [[nodiscard]] virtual std::optional<std::uint64_t> known_size() const { return std::nullopt; }
  // Where the bytes come from, for messages: "file /data/000123.mp4", "4096 bytes in memory".
  [[nodiscard]] virtual std::string describe() const = 0;
  // Starts again from the first byte, if this source can (a file, a span): then a retry reads it again
  // instead of a copy held in memory (retrying_backend T2). False: it cannot, and nothing changed.
  [[nodiscard]] virtual bool rewind() { return false; }
  // Every byte of the source, whatever has been read, if it holds them in memory already (a span, a mapped
  // file): a backend may send them from there instead of reading them into a buffer of its own.
  [[nodiscard]] virtual std::optional<core::byte_view> in_memory() const { return std::nullopt; }
};

class object_reader : public byte_source {
 public:
  [[nodiscard]] virtual std::uint64_t size() const = 0;
  [[nodiscard]] std::optional<std::uint64_t> known_size() const override { return size(); }
};

// Reads a span the caller keeps alive while the source is used.
class span_source final : public object_reader {
 public:
  explicit span_source(core::byte_view bytes) noexcept : bytes_(bytes) {}
  [[nodiscard]] core::expected<std::size_t> read(std::span<std::uint8_t> buffer) override;
  [[nodiscard]] std::uint64_t size() const override { return bytes_.size(); }
  [[nodiscard]] std::string describe() const override;
  [[nodiscard]] bool rewind() override {
    position_ = 0;
    return true;
  }
  [[nodiscard]] std::optional<core::byte_view> in_memory() const override { return bytes_; }

 private:
  core::byte_view bytes_;
  std::size_t position_ = 0;
};

// Reads a regular file from its start. The size is the file's size when opened.
class file_reader final : public object_reader {
 public:
  // errc::not_found if absent; errc::invalid_argument if not a regular file. Follows symlinks (a caller's
  // path); backends that must not follow them open the fd themselves and use the constructor.
  [[nodiscard]] static core::expected<file_reader> open(const std::filesystem::path& path);
  file_reader(core::unique_fd fd, std::uint64_t size, std::string description) noexcept
      : fd_(std::move(fd)), size_(size), description_(std::move(description)) {}

  [[nodiscard]] core::expected<std::size_t> read(std::span<std::uint8_t> buffer) override;
  [[nodiscard]] std::uint64_t size() const override { return size_; }
  [[nodiscard]] std::string describe() const override { return description_; }
  [[nodiscard]] bool rewind() override;

 private:
  core::unique_fd fd_;
  std::uint64_t size_;
  std::string description_;
};

// A finished regular file mapped read-only (its pages shared with the page cache): read()
// copies out of the mapping, in_memory() is all of it. Only for a file nobody changes while it is mapped — a
// file handed over by its owner as finished, as adopt_object_file's are (store_backend.hpp adoptable_file): one
// cut shorter meanwhile would fault (SIGBUS) where its pages are gone. The size is the file's when opened.
class mapped_file_source final : public object_reader {
 public:
  // errc::not_found if absent; errc::invalid_argument if not a regular file.
  [[nodiscard]] static core::expected<mapped_file_source> open(const std::filesystem::path& path);
  // Files up to this size are faulted in whole when opened; larger ones as they are read.
  static constexpr std::size_t populate_limit = std::size_t{256} << 20;

  [[nodiscard]] core::expected<std::size_t> read(std::span<std::uint8_t> buffer) override;
  [[nodiscard]] std::uint64_t size() const override { return bytes_.size(); }
  [[nodiscard]] std::string describe() const override { return description_; }
  [[nodiscard]] bool rewind() override {
    position_ = 0;
    return true;
  }
  [[nodiscard]] std::optional<core::byte_view> in_memory() const override { return bytes_; }

 private:
  struct unmapper {
    std::size_t length = 0;
    void operator()(std::uint8_t* address) const noexcept;
  };
  mapped_file_source(std::unique_ptr<std::uint8_t, unmapper> mapping, std::size_t size, std::string description) noexcept
      : mapping_(std::move(mapping)), bytes_(mapping_.get(), size), description_(std::move(description)) {}

  std::unique_ptr<std::uint8_t, unmapper> mapping_;  // none for an empty file
  core::byte_view bytes_;
  std::string description_;
  std::size_t position_ = 0;
};

}  // namespace bodycam::common::store

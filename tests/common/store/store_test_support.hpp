// Test support for the directory backend: a fresh store in a temporary directory (also as a conformance
// fixture), tampering behind the store's back, and looking at the files a store holds without going through it.
#pragma once

#include "common/store/directory_backend.hpp"
#include "tests/common/store/store_conformance.hpp"
#include "tests/support/temp_dir.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace bodycam::tests::store {

// A temporary directory with a store at <dir>/store, made on construction.
class directory_harness {
 public:
  explicit directory_harness(common::store::directory_store_options options = {});
  [[nodiscard]] const std::filesystem::path& root() const noexcept { return root_; }
  [[nodiscard]] std::filesystem::path dir() const { return dir_->path(); }
  [[nodiscard]] common::store::store& store() noexcept { return *store_; }
  [[nodiscard]] common::store::store open_again(common::store::directory_store_options options = {}) const;

 private:
  std::shared_ptr<temp_dir> dir_;
  std::filesystem::path root_;
  std::unique_ptr<common::store::store> store_;
};

// A conformance fixture on a fresh directory store.
[[nodiscard]] store_fixture make_directory_fixture();

// Flips one byte in the middle of a file (an empty file gains one), whatever its mode; the mode is kept.
void corrupt_file(const std::filesystem::path& path);

// Every regular file and folder under `root`, as sorted relative paths ("objects/sha256/ab…").
[[nodiscard]] std::vector<std::string> files_under(const std::filesystem::path& root);
// Files under `root` whose name starts with the backend's temp prefix.
[[nodiscard]] std::vector<std::string> temp_files_under(const std::filesystem::path& root);

// SHA-256 hex of a file's bytes read directly, as sha256sum would print it.
[[nodiscard]] std::string sha256sum(const std::filesystem::path& path);

}  // namespace bodycam::tests::store

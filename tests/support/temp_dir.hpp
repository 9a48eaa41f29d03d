// The one temporary directory every test suite uses: a fresh directory under $TMPDIR (or /tmp), created on
// construction and removed with everything in it when the object goes. Setting BODYCAM_KEEP_TEST_FILES in
// the environment keeps it, for a person debugging a failure.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace bodycam::tests {

class temp_dir {
 public:
  // Throws std::runtime_error naming the pattern if the directory cannot be created.
  explicit temp_dir(std::string_view prefix = "bodycam-test");
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
  [[nodiscard]] std::filesystem::path operator/(std::string_view name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

}  // namespace bodycam::tests

// The shared temporary directory for tests; see temp_dir.hpp.
#include "tests/support/temp_dir.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <system_error>

namespace bodycam::tests {

temp_dir::temp_dir(std::string_view prefix) {
  std::error_code ec;
  std::filesystem::path base = std::filesystem::temp_directory_path(ec);
  if (ec) base = "/tmp";
  std::string pattern = (base / (std::string(prefix) + "-XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr)
    throw std::runtime_error("create temporary directory " + pattern + ": " + std::strerror(errno));
  path_ = pattern;
}

temp_dir::~temp_dir() {
  if (std::getenv("BODYCAM_KEEP_TEST_FILES") != nullptr) return;
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace bodycam::tests

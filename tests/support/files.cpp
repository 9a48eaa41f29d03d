// Whole-file reads and writes for tests; see files.hpp.
#include "tests/support/files.hpp"

#include <fstream>
#include <iterator>
#include <stdexcept>

namespace bodycam::tests {

std::string slurp(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_text(const std::filesystem::path& file, std::string_view text) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.close();
  if (!out) throw std::runtime_error("write test file " + file.string());
}

}  // namespace bodycam::tests

// The main of a replay test: feeds every file of the directories it is given (a harness's corpus and its
// crash regressions) through the harness's LLVMFuzzerTestOneInput, built with the normal compiler and flags.
// Guarantees: exits 0 only if at least one file was replayed and none made the harness abort; it prints how
// many files it replayed from each directory, so a test that replayed nothing cannot pass. A directory
// that does not exist counts as empty (a harness with no regressions yet); hidden files are skipped.
#include "fuzz/fuzz_check.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

namespace {

[[nodiscard]] std::vector<std::filesystem::path> files_under(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir, ec)) {
    if (!entry.is_regular_file() || entry.path().filename().string().starts_with(".")) continue;
    files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t replayed = 0;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path dir(argv[i]);
    std::size_t here = 0;
    for (const auto& file : files_under(dir)) {
      std::ifstream in(file, std::ios::binary);
      const std::vector<char> text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (!in.eof() && in.fail()) {
        std::fprintf(stderr, "replay: cannot read %s\n", file.c_str());
        return 1;
      }
      std::vector<std::uint8_t> bytes(text.begin(), text.end());
      (void)LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
      ++here;
    }
    std::printf("replay: %zu files from %s\n", here, dir.c_str());
    replayed += here;
  }
  if (replayed == 0) {
    std::fprintf(stderr, "replay: no corpus file found; the test would prove nothing\n");
    return 1;
  }
  std::printf("replay: %zu files, no invariant broken\n", replayed);
  return 0;
}

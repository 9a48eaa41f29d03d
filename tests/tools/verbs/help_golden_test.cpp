// Every verb's --help, as a clerk first reads it, against golden files (tests/tools/verbs/golden/help/): a change
// to what a verb says about itself is a deliberate change of these files (BODYCAM_UPDATE_GOLDEN=1 rewrites them),
// never a side effect. Each help also names the exit codes.
#include "tests/support/process.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

namespace fs = std::filesystem;

namespace {

const std::vector<std::vector<std::string>> commands{
    {},
    {"keygen"},
    {"verify"},
    {"simulate"},
    {"enroll"},
    {"enroll", "camera"},
    {"enroll", "dock"},
    {"enroll", "person"},
    {"enroll", "witness"},
    {"enroll", "revoke"},
    {"audit"},
    {"export"},
    {"copy"},
    {"approve"},
    {"retention"},
    {"retention", "hold"},
    {"retention", "release"},
    {"retention", "expire"},
    {"doctor"},
    {"doctor", "camera"},
    {"doctor", "dock"},
    {"agency"},
    {"agency", "init"},
    {"agency", "footage-key"},
    {"agency", "footage-key", "new"},
    {"witness"},
    {"witness", "cosign"},
    {"witness", "serve"},
    {"note"},
    {"stats"},
    {"decrypt"},
};

std::string golden_name(const std::vector<std::string>& command) {
  std::string name = "bodycam";
  for (const auto& word : command) name += "-" + word;
  return name + ".txt";
}

}  // namespace

TEST_CASE("help_golden: every verb's --help is what the golden file says, and names the exit codes", "[e2e]") {
  const bool update = [] {
    const char* u = std::getenv("BODYCAM_UPDATE_GOLDEN");
    return u != nullptr && std::string(u) == "1";
  }();
  for (const auto& command : commands) {
    auto args = command;
    args.push_back("--help");
    const auto help = bodycam::tests::run_bodycam(args);
    const fs::path golden = fs::path(BODYCAM_SOURCE_DIR) / "tests/tools/verbs/golden/help" / golden_name(command);
    INFO(golden.string() << "\n" << help.out << help.err);
    CHECK(help.exit_code == 0);
    CHECK(help.out.find("Exit") != std::string::npos);
    if (update) {
      std::ofstream(golden, std::ios::binary | std::ios::trunc) << help.out;
      WARN("rewrote " << golden.string());
      continue;
    }
    std::ifstream in(golden, std::ios::binary);
    REQUIRE(in.good());
    const std::string expected((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(help.out == expected);
  }
}

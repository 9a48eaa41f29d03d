// An agency for the tools' tests: a root key (in memory, unsealed: sealing is tested on its own), its public
// key in the store and in a file the tests pass as `bodycam audit --root`, and the enrollments an
// administrator would make — done through the library, not the CLI, so each test setup costs no argon2id.
#pragma once

#include "common/crypto/key_file.hpp"
#include "common/store/store.hpp"
#include "tools/enrollment/enrollment_entry.hpp"

#include <filesystem>
#include <string>

namespace bodycam::tests {

class test_agency {
 public:
  // Puts the root in `s` (enrollment/root.pub) and writes `<dir>/agency-root.pub`.
  test_agency(common::store::store& s, const std::filesystem::path& dir);

  // Enrolls every key in the store's keys/: a device with records as a camera, any other as a dock. Valid
  // from 2020-01-01 (the builder's shifts are in 2026).
  void enroll_store_keys();
  // Enrolls the public key file `pub` (its label is the person's id) with `roles`.
  void enroll_person(const std::filesystem::path& pub, std::uint8_t roles);
  void enroll(tools::enrollment::subject_kind kind, const common::crypto::labelled_public_key& key,
              std::uint8_t roles = 0, const std::string& unit = "test unit");

  [[nodiscard]] const std::string& root_file() const { return root_file_; }
  [[nodiscard]] common::crypto::signer& root() { return root_; }

 private:
  common::store::store& store_;
  common::crypto::software_signer root_;
  std::string root_file_;
};

inline constexpr std::uint8_t clerk_and_supervisor = 2 | 4;

}  // namespace bodycam::tests

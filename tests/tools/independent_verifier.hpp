// Where the tests find the independent Python verifier (tests/tools/independent_verifier.py, written from
// docs/formats/ alone) and the interpreter that runs it.
#pragma once

#include <string>

namespace bodycam::tests {

inline const std::string python = "/usr/bin/python3";  // Debian's, with python3-cryptography
inline const std::string independent = std::string(BODYCAM_SOURCE_DIR) + "/tests/tools/independent_verifier.py";

}  // namespace bodycam::tests

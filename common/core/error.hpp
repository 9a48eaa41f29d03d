// The one error type of bodycam, and the expected<T> every fallible call returns.
// An error carries a stable code (what kind of failure, for programs) and a context message that says which
// operation failed on which object (for people): "fsync segment 000123.mp4: No space left on device".
// No exception crosses a module boundary; adapters convert third-party exceptions to `error` at their edge.
#pragma once

#include <expected>
#include <string>
#include <string_view>

namespace bodycam::common::core {

enum class errc {
  io,               // an operating-system call failed (see context for errno text)
  no_space,         // the disk or store is full (ENOSPC, EDQUOT)
  not_found,        // a file, key, record or object does not exist
  already_exists,   // create-only write found the object present
  permission,       // access refused, or a secret file is readable by others
  malformed,        // untrusted bytes or text do not parse; context names the field
  unsupported,      // a version, kind or option this build does not know
  invalid_argument, // a caller or configuration value is out of range
  corrupt,          // stored state fails its own integrity check
  bad_signature,    // a signature does not verify
  conflict,         // a state transition or write that contradicts stored state
  timeout,          // an operation did not finish in its time
  closed,           // the peer, stream or device went away
  internal,         // a third-party library failed in a way not listed above
};

[[nodiscard]] std::string_view to_string(errc code) noexcept;

struct error {
  errc code;
  std::string context;

  [[nodiscard]] std::string message() const { return context; }
};

template <class T>
using expected = std::expected<T, error>;

using status = std::expected<void, error>;

[[nodiscard]] inline std::unexpected<error> fail(errc code, std::string context) {
  return std::unexpected<error>(error{code, std::move(context)});
}

// "operation object: strerror(err)" with the code chosen from errno.
[[nodiscard]] std::unexpected<error> fail_errno(std::string_view operation, std::string_view object, int err);

// Prefix the context of an error with what the caller was doing: "open ledger x.db: <inner>".
[[nodiscard]] inline std::unexpected<error> wrap(std::string_view what, const error& inner) {
  return std::unexpected<error>(error{inner.code, std::string(what) + ": " + inner.context});
}

}  // namespace bodycam::common::core

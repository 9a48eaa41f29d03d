// The one guard every verb passes before it writes a file or folder the user named (`audit --html`,
// `audit --catalogue`, `export --out`, `copy --out`). Footage is evidence, so a user's output never lands in a
// store: the store is written only through its own create-only API (common/store).
// Guarantees, checked before any work is done and before any register entry is written:
//  1. A path that is a store, or lies inside one — itself or any parent, after resolving symbolic links and
//     `..` — is refused, naming the store. A store is recognised by its layout (docs/formats/store.md §2):
//     the marker store.json, or the folders objects/sha256 and records side by side.
//  2. An existing file or folder is refused unless the caller allows replacing it (`--force` for reports);
//     nothing is overwritten unseen.
//  3. The folder that is to hold the output exists and is writable, so a write cannot fail for a reason that
//     could have been found first.
#pragma once

#include "common/core/error.hpp"

#include <filesystem>
#include <optional>
#include <string_view>

namespace bodycam::tools::verbs {

// never: the output must not exist (bundles, copies); unless_forced: refused, with a hint at --force;
// allow: --force was given (a report file may be replaced; a folder never is).
enum class replace_policy { never, unless_forced, allow };

// The store that `path` is, or lies inside (resolved), if any.
[[nodiscard]] std::optional<std::filesystem::path> enclosing_store(const std::filesystem::path& path);
// True if `dir` has a store's layout (guarantee 1).
[[nodiscard]] bool has_store_layout(const std::filesystem::path& dir);

// Guarantee 1 alone, for verbs that write into a folder they may create (`keygen --out`, `simulate --out`,
// `enroll --trusted-*-dir`): refused (invalid_argument) if `path` is or lies inside a store.
[[nodiscard]] common::core::status check_outside_stores(const std::filesystem::path& path, std::string_view option);

// `option` names the flag in messages ("--html"). Errors: invalid_argument (inside a store),
// already_exists (guarantee 2), not_found or permission (guarantee 3).
[[nodiscard]] common::core::status check_output_path(const std::filesystem::path& path, std::string_view option,
                                                     replace_policy replace);

}  // namespace bodycam::tools::verbs

#include "tools/verbs/output_path.hpp"

#include "common/store/directory_backend.hpp"

#include <unistd.h>

namespace bodycam::tools::verbs {

namespace fs = std::filesystem;
namespace core = bodycam::common::core;

bool has_store_layout(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return false;
  if (fs::exists(dir / common::store::store_marker_name, ec)) return true;
  return fs::is_directory(dir / "objects" / "sha256", ec) && fs::is_directory(dir / "records", ec);
}

std::optional<fs::path> enclosing_store(const fs::path& path) {
  std::error_code ec;
  const fs::path absolute = fs::absolute(path, ec);
  if (ec) return std::nullopt;
  // Both the path as written (lexically, `..` folded) and as resolved: a symlink into a store, or a store
  // reached through a symlinked folder, is caught either way.
  for (const fs::path& start : {absolute.lexically_normal(), fs::weakly_canonical(absolute, ec)}) {
    if (start.empty()) continue;
    for (fs::path p = start;; p = p.parent_path()) {
      if (has_store_layout(p)) return p;
      if (p == p.root_path() || p.parent_path() == p) break;
    }
  }
  return std::nullopt;
}

core::status check_outside_stores(const fs::path& path, std::string_view option) {
  if (auto s = enclosing_store(path))
    return core::fail(core::errc::invalid_argument,
                      std::string(option) + " " + path.string() + ": inside the store " + s->string() +
                          "; nothing is written into a store except through the store itself, choose a path "
                          "outside it");
  return {};
}

core::status check_output_path(const fs::path& path, std::string_view option, replace_policy replace) {
  const std::string what = std::string(option) + " " + path.string();
  if (path.empty()) return core::fail(core::errc::invalid_argument, std::string(option) + ": no path given");
  // Guarantee 1.
  if (auto ok = check_outside_stores(path, option); !ok) return ok;
  // Guarantee 2.
  std::error_code ec;
  const auto status = fs::symlink_status(path, ec);
  if (fs::exists(status) && (replace != replace_policy::allow || fs::is_directory(status)))
    return core::fail(
        core::errc::already_exists,
        what + ": exists; nothing overwritten" +
            (replace == replace_policy::unless_forced && !fs::is_directory(status) ? " (--force replaces it)" : ""));
  // Guarantee 3.
  const fs::path parent = fs::absolute(path, ec).parent_path();
  if (!fs::is_directory(parent, ec))
    return core::fail(core::errc::not_found, what + ": the folder " + parent.string() + " does not exist");
  if (::access(parent.c_str(), W_OK | X_OK) != 0)
    return core::fail_errno("write into folder", parent.string() + " (for " + std::string(option) + ")", errno);
  return {};
}

}  // namespace bodycam::tools::verbs

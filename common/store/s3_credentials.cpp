#include "common/store/s3_credentials.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>

namespace bodycam::common::store {

core::expected<sigv4_credentials> parse_s3_credentials(std::string_view text, std::string_view what) {
  toml::table table;
  try {
    table = toml::parse(text, std::string(what));
  } catch (const toml::parse_error& e) {
    return core::fail(core::errc::malformed, "read S3 credentials " + std::string(what) + ": line " +
                                                 std::to_string(e.source().begin.line) + ": " +
                                                 std::string(e.description()));
  }
  sigv4_credentials out;
  for (const auto& [key, value] : table) {
    const std::string name(key.str());
    std::string* slot = name == "access_key_id" ? &out.access_key_id
                        : name == "secret_access_key" ? &out.secret_access_key
                                                      : nullptr;
    if (!slot)
      return core::fail(core::errc::malformed, "read S3 credentials " + std::string(what) + ": unknown key " + name);
    const auto* s = value.as_string();
    if (!s || s->get().empty())
      return core::fail(core::errc::malformed,
                        "read S3 credentials " + std::string(what) + ": " + name + " must be a non-empty string");
    *slot = s->get();
  }
  for (const auto* name : {"access_key_id", "secret_access_key"})
    if (!table.contains(name))
      return core::fail(core::errc::malformed,
                        "read S3 credentials " + std::string(what) + ": " + std::string(name) + " is missing");
  return out;
}

core::expected<sigv4_credentials> load_s3_credentials(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return core::fail_errno("read S3 credentials", path.string(), errno);
  if ((st.st_mode & 077) != 0)
    return core::fail(core::errc::permission, "read S3 credentials " + path.string() +
                                                  ": readable or writable by others; chmod 600 it first");
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) return core::fail(core::errc::io, "read S3 credentials " + path.string() + ": read failed");
  return parse_s3_credentials(text.str(), path.string());
}

}  // namespace bodycam::common::store

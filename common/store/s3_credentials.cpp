#include "common/store/s3_credentials.hpp"

#include "common/core/secret_file.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>

namespace bodycam::common::store {

namespace {
constexpr std::size_t max_s3_credentials_bytes = 4096;
}  // namespace

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
  auto text = core::read_secret_file(path, "S3 credentials", max_s3_credentials_bytes);
  if (!text) return std::unexpected(text.error());
  return parse_s3_credentials(*text, path.string());
}

}  // namespace bodycam::common::store

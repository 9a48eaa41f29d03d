#include "firmware/config/config_loader.hpp"

#include "common/core/durable_file.hpp"
#include "firmware/config/config_parser.hpp"

#include <string_view>
#include <system_error>

namespace bodycam::firmware::config {

core::expected<recorder_config> load_recorder_config(const std::filesystem::path& file) {
  auto bytes = core::read_file(file, max_config_bytes);
  if (!bytes) return core::wrap("load config", bytes.error());
  std::error_code ec;
  std::filesystem::path absolute = std::filesystem::absolute(file, ec);
  if (ec) return core::fail_errno("resolve config path", file.string(), ec.value());
  parse_options options;
  options.origin = file.string();
  options.base_directory = absolute.parent_path().string();
  const std::string_view text(reinterpret_cast<const char*>(bytes->data()), bytes->size());
  return parse_recorder_config(text, options);
}

}  // namespace bodycam::firmware::config

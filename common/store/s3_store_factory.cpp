#include "common/store/s3_store_factory.hpp"

#include "common/store/directory_backend.hpp"
#include "common/store/retrying_backend.hpp"
#include "common/store/s3_backend.hpp"
#include "common/store/s3_credentials.hpp"

#include <toml++/toml.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

namespace bodycam::common::store {

core::expected<store> open_configured_store(const store_config& config, bool create) {
  if (config.kind == store_kind::directory) return open_directory_store(config.directory, create);
  auto credentials = load_s3_credentials(config.credentials_file);
  if (!credentials) return std::unexpected(credentials.error());
  s3_store_options options = config.s3;
  options.credentials = std::move(*credentials);
  std::vector<std::string> endpoints = config.endpoints;
  if (endpoints.empty()) endpoints.push_back(options.endpoint);
  return open_s3_store_with_failover(std::move(options), endpoints, config.retry);
}

core::expected<store> open_store_from_config_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::fail(core::errc::not_found, "read store config " + path + ": cannot open the file");
  std::ostringstream text;
  text << in.rdbuf();
  toml::table root;
  try {
    root = toml::parse(text.str(), path);
  } catch (const toml::parse_error& e) {
    return core::fail(core::errc::malformed, "parse store config " + path + ": " + std::string(e.description()));
  }
  const auto* table = root["store"].as_table();
  if (table == nullptr)
    return core::fail(core::errc::invalid_argument, "store config " + path + ": no [store] table");
  const auto folder = std::filesystem::absolute(path).parent_path().string();
  auto config = parse_store_config(*table, path, folder);
  if (!config) return std::unexpected(config.error());
  return open_configured_store(*config, false);
}

core::expected<store> open_s3_store_with_failover(s3_store_options options, const std::vector<std::string>& endpoints,
                                                  const retry_policy& retry) {
  if (endpoints.empty()) return core::fail(core::errc::invalid_argument, "open s3 store: no endpoint");
  std::vector<std::unique_ptr<store_backend>> backends(endpoints.size());
  std::mt19937_64 random(std::random_device{}());
  retry_budget budget(retry);
  const auto start = std::chrono::steady_clock::now();
  std::size_t index = 0;
  bool payload_checked = false;
  for (;;) {  // the first endpoint that answers proves write-once for the bucket they share (S4)
    s3_store_options o = options;
    o.endpoint = endpoints[index];
    auto opened = s3_backend::open(std::move(o));
    if (opened) {
      payload_checked = (*opened)->payload_checked();  // the engine's, shared by its gateways
      backends[index] = std::move(*opened);
      break;
    }
    if (!is_transient(opened.error())) return std::unexpected(opened.error());
    const auto wait = budget.next_wait(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start), random);
    if (!wait) {
      std::string names;
      for (const auto& e : endpoints) names += (names.empty() ? "" : ", ") + e + "/" + options.bucket;
      return core::fail(core::errc::timeout, "store unreachable: open s3 store " + names + ": no answer after " +
                                                     std::to_string(budget.attempts()) + " attempts; last error: " +
                                                     opened.error().context);
    }
    index = (index + 1) % endpoints.size();
    std::this_thread::sleep_for(*wait);
  }
  for (std::size_t i = 0; i < endpoints.size(); ++i) {
    if (backends[i]) continue;
    s3_store_options o = options;
    o.endpoint = endpoints[i];
    auto client = s3_client::make(std::move(o));
    if (!client) return std::unexpected(client.error());
    backends[i] = std::make_unique<s3_backend>(std::move(*client), payload_checked);
  }
  return store(std::make_unique<retrying_backend>(std::move(backends), retry));
}

}  // namespace bodycam::common::store

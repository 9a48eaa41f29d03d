#include "common/store/s3_store_config.hpp"

#include <algorithm>
#include <filesystem>
#include <set>
#include <vector>

namespace bodycam::common::store {

namespace {

class table_reader {
 public:
  table_reader(const toml::table& table, std::string_view origin) : table_(table), origin_(origin) {}

  [[nodiscard]] std::string where(std::string_view key) const {
    return std::string(origin_) + ": [store] " + std::string(key);
  }
  [[nodiscard]] core::expected<std::optional<std::string>> text(std::string_view key) {
    used_.insert(std::string(key));
    const auto* node = table_.get(key);
    if (node == nullptr) return std::optional<std::string>{};
    const auto* s = node->as_string();
    if (s == nullptr || s->get().empty())
      return core::fail(core::errc::invalid_argument, where(key) + ": must be a non-empty string");
    return std::optional<std::string>{s->get()};
  }
  [[nodiscard]] core::expected<std::string> required_text(std::string_view key, std::string_view kind) {
    auto t = text(key);
    if (!t) return std::unexpected(t.error());
    if (!*t) return core::fail(core::errc::invalid_argument, where(key) + ": required for kind = \"" +
                                                                 std::string(kind) + "\"");
    return **t;
  }
  [[nodiscard]] core::expected<std::int64_t> integer(std::string_view key, std::int64_t fallback, std::int64_t low,
                                                     std::int64_t high) {
    used_.insert(std::string(key));
    const auto* node = table_.get(key);
    if (node == nullptr) return fallback;
    const auto* i = node->as_integer();
    if (i == nullptr) return core::fail(core::errc::invalid_argument, where(key) + ": must be an integer");
    if (i->get() < low || i->get() > high)
      return core::fail(core::errc::invalid_argument, where(key) + ": " + std::to_string(i->get()) +
                                                          " is outside " + std::to_string(low) + "-" +
                                                          std::to_string(high));
    return i->get();
  }
  // `endpoint = "http://…"` or `endpoints = ["http://…", …]`, exactly one of them.
  [[nodiscard]] core::expected<std::vector<std::string>> endpoints() {
    used_.insert("endpoint");
    used_.insert("endpoints");
    const auto* one = table_.get("endpoint");
    const auto* many = table_.get("endpoints");
    if (one != nullptr && many != nullptr)
      return core::fail(core::errc::invalid_argument, where("endpoints") + ": give endpoint or endpoints, not both");
    std::vector<std::string> out;
    if (one != nullptr) {
      auto t = text("endpoint");
      if (!t) return std::unexpected(t.error());
      out.push_back(**t);
    } else if (many != nullptr) {
      const auto* array = many->as_array();
      if (array == nullptr || array->empty())
        return core::fail(core::errc::invalid_argument, where("endpoints") + ": must be a non-empty array of strings");
      for (const auto& node : *array) {
        const auto* s = node.as_string();
        if (s == nullptr || s->get().empty())
          return core::fail(core::errc::invalid_argument, where("endpoints") + ": must be a non-empty array of strings");
        out.push_back(s->get());
      }
    } else {
      return core::fail(core::errc::invalid_argument, where("endpoint") + ": required for kind = \"s3\"");
    }
    for (const auto& e : out)
      if (!e.starts_with("http://") && !e.starts_with("https://"))
        return core::fail(core::errc::invalid_argument, where(one != nullptr ? "endpoint" : "endpoints") + ": '" + e +
                                                            "' is not http[s]://host[:port]");
    return out;
  }
  [[nodiscard]] core::status no_other_keys() const {
    for (const auto& [key, node] : table_)
      if (!used_.contains(std::string(key.str())))
        return core::fail(core::errc::invalid_argument, where(key.str()) + ": unknown key for this kind of store");
    return {};
  }

 private:
  const toml::table& table_;
  std::string_view origin_;
  std::set<std::string> used_;
};

std::string resolve(const std::string& path, const std::string& base) {
  std::filesystem::path p(path);
  if (p.is_relative()) p = std::filesystem::path(base) / p;
  return p.lexically_normal().string();
}

}  // namespace

core::expected<store_config> parse_store_config(const toml::table& table, std::string_view origin,
                                                const std::string& base_directory) {
  table_reader r(table, origin);
  store_config c;
  auto kind = r.text("kind");
  if (!kind) return std::unexpected(kind.error());
  const std::string kind_name = kind->value_or("directory");
  if (kind_name == "directory") {
    auto path = r.required_text("path", kind_name);
    if (!path) return std::unexpected(path.error());
    c.directory = resolve(*path, base_directory);
  } else if (kind_name == "s3") {
    c.kind = store_kind::s3;
    auto endpoints = r.endpoints();
    if (!endpoints) return std::unexpected(endpoints.error());
    c.endpoints = std::move(*endpoints);
    c.s3.endpoint = c.endpoints.front();
    const bool all_https = std::ranges::all_of(c.endpoints, [](const std::string& e) { return e.starts_with("https://"); });
    auto ca_file = r.text("ca_file");
    if (!ca_file) return std::unexpected(ca_file.error());
    if (*ca_file && !all_https)
      return core::fail(core::errc::invalid_argument, r.where("ca_file") + ": only for https:// endpoints");
    if (*ca_file) c.s3.ca_file = resolve(**ca_file, base_directory);
    auto threshold = r.integer("multipart_threshold_bytes", static_cast<std::int64_t>(c.s3.multipart_threshold_bytes),
                               static_cast<std::int64_t>(s3_min_part_bytes),
                               static_cast<std::int64_t>(s3_max_single_put_bytes));
    if (!threshold) return std::unexpected(threshold.error());
    c.s3.multipart_threshold_bytes = static_cast<std::uint64_t>(*threshold);
    auto part = r.integer("multipart_part_bytes", static_cast<std::int64_t>(c.s3.multipart_part_bytes),
                          static_cast<std::int64_t>(s3_min_part_bytes), static_cast<std::int64_t>(s3_max_part_bytes));
    if (!part) return std::unexpected(part.error());
    c.s3.multipart_part_bytes = static_cast<std::uint64_t>(*part);
    auto bucket = r.required_text("bucket", kind_name);
    if (!bucket) return std::unexpected(bucket.error());
    c.s3.bucket = *bucket;
    auto region = r.text("region");
    if (!region) return std::unexpected(region.error());
    c.s3.region = region->value_or("us-east-1");
    auto credentials = r.required_text("credentials_file", kind_name);
    if (!credentials) return std::unexpected(credentials.error());
    c.credentials_file = resolve(*credentials, base_directory);
    auto days = r.integer("retention_days", 183, 1, 36500);
    if (!days) return std::unexpected(days.error());
    c.s3.retention = std::chrono::days(*days);
    auto worm = r.text("worm");
    if (!worm) return std::unexpected(worm.error());
    if (*worm && **worm != "on" && **worm != "off")
      return core::fail(core::errc::invalid_argument, r.where("worm") + ": must be \"on\" or \"off\"");
    c.s3.worm = worm->value_or("on") == "on";
    auto timeout = r.integer("timeout_seconds", 30, 1, 600);
    if (!timeout) return std::unexpected(timeout.error());
    c.s3.timeout = std::chrono::seconds(*timeout);
    auto budget = r.integer("retry_budget_seconds", 60, 0, 3600);
    if (!budget) return std::unexpected(budget.error());
    c.retry.budget = std::chrono::seconds(*budget);
    auto attempts = r.integer("retry_attempts", 10, 1, 100);
    if (!attempts) return std::unexpected(attempts.error());
    c.retry.max_attempts = *budget == 0 ? 1u : static_cast<unsigned>(*attempts);
  } else {
    return core::fail(core::errc::invalid_argument,
                      r.where("kind") + ": '" + kind_name + "' is neither \"directory\" nor \"s3\"");
  }
  if (auto ok = r.no_other_keys(); !ok) return std::unexpected(ok.error());
  return c;
}

}  // namespace bodycam::common::store

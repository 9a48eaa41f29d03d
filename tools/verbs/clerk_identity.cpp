#include "tools/verbs/clerk_identity.hpp"

#include "common/core/durable_file.hpp"

#include <algorithm>
#include <set>

namespace bodycam::tools::verbs {

using namespace bodycam::common;

namespace {

constexpr std::string_view public_key_prefix = "bodycam-public-key-v1 ";

// A public key line is not secret, so reading it to recognise it is harmless.
bool is_public_key_file(const std::string& key_file) {
  auto bytes = core::read_file(key_file, 4096);
  if (!bytes) return false;
  const std::string_view text(reinterpret_cast<const char*>(bytes->data()), bytes->size());
  return text.starts_with(public_key_prefix);
}

}  // namespace

core::expected<clerk_identity> load_clerk(const std::string& key_file) {
  if (key_file.empty())
    return core::fail(core::errc::invalid_argument, "no clerk key given (--clerk-key FILE.key, from bodycam keygen)");
  if (is_public_key_file(key_file))
    return core::fail(core::errc::invalid_argument,
                      "--clerk-key " + key_file +
                          " is a public key; give the clerk's secret key file (<clerk>.key, from bodycam keygen)");
  auto key = crypto::load_secret_key(key_file);
  if (!key) return std::unexpected(key.error());
  return clerk_identity{key->label, std::make_unique<crypto::software_signer>(std::move(key->key))};
}

core::status check_clerk_key_in_store(const store::store& s, const clerk_identity& clerk) {
  const std::string what = "clerk key of '" + clerk.id + "'";
  auto devices = s.list_devices();
  if (!devices) return core::wrap(what, devices.error());
  auto is_device = [&](std::string_view id) {
    return std::any_of(devices->begin(), devices->end(), [&](const auto& d) { return d.str() == id; });
  };
  if (is_device(clerk.id))
    return core::fail(core::errc::permission, what + ": '" + clerk.id +
                                                  "' is a camera in this store; a clerk signs with their own key "
                                                  "(bodycam keygen --id <clerk>)");
  std::set<std::string> clerks;
  for (const auto ns : {store::entry_namespace::access, store::entry_namespace::retention}) {
    auto names = s.list_entries(ns);
    if (!names && names.error().code == core::errc::not_found) continue;  // a store made before retention/
    if (!names) return core::wrap(what, names.error());
    for (const auto& n : *names)
      if (const auto dot = n.rfind('.'); dot != std::string::npos && dot > 0) clerks.insert(n.substr(0, dot));
  }
  auto ids = s.list_public_keys();
  if (!ids) return core::wrap(what, ids.error());
  const auto mine = clerk.signer->public_key();
  for (const auto& id : *ids) {
    auto enrolled = s.get_public_key(id);
    if (!enrolled || enrolled->key != mine) continue;
    if (is_device(id.str()) || !clerks.contains(id.str()))
      return core::fail(core::errc::permission, what + ": it is the key the store holds for " +
                                                    (is_device(id.str()) ? "camera " : "camera or dock ") + id.str() +
                                                    " (keys/" + id.str() +
                                                    ".pub); a clerk signs with their own key (bodycam keygen --id "
                                                    "<clerk>)");
  }
  return {};
}

record::utc_time utc_now() {
  return std::chrono::time_point_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now());
}

}  // namespace bodycam::tools::verbs

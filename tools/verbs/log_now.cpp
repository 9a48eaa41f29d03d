// Clerk tools logging their entries at once; guarantees in log_now.hpp.
#include "tools/verbs/log_now.hpp"

#include "common/crypto/key_file.hpp"
#include "common/store_log/log_appender.hpp"
#include "common/store_log/reconcile.hpp"
#include "tools/enrollment/enrollment_store.hpp"

#include <algorithm>
#include <vector>

namespace bodycam::tools::verbs {

using namespace bodycam::common;

core::expected<std::optional<log_key>> load_log_key(const store::store& s, const std::string& file) {
  if (file.empty()) return std::optional<log_key>{};
  auto key = crypto::load_secret_key(file);
  if (!key) return core::wrap("--log-key " + file, key.error());
  auto signer = std::make_unique<crypto::software_signer>(std::move(key->key));
  auto id = record::device_id::parse(key->label);
  if (!id) return core::wrap("--log-key " + file, id.error());
  const auto refuse = [&](const std::string& why) {
    return core::fail(core::errc::permission, "--log-key " + file + " (" + key->label + "): " + why +
                                                  "; a log key is an enrolled dock's key");
  };
  auto stored = s.get_public_key(*id);
  if (!stored || stored->key != signer->public_key())
    return refuse("the store holds no key keys/" + key->label + ".pub equal to it");
  // The audit trusts checkpoints signed by the register's docks (tools/audit/log_check.hpp L1); a camera's or a
  // person's key would sign checkpoints nobody accepts.
  auto root = tools::enrollment::get_store_root(s);
  auto present = tools::enrollment::has_register(s);
  if (!root || !present) return refuse("the store's enrollment register cannot be read");
  if (*root && *present) {
    auto reg = tools::enrollment::load_register(s, **root);
    if (!reg) return refuse("the store's enrollment register does not verify: " + reg.error().context);
    const auto docks = reg->table.grants_of(tools::enrollment::subject_kind::dock);
    if (std::none_of(docks.begin(), docks.end(), [&](const auto* g) {
          return g->subject == key->label && g->key == signer->public_key();
        }))
      return refuse("the enrollment register enrolls no dock " + key->label + " with this key");
  } else if (auto devices = s.list_devices(); devices && std::find(devices->begin(), devices->end(), *id) !=
                                                             devices->end()) {
    return refuse(key->label + " is a camera of this store");
  }
  return std::optional<log_key>(log_key{key->label, std::move(signer)});
}

std::vector<std::string> not_yet_stored(store::store& s, std::vector<std::string> keys) {
  std::erase_if(keys, [&](const std::string& text) {
    auto k = store::store_key::parse(text);
    if (!k) return true;
    auto size = s.backend().stat(*k);
    return !size || size->has_value();
  });
  return keys;
}

std::string log_entries_now(store::store& s, const std::optional<log_key>& key, std::span<const std::string> keys) {
  const std::string later = "; the next dock start-up logs them";
  if (!key) return "store log: not logged now (no --log-key)" + later;
  std::vector<store::store_key> present;
  for (const auto& text : keys) {
    auto k = store::store_key::parse(text);
    if (!k) continue;
    auto size = s.backend().stat(*k);
    if (size && *size) present.push_back(*k);
  }
  if (present.empty()) return "store log: nothing to log";
  auto leaves = store_log::leaves_for_keys(s.backend(), present);
  if (!leaves) return "store log: not logged (" + leaves.error().context + ")" + later;
  store_log::log_appender log(s, {std::string(store_log::default_log_origin), key->dock_id, key->signer.get()});
  const auto appended = log.append(*leaves);
  if (!appended.ok())
    return "store log: " + std::to_string(appended.claimed) + " of " + std::to_string(leaves->size()) +
           " logged (" + appended.error->context + ")" + later;
  return "store log: " + std::to_string(appended.claimed) + " entr" + (appended.claimed == 1 ? "y" : "ies") +
         " logged at leaf " + std::to_string(appended.first_index) + ", tree size " +
         std::to_string(appended.tree_size) + ", checkpoint signed by " + key->dock_id;
}

}  // namespace bodycam::tools::verbs

#include "tools/verbs/clerk_identity.hpp"

#include "common/core/durable_file.hpp"

#include "tools/enrollment/enrollment_store.hpp"

#include <algorithm>

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

core::status check_clerk_key_in_store(const store::store& s, const clerk_identity& clerk,
                                      enrollment::signature_kind kind) {
  const std::string what = "clerk key of '" + clerk.id + "' (fingerprint " +
                           clerk.signer->public_key().fingerprint().to_hex().substr(0, 16) + ")";
  const std::string how = "an admin enrolls it: bodycam enroll person --key " + clerk.id + ".pub --role " +
                          (kind == enrollment::signature_kind::approval ? "supervisor" : "clerk") + " --store " +
                          s.describe() + " --root-key agency-root.sealed";
  auto root = enrollment::get_store_root(s);
  if (!root) return core::wrap(what, root.error());
  if (!*root)
    return core::fail(core::errc::permission, what + ": store " + s.describe() +
                                                  " has no enrollment register (no agency root in enrollment/root.pub); " +
                                                  "make one with bodycam agency init --store, then " + how);
  auto reg = enrollment::load_register(s, **root);
  if (!reg) return core::wrap(what, reg.error());
  if (!reg->is_intact())
    return core::fail(core::errc::permission, what + ": the enrollment register of " + s.describe() +
                                                  " does not verify (" + reg->findings.front().code + " at " +
                                                  reg->findings.front().entry + "); nothing done");
  const auto may = reg->table.may_sign(clerk.signer->public_key(), kind, utc_now());
  if (!may.allowed) {
    const auto& grants = reg->table.grants();
    const bool is_device_key = std::any_of(grants.begin(), grants.end(), [&](const enrollment::grant& g) {
      return g.key == clerk.signer->public_key() && g.kind != enrollment::subject_kind::person;
    });
    if (is_device_key)
      return core::fail(core::errc::permission, what + ": " + may.reason +
                                                    "; a clerk signs with their own key (bodycam keygen --id <clerk>)");
    return core::fail(core::errc::permission, what + ": " + may.reason + "; " + how);
  }
  if (may.subject != clerk.id)
    return core::fail(core::errc::permission, what + ": the register enrolled this key for '" + may.subject +
                                                  "', not '" + clerk.id + "'");
  return {};
}

record::utc_time utc_now() {
  return std::chrono::time_point_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now());
}

}  // namespace bodycam::tools::verbs

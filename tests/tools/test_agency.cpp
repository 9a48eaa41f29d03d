#include "tests/tools/test_agency.hpp"

#include "tools/enrollment/enrollment_store.hpp"

#include <algorithm>
#include <stdexcept>

namespace bodycam::tests {

namespace en = bodycam::tools::enrollment;
using namespace bodycam::common;

test_agency::test_agency(store::store& s, const std::filesystem::path& dir)
    : store_(s), root_(crypto::secret_key::generate().value()), root_file_((dir / "agency-root.pub").string()) {
  std::filesystem::create_directories(dir);
  if (!en::put_store_root(store_, root_.public_key())) throw std::runtime_error("put agency root in the store");
  if (!crypto::write_public_key(root_file_, {std::string(en::root_key_label), root_.public_key()}))
    throw std::runtime_error("write " + root_file_);
}

void test_agency::enroll(en::subject_kind kind, const crypto::labelled_public_key& key, std::uint8_t roles,
                         const std::string& unit) {
  en::enrollment_entry e;
  e.kind = kind;
  e.subject = key.label;
  e.subject_key = key.key;
  e.roles = roles;
  e.unit = unit;
  e.valid_from = record::utc_time(std::chrono::sys_days(std::chrono::year(2020) / 1 / 1));
  auto done = en::append_enrollment(store_, root_.public_key(), e, root_);
  if (!done) throw std::runtime_error("enroll " + key.label + ": " + done.error().context);
}

void test_agency::enroll_store_keys() {
  const auto devices = store_.list_devices().value();
  const auto ids = store_.list_public_keys().value();
  for (const auto& id : ids) {
    const auto key = store_.get_public_key(id).value();
    const bool camera = std::find(devices.begin(), devices.end(), id) != devices.end();
    enroll(camera ? en::subject_kind::camera : en::subject_kind::dock, key);
  }
}

void test_agency::enroll_person(const std::filesystem::path& pub, std::uint8_t roles) {
  auto key = crypto::load_public_key(pub);
  if (!key) throw std::runtime_error(key.error().context);
  enroll(en::subject_kind::person, *key, roles);
}

}  // namespace bodycam::tests

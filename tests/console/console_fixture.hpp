// A console over a test store for the console's tests: the store filled as the dock fills it (one camera,
// one shift by officer-7), a catalogue file, the agency root and enrollments (tests/tools/test_agency), accounts sealed with the
// smallest argon2id limits, a random cookie key, the login counter in a temp folder and a clock the test sets.
// Requests go straight to the handler; after_send is called as the server would (sent = true).
#pragma once

#include "common/store/memory_backend.hpp"
#include "console/access/session_cookie.hpp"
#include "console/web/catalogue_cache.hpp"
#include "console/web/console_handler.hpp"
#include "tools/catalogue/catalogue_db.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/tools/evidence_store_builder.hpp"
#include "tests/tools/test_agency.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace bodycam::tests {

// A role as the bit of an enrollment's role set.
[[nodiscard]] constexpr std::uint8_t role_bit(tools::enrollment::role r) { return static_cast<std::uint8_t>(r); }

inline constexpr std::string_view shift_officer = "officer-7";
inline const std::string test_password = "correct horse battery staple";

class console_fixture {
 public:
  console_fixture();
  // The same console over a directory store in dir/store (the one the command line reads), e.g. to compare
  // the console's answers with `bodycam stats`.
  struct on_disk_t {};
  explicit console_fixture(on_disk_t);

  // Enrolls `person` with `roles` in `unit` and writes their account (password test_password unless given).
  void add_person(const std::string& person, std::uint8_t roles, std::optional<common::core::byte_buffer> totp = {},
                  const std::string& password = test_password, const std::string& unit = "test unit");
  // The enrollment entry seq that enrolled `person`.
  [[nodiscard]] std::uint64_t grant_seq(const std::string& person);
  void revoke(const std::string& person);

  [[nodiscard]] console::web::web_response request(const std::string& method, const std::string& target,
                                                   const std::string& cookie = {}, const std::string& body = {},
                                                   std::map<std::string, std::string> headers = {});
  [[nodiscard]] console::web::web_response get(const std::string& target, const std::string& cookie = {},
                                               std::map<std::string, std::string> headers = {}) {
    return request("GET", target, cookie, {}, std::move(headers));
  }
  [[nodiscard]] console::web::web_response post_login(const std::string& person, const std::string& password,
                                                      const std::string& code = {});
  // Logs in and returns the cookie value; fails the test if the login is refused.
  [[nodiscard]] std::string login(const std::string& person, const std::string& code = {});
  // The CSRF token of a session: read from the home page's logout form.
  [[nodiscard]] std::string csrf_of(const std::string& cookie);

  [[nodiscard]] std::size_t access_entries() const;
  // Entries of the metadata register (notes/); fails the test if the register has a finding.
  [[nodiscard]] std::size_t note_entries() const;
  [[nodiscard]] std::string session_path() const;  // /sessions/cam-0001/<hex>
  [[nodiscard]] std::uint64_t first_segment_seq() const;
  [[nodiscard]] std::uint64_t first_segment_bytes() const;

  // Signs as `person` (added with add_person), for entries a test writes as that person directly.
  [[nodiscard]] common::crypto::software_signer& signer_of(const std::string& person) { return *signers.at(person); }
  // Stores an export request of the shift's session as `person`, or `person`'s decision on `request`; returns
  // the entry's name "<person>.<seq>".
  std::string request_export(const std::string& person);
  std::string decide_export(const std::string& person, const std::string& request, bool approve);
  // Entries of the retention register; fails the test if the register has a finding.
  [[nodiscard]] std::size_t retention_entries() const;
  // Through tools/retention as `person`: a hold on cam-0001 from a day before `now` on (a time range, so a hold
  // on the shift's session is still a new scope), a release request of `hold`, and a decision on a retention
  // request; each returns the entry's name "<person>.<seq>".
  std::string hold_range_as(const std::string& person);
  std::string request_release_as(const std::string& person, const std::string& hold);
  std::string decide_retention(const std::string& person, const std::string& request, bool approve);

  temp_dir dir{"bodycam-console-test"};  // before store: a directory store lives in it
  std::map<std::string, std::shared_ptr<common::crypto::software_signer>> signers;
  common::store::store store;
  test_agency agency{store, dir.path()};
  evidence_camera camera{store, "cam-0001", 11};
  console::access::cookie_key cookie_key;
  std::optional<console::access::lockout_store> lockout;
  common::record::utc_time now;
  // Refreshed when older than a minute (catalogue_cache.hpp R2); tests move `now` to pass the interval.
  std::unique_ptr<console::web::catalogue_cache> catalogue;
  std::unique_ptr<console::web::console_handler> handler;

 private:
  explicit console_fixture(const std::function<common::store::store(const temp_dir&)>& make_store);
};

}  // namespace bodycam::tests

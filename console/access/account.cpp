// Account files (U1, U2 in account.hpp).
#include "console/access/account.hpp"

#include "common/core/hex.hpp"
#include "common/crypto/key_file.hpp"
#include "console/access/totp.hpp"

namespace bodycam::console::access {

namespace {

std::unexpected<core::error> bad(std::string_view origin, std::string_view what) {
  return core::fail(core::errc::malformed, "account " + std::string(origin) + ": " + std::string(what));
}

}  // namespace

core::expected<account> parse_account(std::string_view text, std::string_view origin) {
  account a;
  bool have_person = false;
  bool have_totp = false;
  bool first = true;
  std::size_t line_number = 0;
  while (!text.empty()) {
    const auto end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++line_number;
    const std::string where = "line " + std::to_string(line_number);
    if (first) {
      if (line != account_magic) return bad(origin, where + ": not a bodycam console account file");
      first = false;
      continue;
    }
    if (line.empty()) continue;
    const auto space = line.find(' ');
    if (space == std::string_view::npos) return bad(origin, where + ": expected '<item> <value>'");
    const std::string_view item = line.substr(0, space);
    const std::string_view value = line.substr(space + 1);
    if (item == "person") {
      if (have_person) return bad(origin, where + ": person given twice");
      if (!common::crypto::is_valid_label(value)) return bad(origin, where + ": person id is not a valid id");
      a.person = std::string(value);
      have_person = true;
    } else if (item == "totp") {
      if (have_totp) return bad(origin, where + ": totp given twice");
      auto secret = base32_decode(value);
      if (!secret || secret->size() < 10 || secret->size() > 64)
        return bad(origin, where + ": totp secret must be base32 of 10-64 bytes");
      a.totp_secret = std::move(*secret);
      have_totp = true;
    } else if (item == "sealed") {
      if (!a.sealed_key.empty()) return bad(origin, where + ": sealed given twice");
      if (value.empty() || value.size() % 2 != 0 || value.size() > 2 * tools::enrollment::max_sealed_key_bytes)
        return bad(origin, where + ": sealed key is not hex of at most 512 bytes");
      auto bytes = core::parse_hex(value, value.size() / 2, "sealed key");
      if (!bytes) return bad(origin, where + ": sealed key is not hex");
      a.sealed_key = std::move(*bytes);
    } else {
      return bad(origin, where + ": unknown item '" + std::string(item.substr(0, 32)) + "'");
    }
  }
  if (first) return bad(origin, "empty file");
  if (!have_person) return bad(origin, "no person line");
  if (a.sealed_key.empty()) return bad(origin, "no sealed line");
  return a;
}

std::string format_account(const account& a) {
  std::string out = std::string(account_magic) + "\nperson " + a.person + "\n";
  if (a.totp_secret) out += "totp " + base32_encode(*a.totp_secret) + "\n";
  out += "sealed " + core::to_hex(a.sealed_key) + "\n";
  return out;
}

core::expected<account> make_account(const std::string& person, const common::crypto::secret_key& key,
                                     core::byte_view password, std::optional<core::byte_buffer> totp_secret,
                                     tools::enrollment::pwhash_limits limits) {
  if (!common::crypto::is_valid_label(person))
    return core::fail(core::errc::invalid_argument, "make account: '" + person + "' is not a valid person id");
  auto sealed = tools::enrollment::seal_secret_key(key, person, password, limits);
  if (!sealed) return core::wrap("make account " + person, sealed.error());
  return account{person, std::move(totp_secret), std::move(*sealed)};
}

core::expected<unlocked_account> unlock_account(const account& a, core::byte_view password, std::string_view totp_code,
                                                common::record::utc_time now) {
  const auto refused = [&] {
    return core::fail(core::errc::permission, "log in " + a.person + ": wrong password or one-time code");
  };
  auto opened = tools::enrollment::open_sealed_key(a.sealed_key, password);
  if (!opened) return refused();
  if (opened->label != a.person)
    return core::fail(core::errc::permission,
                      "log in " + a.person + ": the account's sealed key belongs to '" + opened->label + "'");
  std::optional<std::uint64_t> step;
  if (a.totp_secret) {
    step = match_totp(*a.totp_secret, totp_code, now);
    if (!step) return refused();
  }
  return unlocked_account{std::move(opened->key), step};
}

}  // namespace bodycam::console::access

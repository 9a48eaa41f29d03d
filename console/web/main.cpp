// bodycam-console: the agency's web console (DESIGN.md §7, §9; docs/console.md).
//   bodycam-console --config FILE                                  serve
//   bodycam-console account add --config FILE --person ID --key K [--totp] [--password-file P]
// Adapters (store, lockout file, TLS, clock) are built here and nowhere else.
#include "common/core/durable_file.hpp"
#include "common/core/secret_file.hpp"
#include "common/crypto/key_file.hpp"
#include "common/store/s3_store_factory.hpp"
#include "console/access/account.hpp"
#include "console/web/dock_status_client.hpp"
#include "console/access/totp.hpp"
#include "console/web/catalogue_cache.hpp"
#include "console/web/console_config.hpp"
#include "console/web/console_handler.hpp"
#include "console/web/https_server.hpp"
#include "tools/verbs/footage_key_options.hpp"
#include "tools/verbs/passphrase.hpp"

#include <cstdio>
#include <filesystem>

#include <CLI/CLI.hpp>
#include <boost/asio/signal_set.hpp>
#include <sodium.h>
#include <sys/stat.h>

namespace {

namespace core = bodycam::common::core;
namespace crypto = bodycam::common::crypto;
namespace web = bodycam::console::web;
namespace access = bodycam::console::access;
namespace fs = std::filesystem;

core::expected<web::console_config> load_config(const std::string& file) {
  auto text = core::read_file(file, 1 << 20);
  if (!text) return core::wrap("read console config", text.error());
  const auto base = fs::absolute(file).parent_path().string();
  return web::parse_console_config(std::string_view(reinterpret_cast<const char*>(text->data()), text->size()), base,
                                   file);
}

core::expected<access::cookie_key> load_cookie_key(const std::string& file) {
  auto bytes = core::read_secret_file(file, "cookie key", 64);
  if (!bytes) return std::unexpected(bytes.error());
  const core::byte_view view(reinterpret_cast<const std::uint8_t*>(bytes->data()), bytes->size());
  auto key = access::make_cookie_key(view);
  sodium_memzero(bytes->data(), bytes->size());
  if (!key) return core::wrap(file, key.error());
  return key;
}


bodycam::common::record::utc_time utc_now() {
  return std::chrono::time_point_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now());
}

int fail(const core::error& e) {
  std::fprintf(stderr, "bodycam-console: %s\n", e.context.c_str());
  return 1;
}

int serve(const std::string& config_file) {
  auto config = load_config(config_file);
  if (!config) return fail(config.error());
  auto root = crypto::load_public_key(config->root_public_key);
  if (!root) return fail(root.error());
  auto cookie_key = load_cookie_key(config->cookie_key_file);
  if (!cookie_key) return fail(cookie_key.error());
  auto store = bodycam::common::store::open_configured_store(config->store, false);
  if (!store) return fail(store.error());
  std::error_code ec;
  fs::create_directories(config->state_dir, ec);
  if (ec) return fail({core::errc::io, "create state folder " + config->state_dir + ": " + ec.message()});
  auto lockout = access::lockout_store::open(fs::path(config->state_dir) / "login-failures.db");
  if (!lockout) return fail(lockout.error());
  std::shared_ptr<boost::asio::ssl::context> tls;
  if (!config->tls_certificate.empty()) {
    auto ctx = web::make_tls_context(config->tls_certificate, config->tls_key);
    if (!ctx) return fail(ctx.error());
    tls = *ctx;
  }
  // The decoy: a fresh key under a random password, sealed as `account add` seals (console_handler.hpp).
  std::array<std::uint8_t, 32> decoy_password{};
  randombytes_buf(decoy_password.data(), decoy_password.size());
  auto decoy_key = crypto::secret_key::generate();
  if (!decoy_key) return fail(decoy_key.error());
  auto decoy = access::make_account("decoy", *decoy_key, decoy_password, std::nullopt,
                                    bodycam::tools::enrollment::moderate_limits());
  if (!decoy) return fail(decoy.error());
  // The catalogue is refreshed before the console listens (catalogue_cache.hpp R1); a store that cannot be
  // catalogued now is no reason not to serve the other pages, and the first search tries again.
  web::catalogue_cache catalogue(config->catalogue_file, config->catalogue_refresh, root->key);
  if (auto refreshed = catalogue.refresh(*store, utc_now()); refreshed)
    std::printf("bodycam-console: catalogue %s: %zu session(s) written, %zu device(s) unchanged\n",
                config->catalogue_file.c_str(), refreshed->sessions_written, refreshed->devices_unchanged);
  else
    std::fprintf(stderr, "bodycam-console: catalogue %s: %s (search will retry)\n", config->catalogue_file.c_str(),
                 refreshed.error().context.c_str());
  // [footage]: the sealed key is loaded and checked now; its passphrase is read when the first encrypted file
  // is asked for, after that request's access entry (footage_key_chest.hpp C1).
  std::optional<bodycam::tools::decryption::footage_key_chest> footage_keys;
  if (!config->footage_key_file.empty()) {
    auto chest = bodycam::tools::verbs::make_footage_key_chest(
        {{config->footage_key_file}, {}, config->footage_passphrase_file});
    if (!chest) return fail(chest.error());
    footage_keys = std::move(*chest);
  }
  const auto dock_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(config->dock_timeout);
  web::console_handler handler(web::console_context{
      &*store, root->key, &*cookie_key, config->accounts_dir, &*lockout, &*decoy, config->session_length, utc_now,
      std::filesystem::path(config->state_dir) / "exports", config->dock_status_urls,
      [dock_timeout](const std::string& url) { return web::fetch_dock_status(url, dock_timeout); }, &catalogue,
      config->note_categories, footage_keys ? &*footage_keys : nullptr});
  boost::asio::io_context io;
  auto server = web::https_server::start(io, config->listen, config->limits, tls,
                                         [&](const web::web_request& r) { return handler.handle(r); });
  if (!server) return fail(server.error());
  const auto ports = (*server)->ports();
  for (std::size_t i = 0; i < ports.size(); ++i)
    std::printf("bodycam-console: listening on %s://%s:%u\n", tls ? "https" : "http", config->listen[i].host.c_str(),
                static_cast<unsigned>(ports[i]));
  std::fflush(stdout);
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) { (*server)->stop(); });
  io.run();
  return 0;
}

int add_account(const std::string& config_file, const std::string& person, const std::string& key_file, bool totp,
                const std::string& password_file) {
  auto config = load_config(config_file);
  if (!config) return fail(config.error());
  auto key = crypto::load_secret_key(key_file);
  if (!key) return fail(key.error());
  if (key->label != person)
    return fail({core::errc::invalid_argument,
                 "key " + key_file + " belongs to '" + key->label + "', not to '" + person + "'"});
  auto password = bodycam::tools::verbs::get_passphrase(password_file, true);
  if (!password) return fail(password.error());
  std::optional<core::byte_buffer> secret;
  if (totp) {
    secret = core::byte_buffer(20);
    randombytes_buf(secret->data(), secret->size());
  }
  auto account = access::make_account(person, key->key, password->view(), secret,
                                      bodycam::tools::enrollment::moderate_limits());
  if (!account) return fail(account.error());
  std::error_code ec;
  fs::create_directories(config->accounts_dir, ec);
  const auto path = fs::path(config->accounts_dir) / (person + ".account");
  const std::string text = access::format_account(*account);
  if (auto ok = core::write_file_durably(
          path, core::byte_view(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()),
          {.mode = 0600, .create_only = true});
      !ok)
    return fail(ok.error());
  std::printf("account:  %s\n", path.c_str());
  if (secret) {
    const auto b32 = access::base32_encode(*secret);
    std::printf("totp:     %s\notpauth:  otpauth://totp/bodycam:%s?secret=%s&issuer=bodycam&digits=6&period=30\n",
                b32.c_str(), person.c_str(), b32.c_str());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bodycam-console: the agency's web console (HTTPS; docs/console.md)"};
  std::string config_file;
  app.add_option("--config", config_file, "The console's configuration file (TOML)");
  auto* account = app.add_subcommand("account", "Console accounts");
  auto* add = account->add_subcommand("add", "Make a person's account: their key sealed with their password");
  std::string add_config, person, key_file, password_file;
  bool totp = false;
  add->add_option("--config", add_config, "The console's configuration file (TOML)")->required();
  add->add_option("--person", person, "The person's enrolled id")->required();
  add->add_option("--key", key_file, "The person's secret key file (bodycam keygen --id <person>)")->required();
  add->add_flag("--totp", totp, "Add a one-time-code second factor (RFC 6238, 30 s, 6 digits)");
  add->add_option("--password-file", password_file, "Read the password from this file (mode 0600) instead of the terminal");
  account->require_subcommand(1);
  CLI11_PARSE(app, argc, argv);
  if (add->parsed()) return add_account(add_config, person, key_file, totp, password_file);
  if (config_file.empty()) {
    std::fprintf(stderr, "bodycam-console: --config FILE is required\n");
    return 2;
  }
  return serve(config_file);
}

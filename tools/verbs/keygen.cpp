// bodycam keygen: make an Ed25519 identity (a device, a dock or a clerk) as <out>/<id>.key + <id>.pub.
#include "common/crypto/key_file.hpp"
#include "tools/verbs/output_path.hpp"
#include "tools/verbs/verb.hpp"

#include <cstdio>
#include <filesystem>

namespace bodycam::tools::verbs {

using namespace bodycam::common;

void add_keygen(CLI::App& app, run_result& result) {
  auto* cmd = app.add_subcommand("keygen", "Create a key pair: <out>/<id>.key (mode 0600) and <out>/<id>.pub");
  auto id = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>(".");
  cmd->add_option("--id", *id, "Identity the key belongs to: a device id, dock id or clerk id")->required();
  cmd->add_option("--out", *out, "Directory to write the key files into")->capture_default_str();
  cmd->callback([id, out, &result] {
    if (!crypto::is_valid_label(*id)) {
      std::fprintf(stderr, "bodycam keygen: id '%s': use 1-64 characters of A-Z a-z 0-9 . _ -\n", id->c_str());
      result.exit_code = exit_cannot;
      return;
    }
    // A key enters a store only through the store (bodycam enroll, a clerk's first register entry).
    if (auto ok = check_outside_stores(*out, "--out"); !ok) {
      std::fprintf(stderr, "bodycam keygen: %s\n", ok.error().context.c_str());
      result.exit_code = exit_cannot;
      return;
    }
    std::error_code ec;
    std::filesystem::create_directories(*out, ec);
    auto key = crypto::secret_key::generate();
    if (!key) {
      std::fprintf(stderr, "bodycam keygen: %s\n", key.error().context.c_str());
      result.exit_code = exit_cannot;
      return;
    }
    const auto stem = std::filesystem::path(*out) / *id;
    if (auto ok = crypto::write_key_pair(stem, *id, *key); !ok) {
      std::fprintf(stderr, "bodycam keygen: %s\n", ok.error().context.c_str());
      result.exit_code = exit_cannot;
      return;
    }
    std::printf("secret key:  %s.key (mode 0600; keep it on the device)\npublic key:  %s.pub\n"
                "fingerprint: %s\n",
                stem.c_str(), stem.c_str(), key->public_key().fingerprint().to_hex().c_str());
    result.exit_code = 0;
  });
}

}  // namespace bodycam::tools::verbs

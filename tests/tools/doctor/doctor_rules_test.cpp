// The pure side of `bodycam doctor`: exit codes from the worst severity, rules that no fixture on disk can
// reach (a store engine that overwrites), and the text and JSON reports.
#include "tools/doctor/dock_rules.hpp"
#include "tools/doctor/report.hpp"
#include "tools/doctor/shared_rules.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

namespace {

namespace doctor = bodycam::tools::doctor;
using doctor::severity;

}  // namespace

TEST_CASE("exit code is the worst severity") {
  std::vector<doctor::finding> f;
  CHECK(doctor::exit_code_of(f) == 0);
  f.push_back({severity::ok, "a", "fine", "", ""});
  CHECK(doctor::exit_code_of(f) == 0);
  f.push_back({severity::warning, "b", "meh", "", "do x"});
  CHECK(doctor::exit_code_of(f) == 1);
  f.push_back({severity::problem, "c", "bad", "", "do y"});
  f.push_back({severity::warning, "d", "meh", "", "do z"});
  CHECK(doctor::exit_code_of(f) == 2);
}

TEST_CASE("store_overwrites_existing_key: an engine that lets a create replace a key is a problem") {
  for (auto probe : {doctor::write_once_probe::overwritten, doctor::write_once_probe::accepted}) {
    doctor::store_facts store;
    store.root = "/srv/store";
    store.exists = store.opened = true;
    store.probe = probe;
    store.probe_key = "keys/cam-1.pub";
    std::vector<doctor::finding> out;
    doctor::check_store(store, out);
    const auto bad = std::count_if(out.begin(), out.end(), [](const doctor::finding& f) {
      return f.level == severity::problem && f.check == "store_write_once" &&
             f.what.find("keys/cam-1.pub") != std::string::npos && !f.fix.empty();
    });
    CHECK(bad == 1);
  }
}

TEST_CASE("store_unwritable_by_dock: a folder the dock cannot add to is a problem") {
  doctor::store_facts store;
  store.root = "/srv/store";
  store.exists = store.opened = true;
  store.unwritable_folders = {"/srv/store/objects/sha256"};
  std::vector<doctor::finding> out;
  doctor::check_store(store, out);
  CHECK(doctor::exit_code_of(out) == 2);
}

TEST_CASE("every finding that is not ok carries a fix, in the text report too") {
  const std::vector<doctor::finding> f{
      {severity::ok, "config", "the configuration loads", "/etc/r.toml", ""},
      {severity::problem, "key_file", "the device key has mode 0640", "/k", "chmod 600 /k"},
  };
  const auto text = doctor::render_text("camera", "/etc/r.toml", f);
  CHECK(text.find("ok      config: the configuration loads [/etc/r.toml]\n") != std::string::npos);
  CHECK(text.find("problem key_file: the device key has mode 0640 [/k]; fix: chmod 600 /k\n") != std::string::npos);
  CHECK(text.find("1 problem(s), 0 warning(s)") != std::string::npos);
}

TEST_CASE("--json report: verdict, exit code and every finding") {
  const std::vector<doctor::finding> f{
      {severity::ok, "config", "loads", "/etc/d.toml", ""},
      {severity::warning, "clock", "not synchronized", "", "timedatectl set-ntp true"},
  };
  const auto doc = nlohmann::json::parse(doctor::render_json("dock", "/etc/d.toml", f));
  CHECK(doc.at("target") == "dock");
  CHECK(doc.at("config") == "/etc/d.toml");
  CHECK(doc.at("result") == "warning");
  CHECK(doc.at("exit_code") == 1);
  REQUIRE(doc.at("findings").size() == 2);
  CHECK(doc.at("findings")[1].at("severity") == "warning");
  CHECK(doc.at("findings")[1].at("fix") == "timedatectl set-ntp true");
}

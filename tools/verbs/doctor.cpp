// bodycam doctor: field diagnosis of a camera or a dock (docs/operations.md "Diagnosing a camera or a dock").
//   bodycam doctor camera --config recorder.toml [--store STORE] [--json]
//   bodycam doctor dock --config dockd.toml [--shift-minutes N] [--camera-kbps N] [--json]
// Prints one line per finding, in plain words with the fix. Exit 0 all ok, 1 warnings only, 2 problems;
// 64 when the command line is not understood. Reads only, except the store's own create-only probe (tools/doctor/file_probe.hpp).
#include "firmware/records/time_source.hpp"
#include "tools/doctor/camera_probe.hpp"
#include "tools/doctor/camera_rules.hpp"
#include "tools/doctor/dock_probe.hpp"
#include "tools/doctor/dock_rules.hpp"
#include "tools/doctor/file_probe.hpp"
#include "tools/doctor/report.hpp"
#include "tools/verbs/verb.hpp"

#include <chrono>
#include <cstdio>
#include <memory>

namespace bodycam::tools::verbs {

namespace {

struct doctor_args {
  std::string config;
  std::string store;
  bool json = false;
  int shift_minutes = 600;
  int camera_kbps = 2564;
};

doctor::probe_time now() {
  return {std::chrono::time_point_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now()),
          firmware::records::firmware_build_date()};
}

int print(std::string_view target, const doctor_args& args, const std::vector<doctor::finding>& findings) {
  const std::string out = args.json ? doctor::render_json(target, args.config, findings)
                                    : doctor::render_text(target, args.config, findings);
  std::fputs(out.c_str(), stdout);
  return doctor::exit_code_of(findings);
}

int run_camera(const doctor_args& args) {
  doctor::camera_request request;
  request.config = args.config;
  if (!args.store.empty()) request.store = args.store;
  return print("camera", args, doctor::evaluate_camera(doctor::gather_camera_facts(request, now())));
}

int run_dock(const doctor_args& args) {
  doctor::dock_request request;
  request.config = args.config;
  request.shift = std::chrono::minutes(args.shift_minutes);
  request.camera_bitrate_kbps = args.camera_kbps;
  return print("dock", args, doctor::evaluate_dock(doctor::gather_dock_facts(request, now())));
}

}  // namespace

void add_doctor(CLI::App& app, run_result& result) {
  auto* cmd = app.add_subcommand(
      "doctor",
      "Diagnose a camera or a dock: config, key files and enrollment, directories, clock, free space, battery "
      "and device nodes, the store's write-once behaviour, enrolled peers. One line per finding with its fix. "
      "Exit 0 all ok, 1 warnings, 2 problems, 64 the command line was not understood");
  cmd->require_subcommand(1);
  auto args = std::make_shared<doctor_args>();

  auto* camera = cmd->add_subcommand(
      "camera", "Check a camera from its recorder.toml (run it on the camera, as the recorder's user)");
  camera->add_option("--config", args->config, "The recorder's configuration file")->required();
  camera->add_option("--store", args->store,
                     "Also compare the device key with the one enrolled in this store (keys/<device>.pub)");
  camera->add_flag("--json", args->json, "Print the findings as JSON");
  camera->callback([args, &result] { result.exit_code = run_camera(*args); });

  auto* dock = cmd->add_subcommand("dock", "Check a dock from its dockd.toml (run it on the dock, as the dock's user)");
  dock->add_option("--config", args->config, "The dock's configuration file")->required();
  dock->add_option("--shift-minutes", args->shift_minutes,
                   "The store must hold one shift this long of every configured camera")
      ->check(CLI::Range(1, 1440))
      ->capture_default_str();
  dock->add_option("--camera-kbps", args->camera_kbps, "Recording bit rate of one camera (video + audio), kbit/s")
      ->check(CLI::Range(100, 50400))
      ->capture_default_str();
  dock->add_flag("--json", args->json, "Print the findings as JSON");
  dock->callback([args, &result] { result.exit_code = run_dock(*args); });
}

}  // namespace bodycam::tools::verbs

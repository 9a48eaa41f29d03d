// bodycam simulate: the simulated shift on this machine (the main job).
// Several cameras (real bodycam-recorder processes with a synthetic source and espeak-ng statements as their
// microphone) record a shift; one loses power in the middle of its session and recovers; the officers stop
// with a reason; the cameras dock; bodycam-dockd pulls, verifies and stores everything and hands out
// receipts; then `bodycam audit` and `bodycam verify` report every session, gap and reason. The store is left
// in DIR/store and the reports in DIR/reports (tools/shift/ has the plan and the runner).
// Exit code: the audit's (0 authentic, 1 authentic with documented gaps, 2 not authentic, 3 cannot verify);
// 3 too when the shift itself could not run (a program missing, a camera that did not come up, ...).
#include "tools/shift/shift_runner.hpp"
#include "tools/verbs/output_path.hpp"
#include "tools/verbs/verb.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

namespace bodycam::tools::verbs {

namespace fs = std::filesystem;

namespace {

struct simulate_args {
  std::string out;
  unsigned cameras = 3;
  unsigned minutes = 2;
  std::string resolution = "1280x720";
  unsigned fps = 30;
  unsigned segment_seconds = 60;
};

// "1280x720" → width and height; anything else is a usage error naming the option.
bool parse_resolution(const std::string& text, shift::video_settings& video) {
  unsigned width = 0;
  unsigned height = 0;
  char tail = 0;
  if (std::sscanf(text.c_str(), "%ux%u%c", &width, &height, &tail) != 2) return false;
  video.width = width;
  video.height = height;
  return true;
}

// The folder this `bodycam` runs from: bodycam-recorder and bodycam-dockd are built (and installed) beside it.
fs::path programs_dir() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::current_path() : self.parent_path();
}

int run_simulate(const simulate_args& args) {
  if (args.minutes < 1 || args.minutes > 60) {
    std::fprintf(stderr, "bodycam simulate: --minutes must be between 1 and 60\n");
    return exit_cannot;
  }
  shift::shift_setup setup;
  if (!parse_resolution(args.resolution, setup.video)) {
    std::fprintf(stderr, "bodycam simulate: --resolution takes WIDTHxHEIGHT, e.g. 1280x720; got '%s'\n",
                 args.resolution.c_str());
    return exit_cannot;
  }
  setup.video.fps = args.fps;
  setup.video.segment_seconds = args.segment_seconds;
  // Bits per pixel as at the default (2.5 Mbit/s for 1280x720 at 30 fps), at least 200 kbit/s.
  const double pixels_per_second = double(setup.video.width) * setup.video.height * setup.video.fps;
  setup.video.bitrate_kbps = std::max<std::uint32_t>(200, static_cast<std::uint32_t>(pixels_per_second * 2500.0 /
                                                                                      (1280.0 * 720.0 * 30.0)));
  if (auto ok = shift::validate_video(setup.video); !ok) {
    std::fprintf(stderr, "bodycam simulate: %s\n", ok.error().context.c_str());
    return exit_cannot;
  }
  if (auto ok = check_outside_stores(args.out, "--out"); !ok) {
    std::fprintf(stderr, "bodycam simulate: %s\n", ok.error().context.c_str());
    return exit_cannot;
  }
  setup.out = args.out;
  setup.programs_dir = programs_dir();
  setup.options.cameras = args.cameras;
  setup.options.recording = std::chrono::minutes(args.minutes);
  auto outcome = shift::run_shift(setup);
  if (!outcome) {
    std::fprintf(stderr, "bodycam simulate: %s\n", outcome.error().context.c_str());
    return exit_cannot;
  }
  std::printf("store:   %s\nreports: %s\n", outcome->store.c_str(), outcome->reports.c_str());
  std::printf("clerk:   %s (enrolled as clerk; bodycam export --clerk-key it); supervisor: %s\n"
              "root:    %s (bodycam audit %s --root it)\n",
              outcome->clerk_key.c_str(), outcome->supervisor_key.c_str(), outcome->root_key.c_str(),
              outcome->store.c_str());
  std::printf("audit:   exit %d (0 authentic, 1 authentic with documented gaps); read %s/audit.txt or open %s/audit.html\n",
              outcome->audit_exit, outcome->reports.c_str(), outcome->reports.c_str());
  return outcome->audit_exit;
}

}  // namespace

void add_simulate(CLI::App& app, run_result& result) {
  auto* cmd = app.add_subcommand(
      "simulate", "Run a simulated shift (cameras, a power loss, docking, upload, audit); leaves DIR/store and DIR/reports");
  auto args = std::make_shared<simulate_args>();
  cmd->add_option("--out", args->out, "Directory for the simulation (must not hold one already)")->required();
  cmd->add_option("--cameras", args->cameras, "Number of cameras (1-8)")->capture_default_str();
  cmd->add_option("--minutes", args->minutes, "Minutes each camera records (1-60)")->capture_default_str();
  cmd->add_option("--resolution", args->resolution, "Frame size of every camera, WIDTHxHEIGHT")->capture_default_str();
  cmd->add_option("--fps", args->fps, "Frames per second (1-60)")->capture_default_str();
  cmd->add_option("--segment-seconds", args->segment_seconds, "Length of a segment file (2-600)")
      ->capture_default_str();
  cmd->callback([args, &result] { result.exit_code = run_simulate(*args); });
}

}  // namespace bodycam::tools::verbs

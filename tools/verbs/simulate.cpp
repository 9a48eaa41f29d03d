// bodycam simulate: the shift demo on this machine (DESIGN.md §7).
// Current scope (foundation): each simulated camera gets a device key and a real ledger holding a signed
// shift — boot, pre-shift check, session start with its statement, one segment record per minute, stop —
// whose records are then put into a directory store through common/store and verified from there;
// reports go to <out>/reports. There is no media yet: the recorder and the dock
// replace this with camera processes, footage and a docking station.
#include "common/chain/append.hpp"
#include "common/chain/report_json.hpp"
#include "common/core/durable_file.hpp"
#include "common/crypto/key_file.hpp"
#include "common/ledger/ledger.hpp"
#include "common/store/directory_backend.hpp"
#include "common/store/record_inputs.hpp"
#include "tools/verbs/record_source.hpp"
#include "tools/verbs/verb.hpp"

#include <cstdio>
#include <filesystem>

namespace bodycam::tools::verbs {

namespace fs = std::filesystem;
using namespace bodycam::common;

namespace {

struct simulate_args {
  std::string out;
  int cameras = 3;
  int minutes = 5;
};

core::byte_view text_bytes(const std::string& s) {
  return core::byte_view(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}

class demo_camera {
 public:
  demo_camera(record::device_id device, crypto::secret_key key, ledger::ledger ledger)
      : device_(std::move(device)), signer_(std::move(key)), ledger_(std::move(ledger)) {}

  core::status append(record::payload body) {
    const auto now = std::chrono::system_clock::now();
    monotonic_ += std::chrono::seconds(1);
    record::record draft;
    draft.device = device_;
    draft.boot_counter = boot_counter_;
    draft.monotonic = monotonic_;
    draft.utc = {std::chrono::time_point_cast<std::chrono::nanoseconds>(now), record::utc_source::rtc_only,
                 std::chrono::milliseconds(0), std::chrono::seconds(2)};
    draft.body = std::move(body);
    auto stored = ledger_.append_record([&](const ledger::chain_head& head) -> core::expected<ledger::new_record> {
      auto signed_record = chain::append_to_chain(draft, {head.next_seq, head.last_hash}, signer_);
      if (!signed_record) return std::unexpected(signed_record.error());
      return ledger::new_record{signed_record->body.seq, static_cast<std::uint16_t>(signed_record->body.kind()),
                                std::move(signed_record->bytes)};
    });
    if (!stored) return std::unexpected(stored.error());
    return {};
  }

  core::status run_shift(int minutes) {
    auto boot = ledger_.next_boot_counter();
    if (!boot) return std::unexpected(boot.error());
    boot_counter_ = static_cast<std::uint32_t>(*boot);
    if (auto ok = append(record::boot_payload{"0.1.0-demo", record::shutdown_kind::first_boot}); !ok) return ok;
    if (auto ok = append(record::precheck_payload{record::precheck_outcome::passed, std::chrono::minutes(480),
                                                  {{"battery", record::check_status::ok, "demo: 95%"},
                                                   {"storage", record::check_status::ok, "demo: 58 GiB free"},
                                                   {"clock", record::check_status::ok, "demo: rtc set"}}});
        !ok)
      return ok;
    record::session_id session;  // derived from the device id so the demo is reproducible
    const auto session_hash = crypto::sha256(device_.str() + "-session-1");
    std::copy_n(session_hash.bytes.begin(), session.bytes.size(), session.bytes.begin());
    if (auto ok = append(record::session_start_payload{session, "officer-demo", record::start_trigger::button,
                                                       std::chrono::seconds(30)});
        !ok)
      return ok;
    for (int m = 0; m < minutes; ++m) {
      record::segment_payload s;
      s.session = session;
      s.index = static_cast<std::uint32_t>(m);
      s.file_name = session.to_hex() + "-" + std::to_string(m) + ".mp4";
      s.file_sha256 = crypto::sha256(s.file_name);  // demo: no media file yet
      s.fragment_count = 60;
      s.closed_by = m + 1 == minutes ? record::close_reason::stop : record::close_reason::rollover;
      if (auto ok = append(std::move(s)); !ok) return ok;
    }
    return append(record::session_stop_payload{session, record::stop_reason::officer_end, "end of demo shift",
                                               static_cast<std::uint32_t>(minutes)});
  }

 private:
  record::device_id device_;
  crypto::software_signer signer_;
  ledger::ledger ledger_;
  std::uint32_t boot_counter_ = 0;
  std::chrono::nanoseconds monotonic_{0};
};

int fail_with(const std::string& message) {
  std::fprintf(stderr, "bodycam simulate: %s\n", message.c_str());
  return exit_cannot;
}

int run_simulate(const simulate_args& args) {
  if (args.cameras < 1 || args.cameras > 64) return fail_with("--cameras must be between 1 and 64");
  if (args.minutes < 1 || args.minutes > 24 * 60) return fail_with("--minutes must be between 1 and 1440");
  const fs::path out(args.out);
  const fs::path store = out / "store";
  const fs::path reports = out / "reports";
  std::error_code ec;
  for (const auto& dir : {out / "keys", out / "cameras", reports}) {
    fs::create_directories(dir, ec);
    if (ec) return fail_with("create " + dir.string() + ": " + ec.message());
  }
  auto evidence_store = store::open_directory_store(store, true);
  if (!evidence_store) return fail_with(evidence_store.error().context);
  int worst = 0;
  for (int i = 1; i <= args.cameras; ++i) {
    char id_text[32];
    std::snprintf(id_text, sizeof id_text, "cam-%04d", i);
    const std::string id = id_text;
    if (fs::exists(out / "cameras" / id)) return fail_with(out.string() + " already holds a simulation; use a new --out");
    auto key = crypto::secret_key::generate();
    if (!key) return fail_with(key.error().context);
    if (auto ok = crypto::write_key_pair(out / "keys" / id, id, *key); !ok) return fail_with(ok.error().context);
    const auto public_key = key->public_key();
    if (auto ok = evidence_store->put_public_key({id, public_key}); !ok) return fail_with(ok.error().context);

    fs::create_directories(out / "cameras" / id, ec);
    const fs::path ledger_path = out / "cameras" / id / "ledger.db";
    ledger::open_options ledger_options;
    ledger_options.create_if_missing = true;
    auto ledger = ledger::open(ledger_path, ledger_options);
    if (!ledger) return fail_with(ledger.error().context);
    if (auto ok = ledger->set_device_id(id); !ok) return fail_with(ok.error().context);
    demo_camera camera(record::device_id::parse(id).value(), std::move(*key), std::move(*ledger));
    if (auto ok = camera.run_shift(args.minutes); !ok) return fail_with(ok.error().context);

    // Take the records into the store (common/store files each at records/<device>/<seq>, write-once).
    auto records = read_ledger_records(ledger_path);
    if (!records) return fail_with(records.error().context);
    for (const auto& r : records->records)
      if (auto ok = evidence_store->put_record(core::byte_view(r.bytes)); !ok) return fail_with(ok.error().context);

    auto stored = store::read_record_inputs(*evidence_store, record::device_id::parse(id).value());
    if (!stored) return fail_with(stored.error().context);
    const chain::verify_options options{record::device_id::parse(id).value(), public_key, true, std::nullopt};
    const auto report = chain::verify_chain(*stored, options);
    const std::string text = chain::report_to_text(report, options);
    const std::string json = chain::report_to_json(report, options).dump(2);
    if (auto ok = core::write_file_durably(reports / (id + ".txt"), text_bytes(text)); !ok)
      return fail_with(ok.error().context);
    if (auto ok = core::write_file_durably(reports / (id + ".json"), text_bytes(json)); !ok)
      return fail_with(ok.error().context);
    std::printf("%s: %zu records, %s\n", id.c_str(), report.records.size(),
                std::string(chain::to_string(report.result)).c_str());
    worst = std::max(worst, chain::exit_code(report.result));
  }
  std::printf("store:   %s\nreports: %s\n", fs::absolute(store).c_str(), fs::absolute(reports).c_str());
  return worst;
}

}  // namespace

void add_simulate(CLI::App& app, run_result& result) {
  auto* cmd = app.add_subcommand("simulate", "Run the simulated shift demo; leaves DIR/store and DIR/reports");
  auto args = std::make_shared<simulate_args>();
  cmd->add_option("--out", args->out, "Directory for the simulation (must not hold one already)")->required();
  cmd->add_option("--cameras", args->cameras, "Number of cameras")->capture_default_str();
  cmd->add_option("--minutes", args->minutes, "Minutes of recording per camera")->capture_default_str();
  cmd->callback([args, &result] { result.exit_code = run_simulate(*args); });
}

}  // namespace bodycam::tools::verbs

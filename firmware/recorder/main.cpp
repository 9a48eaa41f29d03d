// bodycam-recorder --config FILE: the camera daemon (DESIGN.md §4, §7).
// Boot: load the configuration and the device key, open the ledger, append `boot` (with how the last run
// ended) and `config`, open the media pipeline (buffering: the pre-event ring fills), then serve the control
// socket until SIGTERM/SIGINT, which ends any session (reason shutdown) and seals its segment.
// Exit codes: 0 clean shutdown, 1 a runtime fault (pipeline or ledger), 2 bad configuration or setup.
#include "common/core/durable_file.hpp"
#include "common/core/posix_file_system.hpp"
#include "common/core/service_notify.hpp"
#include "common/crypto/footage_key_file.hpp"
#include "common/crypto/key_file.hpp"
#include "common/crypto/sha256.hpp"
#include "common/sqlite/port_vfs.hpp"
#include "firmware/config/config_loader.hpp"
#include "firmware/control/control_server.hpp"
#include "firmware/control/recorder_commands.hpp"
#include "firmware/media/posix_segment_storage.hpp"
#include "firmware/offload/offload_server.hpp"
#include "firmware/offload/space_reclaimer.hpp"
#include "firmware/recorder/boot_recovery.hpp"
#include "firmware/recorder/recorder_place.hpp"
#include "firmware/recorder/recorder_service.hpp"
#include "firmware/session/alsa_feedback.hpp"
#include "firmware/session/evdev_buttons.hpp"
#ifdef BODYCAM_HAS_GPSD
#include "firmware/place/gpsd_place_source.hpp"
#endif

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

namespace fs = std::filesystem;
using namespace bodycam::common;
using namespace bodycam::firmware;

namespace {

constexpr const char* firmware_version = "0.1.0";

int setup_error(const std::string& message) {
  std::fprintf(stderr, "bodycam-recorder: %s\n", message.c_str());
  return 2;
}

// How the previous run ended: a clean shutdown leaves a marker next to the ledger, removed at boot.
record::shutdown_kind take_shutdown_marker(const fs::path& marker, bool first_boot) {
  if (first_boot) return record::shutdown_kind::first_boot;
  if (::unlink(marker.c_str()) == 0) {
    (void)core::fsync_directory(marker.parent_path());
    return record::shutdown_kind::clean;
  }
  return record::shutdown_kind::unclean;
}

std::string config_summary(const config::recorder_config& c) {
  const auto seconds = [](std::chrono::milliseconds d) { return std::to_string(d.count() / 1000) + "s"; };
  return "source=" + std::string(media::to_string(c.source.kind)) + " encoder=" + c.encoder.video_encoder + " " +
         std::to_string(c.encoder.width) + "x" + std::to_string(c.encoder.height) + "@" +
         std::to_string(c.encoder.fps) + " gop=" + seconds(c.encoder.gop) + " segment=" + seconds(c.segment.duration) +
         " pre_event=" + seconds(c.pre_event.duration) + " osd=" + (c.osd.enabled ? "on" : "off");
}

std::unique_ptr<session::feedback_port> make_feedback(const config::feedback_config& f) {
  auto fan = std::make_unique<session::feedback_fanout>();
  if (!f.log_file.empty()) fan->add(std::make_unique<session::log_feedback>(f.log_file));
  if (!f.leds_dir.empty()) fan->add(std::make_unique<session::sysfs_led_feedback>(f.leds_dir, f.alarm_led, f.prompt_led));
  if (!f.alsa_device.empty()) {  // a bad prompt file is reported and the adapter left out; recording goes on
    session::audio_output output;  // libavdevice's "alsa" muxer, tones at 48 kHz
    output.device = f.alsa_device;
    auto alsa = session::alsa_feedback::make(output, f.prompt_file);
    if (alsa) fan->add(std::move(*alsa));
    else std::fprintf(stderr, "bodycam-recorder: feedback: %s\n", alsa.error().context.c_str());
  }
  return fan;
}

// [place] source: gpsd when built with libgps (cmake BODYCAM_GPSD), else refused; none needs no source.
core::expected<std::unique_ptr<place::place_source>> make_place_source(const place::place_settings& s) {
  if (s.source == place::place_source_kind::none) return std::make_unique<place::null_place_source>();
#ifdef BODYCAM_HAS_GPSD
  return std::make_unique<place::gpsd_place_source>(s);
#else
  return core::fail(core::errc::unsupported, "place.source = \"gpsd\": this build has no gpsd support (libgps)");
#endif
}

std::optional<session::statement_settings> statement_settings_from(const config::annotation_config& a) {
  if (a.kind == config::annotation_source_kind::none) return std::nullopt;
  session::statement_settings s;
  if (a.kind == config::annotation_source_kind::alsa)
    s.source = media::input_config{media::input_kind::alsa, a.device, {}, false, media::input_end::finish};
  else
    // A file stands in for the microphone: played at media speed, as a microphone delivers.
    s.source = media::input_config{media::input_kind::file, a.file_path, {}, true, media::input_end::finish};
  s.max_duration = std::chrono::duration_cast<std::chrono::milliseconds>(a.max_duration);
  s.trailing_silence = std::chrono::milliseconds(a.trailing_silence_ms);
  return s;
}

int run(const std::string& config_path) {
  auto config = config::load_recorder_config(config_path);
  if (!config) return setup_error(config.error().context);
  const auto& c = *config;

  auto key = crypto::load_secret_key(c.device.key_file);
  if (!key) return setup_error(key.error().context);
  if (key->label != c.device.id.str())
    return setup_error("key file " + c.device.key_file + " belongs to '" + key->label + "', but device.id is '" +
                       c.device.id.str() + "'");
  const crypto::public_key device_key = key->key.public_key();
  // [offload]: the link identity is derived from the device key before the signer takes it.
  auto link_identity = link::link_identity::from_secret_key(key->key);
  if (!link_identity) return setup_error(link_identity.error().context);
  crypto::software_signer signer(std::move(key->key));

  std::error_code ec;
  fs::create_directories(c.device.recording_dir, ec);
  if (ec) return setup_error("create recording directory " + c.device.recording_dir + ": " + ec.message());
  fs::create_directories(fs::path(c.device.ledger).parent_path(), ec);
  // The ledger's I/O goes through the file-system port (the path the power-cut tests simulate); the VFS
  // outlives the writer below, which holds the only connection.
  core::posix_file_system ledger_files;
  auto ledger_vfs = sqlite::port_vfs::create("bodycam-ledger", ledger_files);
  if (!ledger_vfs) return setup_error(ledger_vfs.error().context);
  ledger::open_options ledger_options;
  ledger_options.create_if_missing = true;
  ledger_options.vfs = (*ledger_vfs)->name();
  auto opened = ledger::open(c.device.ledger, ledger_options);
  if (!opened) return setup_error(opened.error().context);
  if (auto ok = opened->set_device_id(c.device.id.str()); !ok) return setup_error(ok.error().context);

  records::system_time_source clock(records::firmware_build_date());
  records::chain_writer writer(c.device.id, std::move(*opened), signer, clock);
  auto boot = writer.begin_boot();
  if (!boot) return setup_error(boot.error().context);
  const fs::path marker = c.device.ledger + ".clean-shutdown";
  const auto previous = take_shutdown_marker(marker, *boot == 1);
  if (auto ok = writer.append(record::boot_payload{firmware_version, previous}); !ok)
    return setup_error(ok.error().context);
  auto config_bytes = core::read_file(config_path, 1 << 20);
  if (!config_bytes) return setup_error(config_bytes.error().context);
  if (auto ok = writer.append(record::config_payload{crypto::sha256(*config_bytes), config_summary(c)}); !ok)
    return setup_error(ok.error().context);

  // Power loss and crashes: salvage .partial segments, explain the gap, find a session to resume.
  auto recovered = recorder::run_boot_recovery(writer, c.device.recording_dir, previous == record::shutdown_kind::unclean);
  if (!recovered) return setup_error("recovery: " + recovered.error().context);

  // [footage]: public keys only; a camera never holds a secret footage key.
  std::vector<crypto::footage_public_key> footage_recipients;
  for (const std::string& file : {c.footage.public_key_file, c.footage.escrow_key_file}) {
    if (file.empty()) continue;
    auto loaded = crypto::load_footage_public_key(file);
    if (!loaded) return setup_error("footage key: " + loaded.error().context);
    footage_recipients.push_back(loaded->key);
  }
  recorder::ledger_sink sink(writer);
  media::posix_segment_storage storage;
  auto media_settings = config::pipeline_settings(c);
  media_settings.encryption.recipients = footage_recipients;
  auto pipeline = media::recording_pipeline::open(media_settings, sink, storage);
  if (!pipeline) {
    record::interruption_payload fault;
    fault.reason = record::interruption_reason::pipeline_fault;
    fault.from = fault.to = clock.utc().time;
    fault.detail = "pipeline did not open: " + pipeline.error().context;
    (void)writer.append(std::move(fault));
    return setup_error(pipeline.error().context);
  }
  (*pipeline)->set_clock_synced(clock.utc().source == record::utc_source::dock_sync);

  // [place]: the position in the session's records and on the OSD; never blocks recording.
  auto place_source = make_place_source(c.place);
  if (!place_source) return setup_error(place_source.error().context);
  std::unique_ptr<recorder::recorder_place> place;
  if (c.place.source != place::place_source_kind::none) {
    place = std::make_unique<recorder::recorder_place>(
        writer, **place_source, c.place, [&pipeline](const std::string& text) { (*pipeline)->set_place_text(text); });
    place->attach();
  }

  auto feedback = make_feedback(c.feedback);
  recorder::service_options options;
  options.officer_id = c.device.officer_id;
  options.actions = c.session.actions;
  options.pre_event = std::chrono::duration_cast<std::chrono::milliseconds>(c.pre_event.duration);
  options.recording_dir = c.device.recording_dir;
  options.probe = recorder::probe_settings_from(c, records::firmware_build_date());
  options.thresholds = recorder::thresholds_from(c);
  options.device_key = device_key;
  options.statement = statement_settings_from(c.annotation);
  options.footage_recipients = footage_recipients;
  options.poll_interval = std::chrono::duration_cast<std::chrono::milliseconds>(c.checks.poll_interval);
  options.resume_window = std::chrono::duration_cast<std::chrono::milliseconds>(c.checks.resume_window);
  // Space runs short while recording: free receipt-covered files, oldest first, each freed only after its
  // `reclaim` record (firmware/offload/space_reclaimer.hpp); nothing reclaimable → the session stops with
  // storage_full rather than overwrite anything.
  bodycam::firmware::offload::space_reclaimer reclaimer(writer, c.device.recording_dir);
  options.reclaim = [&reclaimer](std::uint64_t bytes_wanted) { return reclaimer.reclaim_space(bytes_wanted); };
  recorder::recorder_service service(writer, sink, **pipeline, *feedback, std::move(options));
  if (auto ok = service.finish_recovery(recovered->open, recovered->resumable); !ok)
    std::fprintf(stderr, "bodycam-recorder: resume: %s\n", ok.error().context.c_str());
  boost::asio::io_context io;
  control::command_parser parser(static_cast<std::size_t>(c.control.max_line_bytes));
  if (auto ok = control::add_recorder_commands(parser); !ok) return setup_error(ok.error().context);
  if (auto ok = control::add_session_commands(parser); !ok) return setup_error(ok.error().context);
  if (auto ok = control::add_field_commands(parser); !ok) return setup_error(ok.error().context);
  control::server_options server_options;
  server_options.socket_path = c.control.socket_path;
  server_options.max_clients = static_cast<std::size_t>(c.control.max_clients);
  server_options.idle_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(c.control.idle_timeout);
  fs::create_directories(fs::path(c.control.socket_path).parent_path(), ec);
  auto server = control::control_server::open(io, server_options, parser, service);
  if (!server) return setup_error(server.error().context);

  std::unique_ptr<session::evdev_buttons> buttons;
  if (!c.buttons.device.empty()) {
    auto opened_buttons = session::evdev_buttons::open(io, c.buttons.device, static_cast<std::uint16_t>(c.buttons.record_key),
                                                       [&service] {
                                                         auto r = service.button(control::button_command{});
                                                         if (!r) std::fprintf(stderr, "bodycam-recorder: button: %s\n",
                                                                              r.error().context.c_str());
                                                       });
    // A missing button device is logged; the control socket still works.
    if (!opened_buttons)
      std::fprintf(stderr, "bodycam-recorder: %s\n", opened_buttons.error().context.c_str());
    else
      buttons = std::move(*opened_buttons);
  }
  // The mark button (buttons.mark_key): an important moment in the open session, no label.
  std::unique_ptr<session::evdev_buttons> mark_button;
  if (!c.buttons.device.empty() && c.buttons.mark_key != 0) {
    auto opened_mark = session::evdev_buttons::open(io, c.buttons.device, static_cast<std::uint16_t>(c.buttons.mark_key),
                                               [&service] {
                                                 auto r = service.mark(control::mark_command{});
                                                 if (!r) std::fprintf(stderr, "bodycam-recorder: mark button: %s\n",
                                                                      r.error().context.c_str());
                                               });
    if (!opened_mark)
      std::fprintf(stderr, "bodycam-recorder: %s\n", opened_mark.error().context.c_str());
    else
      mark_button = std::move(*opened_mark);
  }
  // The photo button (buttons.photo_key): a still of the live video in the open session.
  std::unique_ptr<session::evdev_buttons> photo_button;
  if (!c.buttons.device.empty() && c.buttons.photo_key != 0) {
    auto opened_photo = session::evdev_buttons::open(io, c.buttons.device,
                                                     static_cast<std::uint16_t>(c.buttons.photo_key), [&service] {
                                                       auto r = service.photo(control::photo_command{});
                                                       if (!r)
                                                         std::fprintf(stderr, "bodycam-recorder: photo button: %s\n",
                                                                      r.error().context.c_str());
                                                     });
    if (!opened_photo)
      std::fprintf(stderr, "bodycam-recorder: %s\n", opened_photo.error().context.c_str());
    else
      photo_button = std::move(*opened_photo);
  }

  // [offload]: the offload service docks connect to (firmware/offload).
  std::unique_ptr<bodycam::firmware::offload::offload_handler> offload_handler;
  std::unique_ptr<bodycam::firmware::offload::offload_server> offload_server;
  if (c.offload.enabled) {
    auto docks = link::key_directory::load(c.offload.trusted_docks_dir);
    if (!docks) return setup_error(docks.error().context);
    offload_handler = std::make_unique<bodycam::firmware::offload::offload_handler>(
        writer, signer, c.device.recording_dir, std::move(*docks), [&c] {
          std::error_code space_ec;
          const auto space = fs::space(c.device.recording_dir, space_ec);
          return bodycam::firmware::offload::camera_state{bodycam::common::offload::battery_unknown,
                                                          space_ec ? 0 : static_cast<std::uint64_t>(space.available)};
        });
    bodycam::firmware::offload::server_options offload_options;
    boost::system::error_code address_ec;
    offload_options.listen = {boost::asio::ip::make_address(c.offload.listen_address, address_ec),
                              static_cast<std::uint16_t>(c.offload.listen_port)};
    if (address_ec) return setup_error("offload.listen_address " + c.offload.listen_address + ": " + address_ec.message());
    offload_options.timeouts.read = offload_options.timeouts.write = c.offload.timeout;
    auto opened_offload = bodycam::firmware::offload::offload_server::open(
        io, offload_options, *link_identity, *offload_handler,
        [](const std::string& line) { std::fprintf(stderr, "bodycam-recorder: %s\n", line.c_str()); });
    if (!opened_offload) return setup_error(opened_offload.error().context);
    offload_server = std::move(*opened_offload);
    std::fprintf(stderr, "bodycam-recorder: offload service on %s:%d\n", c.offload.listen_address.c_str(),
                 static_cast<int>(offload_server->endpoint().port()));
  }

  // Under systemd (Type=notify): READY=1 once serving, WATCHDOG=1 from the poll loop, STOPPING=1 on SIGTERM.
  auto notifier = core::service_notifier::from_environment();
  if (!notifier) return setup_error(notifier.error().context);
  const auto tell = [&notifier](std::string_view state) {
    if (auto ok = notifier->notify(state); !ok)
      std::fprintf(stderr, "bodycam-recorder: %s\n", ok.error().context.c_str());
  };
  auto last_ping = std::chrono::steady_clock::now();

  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) {
    tell("STOPPING=1");
    (*server)->stop();
    if (offload_server) offload_server->stop();  // [offload]
    if (buttons) buttons->stop();
    if (mark_button) mark_button->stop();
    if (photo_button) photo_button->stop();
    io.stop();
  });
  boost::asio::steady_timer poll_timer(io);
  std::function<void()> poll = [&] {
    service.poll();
    if (place)
      if (auto ok = place->poll(); !ok) std::fprintf(stderr, "bodycam-recorder: place: %s\n", ok.error().context.c_str());
    const auto every = notifier->watchdog_interval();
    if (every && std::chrono::steady_clock::now() - last_ping >= *every) {
      tell("WATCHDOG=1");
      last_ping = std::chrono::steady_clock::now();
    }
    poll_timer.expires_after(std::chrono::milliseconds(200));
    poll_timer.async_wait([&](const boost::system::error_code& e) {
      if (!e) poll();
    });
  };
  poll();
  std::fprintf(stderr, "bodycam-recorder: device %s ready (boot %u), control socket %s\n", c.device.id.str().c_str(),
               *boot, c.control.socket_path.c_str());
  tell("READY=1");
  io.run();

  auto shut = service.shutdown();
  (void)(*server)->remove_socket_file();
  if (!shut) {
    std::fprintf(stderr, "bodycam-recorder: shutdown: %s\n", shut.error().context.c_str());
    return 1;
  }
  if (service.is_faulted()) return 1;
  // Only a shutdown that sealed everything counts as clean.
  if (auto ok = core::write_file_durably(marker, core::byte_view{}, {}); !ok)
    std::fprintf(stderr, "bodycam-recorder: %s\n", ok.error().context.c_str());
  std::fprintf(stderr, "bodycam-recorder: stopped cleanly\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && (std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0)) {
    std::printf("usage: bodycam-recorder --config FILE\n  The camera daemon: records continuously into signed, "
                "chained segments; controlled over its Unix socket.\n");
    return 0;
  }
  if (argc != 3 || std::strcmp(argv[1], "--config") != 0) {
    std::fprintf(stderr, "usage: bodycam-recorder --config FILE\n");
    return 2;
  }
  return run(argv[2]);
}

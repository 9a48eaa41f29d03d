// Power cuts at every changing operation of the camera's durable layers, through the crash simulator
// (tests/support/crash_file_system.hpp): segment files through file_segment_storage, the ledger through the
// port VFS, statements through durable_file, records through chain_writer and ledger_sink — the recorder's
// own code, fed with synthetic fragments instead of libav output so that a thousand cuts run in seconds.
// After each cut the camera boots on what the disk kept: the ledger opens, a boot record, boot recovery
// (salvage, recovery and interruption records) — which is itself cut in a third of the runs and booted
// again. The shift: boot, session start, a sealed segment, a statement file and its record, a receipt that
// moves the segment to `stored`, a second segment left open, a reclaim that frees the stored one. Then:
//  1. every acknowledged record is present unchanged (the acknowledged head's hash, and the chain verifies
//     with no finding: no seq gap, no fork, every link and signature good);
//  2. every acknowledged fragment is in its file byte for byte (unless the ledger records the file reclaimed),
//     and in the ledger;
//  3. every acknowledged statement file holds its bytes;
//  4. each unclean boot is explained by exactly one power_loss interruption;
//  5. nothing half-written is served: every sealed file's bytes match its length and SHA-256 in the ledger,
//     and no `.partial` is left behind a ledger row still partial;
//  6. nothing is deleted unseen: a file the ledger has not marked reclaimed is on disk, and an acknowledged
//     reclaim is in the ledger.
// The number of cuts is BODYCAM_CRASH_CUTS (default 1000; docs/testing.md gives the 100,000 run), the seed
// BODYCAM_TEST_SEED. The negative control removes the ledger's file syncs and must find a lost record.
#include "common/chain/verifier.hpp"
#include "common/core/durable_file.hpp"
#include "common/crypto/ed25519.hpp"
#include "common/crypto/merkle.hpp"
#include "common/ledger/ledger.hpp"
#include "common/sqlite/port_vfs.hpp"
#include "firmware/media/file_segment_storage.hpp"
#include "firmware/offload/space_reclaimer.hpp"
#include "firmware/recorder/boot_recovery.hpp"
#include "firmware/recorder/ledger_sink.hpp"
#include "tests/support/crash_file_system.hpp"
#include "tests/support/sync_dropping_file_system.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_seed.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <optional>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace recorder_crash_test {

using namespace bodycam::common;
using namespace bodycam::firmware;
using namespace bodycam::tests;
namespace fs = std::filesystem;

namespace {

constexpr const char* device_name = "cam-crash";

class stepping_clock final : public records::time_source {
 public:
  [[nodiscard]] record::nanoseconds monotonic() const override { return std::chrono::seconds(5) + step(); }
  [[nodiscard]] record::utc_claim utc() const override {
    return {record::utc_time(std::chrono::hours(24 * 365 * 57)) + step(), record::utc_source::rtc_only, {},
            std::chrono::seconds(60)};
  }

 private:
  std::chrono::milliseconds step() const { return std::chrono::milliseconds(++readings_); }
  mutable std::int64_t readings_ = 0;
};

core::byte_buffer bytes_of(std::size_t n, std::uint32_t seed) {
  core::byte_buffer b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(seed * 31 + i * 7);
  return b;
}

struct acknowledged {
  std::optional<chain::chain_head> head;  // after the last acknowledged record
  struct fragment {
    std::string file;
    std::uint64_t offset, length;
    crypto::sha256_digest sha256;
  };
  std::vector<fragment> fragments;
  std::vector<std::pair<std::string, core::byte_buffer>> files;
};

struct camera {
  camera(core::file_system& files, const std::string& vfs, const fs::path& dir, crypto::signer& signer,
         const stepping_clock& clock)
      : files_(files), vfs_(vfs), dir_(dir), signer_(signer), clock_(clock) {}

  // Opens the ledger and starts a boot: false if the power failed.
  [[nodiscard]] bool boot(record::shutdown_kind previous) {
    ledger::open_options o;
    o.vfs = vfs_;
    auto l = ledger::open(dir_ / "ledger.db", o);
    if (!l) return fail(l.error());
    writer = std::make_unique<records::chain_writer>(record::device_id::parse(device_name).value(), std::move(*l),
                                                     signer_, clock_);
    if (!writer->begin_boot()) return false;
    return append(record::boot_payload{"crash-test", previous});
  }
  [[nodiscard]] bool append(record::payload p) {
    if (auto ok = writer->append(std::move(p)); !ok) return fail(ok.error());
    return acknowledge_head();
  }
  [[nodiscard]] bool acknowledge_head() {
    chain::chain_head h;
    auto ok = writer->with_ledger([&](ledger::ledger& l) -> core::status {
      auto got = l.head();
      if (!got) return std::unexpected(got.error());
      h = *got;
      return {};
    });
    if (!ok) return fail(ok.error());
    ack.head = h;
    return true;
  }
  [[nodiscard]] bool fail(const core::error& e) {
    last_error = e.context;
    return false;
  }

  // One segment as the segment writer writes it: init, fragments (each datasynced before it is reported),
  // then, if `seal`, fsync, rename from .partial, directory fsync, and the segment record.
  [[nodiscard]] bool record_segment(recorder::ledger_sink& sink, const std::string& session, std::uint32_t index,
                                    std::uint32_t fragments, bool seal) {
    media::file_segment_storage storage(files_);
    const std::string name = "S-" + std::to_string(index) + ".mp4";
    auto file = storage.create(dir_ / (name + ".partial"));
    if (!file) return fail(file.error());
    const auto init = bytes_of(120, index);
    if (!(*file)->write(init) || !(*file)->datasync() || !storage.sync_directory(dir_)) return false;
    sink.on_segment_opened({session, index, name, name + ".partial", init.size(), crypto::sha256(init), {}, {}});
    if (!sink_ok(sink)) return false;
    std::uint64_t offset = init.size();
    crypto::merkle_builder tree;
    crypto::sha256_hasher whole;
    whole.update(init);
    for (std::uint32_t i = 0; i < fragments; ++i) {
      const auto bytes = bytes_of(700 + 13 * i, index * 100 + i);
      if (!(*file)->write(bytes) || !(*file)->datasync()) return false;
      const auto digest = crypto::sha256(bytes);
      sink.on_fragment_durable({session, index, name, i, offset, bytes.size(), digest, {}});
      if (!sink_ok(sink)) return false;
      ack.fragments.push_back({name, offset, bytes.size(), digest});
      tree.add_leaf(digest);
      whole.update(bytes);
      offset += bytes.size();
    }
    if (!seal) return true;
    if (!(*file)->sync()) return false;
    file->reset();
    if (!storage.rename_no_replace(dir_ / (name + ".partial"), dir_ / name)) return false;
    if (!storage.sync_directory(dir_)) return false;
    media::segment_summary s;
    s.session_id = session;
    s.index = index;
    s.file_name = name;
    s.byte_length = offset;
    s.file_sha256 = whole.finish();
    s.init_length = init.size();
    s.init_sha256 = crypto::sha256(init);
    s.fragment_count = fragments;
    s.fragment_root = tree.root();
    s.tracks.push_back({media::track_kind::video, {1, 90000}, 0, 90000, 93000, 30});
    s.reason = media::close_reason::rollover;
    sink.on_segment_sealed(s);
    return sink_ok(sink) && acknowledge_head();
  }
  [[nodiscard]] bool sink_ok(const recorder::ledger_sink& sink) {
    if (auto f = sink.fault()) return fail(*f);
    return true;
  }

  void run_shift() {
    if (!boot(record::shutdown_kind::first_boot)) return;
    record::session_id session;
    session.bytes[0] = 0x5C;
    if (!append(record::session_start_payload{session, "officer-9", record::start_trigger::button, {}})) return;
    recorder::ledger_sink sink(*writer);
    sink.begin_session(session, 0);
    if (!record_segment(sink, session.to_hex(), 0, 3, true)) return;
    const auto statement = bytes_of(900, 77);
    if (!core::write_file_durably(files_, dir_ / "statement-0.wav", statement, {.create_only = true})) return;
    ack.files.emplace_back("statement-0.wav", statement);
    record::annotation_payload a;
    a.session = session;
    a.file_name = "statement-0.wav";
    a.byte_length = statement.size();
    a.file_sha256 = crypto::sha256(statement);
    if (!append(a)) return;
    // The dock's receipt covers everything so far; the sealed segment moves to `stored` with it.
    record::receipt_payload r;
    r.issuer = "dock-1";
    r.covered_count = ack.head->next_seq;
    auto stored = writer->append(r, [](ledger::transaction& tx, std::uint64_t seq) {
      return tx.set_file_state("S-0.mp4", {ledger::file_state::stored, seq, std::nullopt});
    });
    if (!stored) return (void)fail(stored.error());
    if (!acknowledge_head()) return;
    if (!record_segment(sink, session.to_hex(), 1, 3, false)) return;
    // Space is needed: the reclaimer frees the stored segment (reclaim record first, then the unlink).
    offload::space_reclaimer reclaimer(*writer, dir_, files_);
    auto freed = reclaimer.reclaim_space(1);
    if (!freed) return (void)fail(freed.error());
    reclaimed = *freed > 0;
    if (!acknowledge_head()) return;
  }

  // Boot after the cut, with recovery; false if the power failed during it.
  [[nodiscard]] bool recover() {
    writer.reset();
    if (!boot(record::shutdown_kind::unclean)) return false;
    auto out = recorder::run_boot_recovery(files_, *writer, dir_, true);
    if (!out) return fail(out.error());
    return true;
  }

  core::file_system& files_;
  std::string vfs_;
  fs::path dir_;
  crypto::signer& signer_;
  const stepping_clock& clock_;
  std::unique_ptr<records::chain_writer> writer;
  acknowledged ack;
  bool reclaimed = false;  // the shift's reclaim ran to its end
  std::string last_error;
};

std::uint64_t cut_count() {
  const char* text = std::getenv("BODYCAM_CRASH_CUTS");
  return text != nullptr && *text != '\0' ? std::stoull(text) : 1000;
}

struct verdict {
  std::vector<std::string> violations;
  void add(std::string v) { violations.push_back(std::move(v)); }
};

core::byte_buffer read_range(const fs::path& path, std::uint64_t offset, std::uint64_t length) {
  std::ifstream in(path, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(offset));
  core::byte_buffer out(length);
  in.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(length));
  out.resize(static_cast<std::size_t>(in.gcount()));
  return out;
}

// The checks 1–5 of the file comment, on the state after the final recovery.
void check_after_recovery(const fs::path& dir, const acknowledged& ack, bool reclaimed, const crypto::public_key& key,
                          std::uint64_t unclean_boots, verdict& v) {
  ledger::open_options o;
  o.read_only = true;
  auto l = ledger::open(dir / "ledger.db", o);
  if (!l) return v.add("ledger does not open: " + l.error().context);
  if (!l->integrity_check()) v.add("ledger integrity_check fails");
  std::vector<chain::record_input> inputs;
  std::uint64_t boots = 0, unclean = 0, power_losses = 0;
  std::string kinds;  // the chain, named in a violation
  if (!l->for_each_record(0, [&](const ledger::stored_record& r) -> core::status {
        inputs.push_back({"ledger seq " + std::to_string(r.seq), r.seq, r.bytes});
        auto parsed = record::parse_signed_record(r.bytes);
        if (parsed) kinds += std::string(record::to_string(record::kind_of(parsed->body.body))) + " ";
        if (parsed)
          if (auto* b = std::get_if<record::boot_payload>(&parsed->body.body)) {
            ++boots;
            if (b->previous_shutdown == record::shutdown_kind::unclean) ++unclean;
          }
        if (parsed)
          if (auto* i = std::get_if<record::interruption_payload>(&parsed->body.body))
            if (i->reason == record::interruption_reason::power_loss) ++power_losses;
        return {};
      }))
    return v.add("records do not read");
  if (ack.head && ack.head->next_seq > 0) {
    auto r = l->record(ack.head->next_seq - 1);
    if (!r || r->hash != ack.head->last_hash)
      v.add("acknowledged record " + std::to_string(ack.head->next_seq - 1) + " lost or changed");
  }
  const auto report = chain::verify_chain(inputs, {record::device_id::parse(device_name).value(), key, true, {}});
  if (report.problem_count() != 0) v.add("chain has " + std::to_string(report.problem_count()) + " findings");
  // 4: the boots that followed a cut and the power_loss interruptions that explain them, one each.
  if (power_losses != unclean)
    v.add(std::to_string(unclean) + " unclean boots but " + std::to_string(power_losses) + " power_loss interruptions: " + kinds);
  if (boots > unclean_boots + 1) v.add("more boot records than boots");
  for (const auto& f : ack.fragments) {
    const fs::path final_path = dir / f.file, partial = dir / (f.file + ".partial");
    const fs::path path = fs::exists(final_path) ? final_path : partial;
    auto entry = l->file(f.file);
    const bool was_reclaimed = entry && entry->state == ledger::file_state::reclaimed;  // freed, with its record
    if (!was_reclaimed && crypto::sha256(read_range(path, f.offset, f.length)) != f.sha256)
      v.add("acknowledged fragment at " + std::to_string(f.offset) + " of " + f.file + " lost or damaged");
    auto rows = l->fragments(f.file);
    if (!rows || std::none_of(rows->begin(), rows->end(), [&](const auto& e) { return e.byte_offset == f.offset; }))
      v.add("acknowledged fragment at " + std::to_string(f.offset) + " of " + f.file + " not in the ledger");
  }
  for (const auto& [name, bytes] : ack.files)
    if (read_range(dir / name, 0, bytes.size() + 1) != bytes) v.add("acknowledged statement " + name + " lost");
  for (auto state : {ledger::file_state::sealed, ledger::file_state::stored}) {
    auto sealed = l->files_in_state(state);
    if (!sealed) return v.add("files do not list");
    for (const auto& f : *sealed) {
      const auto bytes = read_range(dir / f.name, 0, f.seal->byte_length + 1);
      if (bytes.size() != f.seal->byte_length || crypto::sha256(bytes) != f.seal->sha256)
        v.add("sealed file " + f.name + " does not match its seal");
    }
  }
  // Nothing deleted unseen: a segment the ledger knows is on disk unless the ledger says it was reclaimed.
  for (auto state : {ledger::file_state::sealed, ledger::file_state::stored, ledger::file_state::partial}) {
    auto known = l->files_in_state(state);
    if (!known) return v.add("files do not list");
    for (const auto& f : *known)
      if (!fs::exists(dir / f.name) && !fs::exists(dir / (f.name + ".partial")))
        v.add("file " + f.name + " gone from disk but " + std::string(ledger::to_string(state)) + " in the ledger");
  }
  if (reclaimed) {
    auto gone = l->files_in_state(ledger::file_state::reclaimed);
    if (!gone || gone->empty()) v.add("the acknowledged reclaim is not in the ledger");
  }
  auto partial = l->files_in_state(ledger::file_state::partial);
  if (partial && !partial->empty()) v.add("file " + partial->front().name + " still partial after recovery");
}

struct loop_totals {
  std::uint64_t cuts = 0, recovery_cuts = 0, runs_with_violation = 0, lost_changes = 0;
  std::string first_violation;
};

loop_totals run_cut_loop(std::uint32_t seed, std::uint64_t cuts, std::optional<dropped_sync> drop) {
  std::mt19937_64 rng(seed);
  crypto::software_signer signer{crypto::secret_key::generate().value()};
  loop_totals t;
  std::uint64_t shift_operations = 0;
  // Provisioning, once, before the cuts: an empty ledger with the device id; each run starts from a copy.
  temp_dir provisioned("bodycam-crash-provisioned");
  {
    ledger::open_options o;
    o.create_if_missing = true;
    auto l = ledger::open(provisioned / "ledger.db", o);
    REQUIRE(l);
    REQUIRE(l->set_device_id(device_name));
  }
  while (t.cuts < cuts) {
    temp_dir tmp("bodycam-crash-camera");
    const fs::path dir = tmp.path();
    for (const auto& entry : fs::directory_iterator(provisioned.path()))
      fs::copy_file(entry.path(), dir / entry.path().filename());
    crash_file_system sim(dir);
    std::optional<sync_dropping_file_system> dropping;
    if (drop) dropping.emplace(sim, *drop);
    core::file_system& files = dropping ? static_cast<core::file_system&>(*dropping) : sim;
    auto vfs = sqlite::port_vfs::create("bodycam-crash", files);
    REQUIRE(vfs);
    stepping_clock clock;
    camera cam(files, (*vfs)->name(), dir, signer, clock);

    // The first run measures the shift; later runs cut at a uniformly chosen operation of it.
    const std::uint64_t cut_at =
        shift_operations == 0 ? 0 : std::uniform_int_distribution<std::uint64_t>(1, shift_operations)(rng);
    sim.cut_before(cut_at);
    cam.run_shift();
    if (shift_operations == 0) {
      shift_operations = sim.operations();
      REQUIRE(shift_operations > 20);
      REQUIRE_FALSE(sim.is_powered_off());
    }
    cam.writer.reset();
    t.lost_changes += [&] {
      const auto r = sim.cut(rng);
      return r.lost_writes + r.torn_writes + r.zeroed_writes + r.lost_name_changes;
    }();
    ++t.cuts;
    std::uint64_t unclean_boots = 1;
    // A third of the runs also cut the recovery, at a random operation of it, and boot once more.
    if (std::uniform_int_distribution<int>(0, 2)(rng) == 0) {
      sim.cut_before(std::uniform_int_distribution<std::uint64_t>(1, 40)(rng));
      const bool finished = cam.recover();
      cam.writer.reset();
      if (!finished) {
        (void)sim.cut(rng);
        ++t.cuts;
        ++t.recovery_cuts;
        ++unclean_boots;
      } else {
        sim.cut_before(0);
        ++unclean_boots;  // a finished recovery is followed by another cut below
        (void)sim.cut(rng);
        ++t.cuts;
      }
    }
    verdict v;
    if (!cam.recover()) v.add("recovery without a cut failed: " + cam.last_error);
    cam.writer.reset();
    if (v.violations.empty()) check_after_recovery(dir, cam.ack, cam.reclaimed, signer.public_key(), unclean_boots, v);
    if (!v.violations.empty()) {
      ++t.runs_with_violation;
      if (t.first_violation.empty())
        t.first_violation = "cut before operation " + std::to_string(cut_at) + ": " + v.violations.front();
    }
  }
  return t;
}

}  // namespace

TEST_CASE("camera: power cut at any operation of a shift and of its recovery loses nothing acknowledged",
          "[fault]") {
  const auto seed = test_seed("camera crash loop");
  const auto t = run_cut_loop(seed, cut_count(), std::nullopt);
  std::printf("camera crash loop: %llu cuts (%llu during recovery), %llu unsynced changes dropped or damaged\n",
              static_cast<unsigned long long>(t.cuts), static_cast<unsigned long long>(t.recovery_cuts),
              static_cast<unsigned long long>(t.lost_changes));
  INFO("seed " << seed << ": " << t.first_violation);
  CHECK(t.runs_with_violation == 0);
  CHECK(t.cuts >= cut_count());
  CHECK(t.recovery_cuts > 0);
  CHECK(t.lost_changes > 0);
}

TEST_CASE("negative control: without the ledger's and the segments' file syncs the crash loop finds a loss",
          "[fault]") {
  const auto seed = test_seed("camera crash loop without file syncs");
  const auto t = run_cut_loop(seed, 100, dropped_sync::file);
  INFO("seed " << seed);
  CHECK(t.runs_with_violation > 0);
}

TEST_CASE("negative control: without the directory syncs the crash loop finds a loss", "[fault]") {
  const auto seed = test_seed("camera crash loop without directory syncs");
  const auto t = run_cut_loop(seed, 100, dropped_sync::directory);
  INFO("seed " << seed);
  CHECK(t.runs_with_violation > 0);
}

}  // namespace recorder_crash_test

// The segment writer on a real clip ([integration]: layout, mfra tail in the clear and encrypted, first-packet
// rule), then [fault]:
// storage failures at every point of a segment's life, and a disk that fills up under the running pipeline.
// After each failure: the error names the operation and the file, every fragment already reported durable is
// in the sealed file byte for byte, the sealed file decodes cleanly and matches its summary, and nothing that
// was reported is lost.
#include "tests/firmware/media/fault_injecting_storage.hpp"
#include "common/crypto/footage_format.hpp"
#include "common/crypto/footage_key.hpp"
#include "common/crypto/footage_reader.hpp"
#include "firmware/media/mp4_box_walker.hpp"
#include "firmware/media/posix_segment_storage.hpp"
#include "firmware/media/recording_pipeline.hpp"
#include "firmware/media/segment_writer.hpp"
#include "test_support.hpp"

#include <sys/mount.h>

#include <array>
#include <cerrno>
#include <cstring>

#include <catch2/catch.hpp>

using namespace bodycam::firmware::media;
using namespace bodycam::firmware::media::test;
using bodycam::tests::run_shell;
using bodycam::tests::shell_quote;
using bodycam::tests::temp_dir;
namespace core = bodycam::common::core;
namespace fs = std::filesystem;

namespace {
// A 3 s clip (H.264 with 1 s GOPs + AAC) made by ffmpeg and demuxed here: the packets a segment is made of.
struct clip {
  temp_dir dir;
  std::vector<av_codec_parameters_ptr> parameters;
  std::vector<stream_spec> streams;
  struct packet {
    track_kind track;
    av_packet_ptr data;
  };
  std::vector<packet> packets;

  clip() {
    quiet_libav();
    const fs::path file = dir.path() / "clip.mp4";
    const auto made = run_shell(
        "ffmpeg -nostdin -v error -f lavfi -i testsrc2=size=320x240:rate=15 -f lavfi -i sine=sample_rate=48000 -t 3 "
        "-c:v libx264 -preset veryfast -g 15 -bf 0 -pix_fmt yuv420p -c:a aac " +
        shell_quote(file.string()));
    REQUIRE(made.exit_code == 0);
    AVFormatContext* raw = nullptr;
    REQUIRE(avformat_open_input(&raw, file.c_str(), nullptr, nullptr) == 0);
    av_input_ptr input(raw);
    REQUIRE(avformat_find_stream_info(input.get(), nullptr) >= 0);
    std::vector<track_kind> kinds;
    std::vector<std::int64_t> shift;
    for (unsigned i = 0; i < input->nb_streams; ++i) {
      const AVStream* st = input->streams[i];
      kinds.push_back(st->codecpar->codec_type == AVMEDIA_TYPE_VIDEO ? track_kind::video : track_kind::audio);
      av_codec_parameters_ptr p(avcodec_parameters_alloc());
      REQUIRE(avcodec_parameters_copy(p.get(), st->codecpar) >= 0);
      streams.push_back(stream_spec{kinds.back(), p.get(), to_timebase(st->time_base)});
      parameters.push_back(std::move(p));
      // On the pipeline's timeline (starts at 1 s), so AAC priming is not negative.
      shift.push_back(media_time::from_chrono(timeline_start).rescaled(to_timebase(st->time_base)).ticks);
    }
    bool keyframe_seen = false;
    while (true) {
      av_packet_ptr p(av_packet_alloc());
      if (av_read_frame(input.get(), p.get()) < 0) break;
      const auto index = static_cast<std::size_t>(p->stream_index);
      // A segment starts at a video keyframe (the segment policy discards what comes before).
      keyframe_seen = keyframe_seen || (kinds[index] == track_kind::video && (p->flags & AV_PKT_FLAG_KEY));
      if (!keyframe_seen) continue;
      p->pts += shift[index];
      p->dts += shift[index];
      packets.push_back(packet{kinds[index], std::move(p)});
    }
    REQUIRE(packets.size() > 100);
  }
};

// Writes the whole clip as one segment through `storage`; on any failure, seals what was durable.
struct writer_run {
  std::optional<core::error> failure;
  std::optional<segment_summary> summary;
  std::optional<core::error> salvage_failure;
};
writer_run write_clip(const clip& c, segment_storage& storage, segment_sink& sink, const fs::path& dir,
                      segment_writer_options options = {}) {
  writer_run run;
  segment_identity identity{"F", 0, dir, "CAM-0042", "PC 1234"};
  auto writer = segment_writer::open(storage, sink, identity, c.streams, options);
  if (!writer) {
    run.failure = writer.error();
    return run;
  }
  for (const auto& p : c.packets) {
    av_packet_ptr copy(av_packet_clone(p.data.get()));
    if (auto ok = (*writer)->write(p.track, *copy); !ok) {
      run.failure = ok.error();
      break;
    }
  }
  if (!run.failure) {
    auto sealed = (*writer)->seal(close_reason::stop);
    if (sealed) {
      run.summary = *sealed;
      return run;
    }
    run.failure = sealed.error();
  }
  const auto reason = run.failure->code == core::errc::no_space ? close_reason::storage_full : close_reason::fault;
  auto salvaged = (*writer)->seal_after_failure(reason);
  if (salvaged)
    run.summary = *salvaged;
  else
    run.salvage_failure = salvaged.error();
  return run;
}

std::string op_name(storage_op op) {
  switch (op) {
    case storage_op::create: return "create";
    case storage_op::write: return "write";
    case storage_op::datasync: return "fdatasync";
    case storage_op::sync: return "fsync";
    case storage_op::truncate: return "truncate";
    case storage_op::rename: return "rename";
    case storage_op::sync_directory: return "fsync directory";
  }
  return "?";
}
}  // namespace

TEST_CASE("segment writer: one fragment per GOP, every byte accounted for, with and without the mfra tail",
          "[integration]") {
  const clip c;
  for (const bool mfra : {false, true}) {
    INFO("mfra " << mfra);
    temp_dir dir;
    recording_sink sink;
    posix_segment_storage storage;
    segment_writer_options options;
    options.write_mfra = mfra;
    const auto run = write_clip(c, storage, sink, dir.path(), options);
    REQUIRE_FALSE(run.failure);
    REQUIRE(run.summary);
    CHECK(run.summary->fragment_count == 3);  // 3 s of 1 s GOPs
    CHECK(run.summary->truncated_bytes == 0);
    if (mfra)
      CHECK(run.summary->unsigned_tail_bytes > 0);  // exactly the mfra box: checked by the box walk
    else
      CHECK(run.summary->unsigned_tail_bytes == 0);
    const auto spans = check_file_against_summary(dir.path(), *run.summary, sink.fragments());
    CHECK(spans.at("video").packets == 45);
    // The device and officer are bound into the init part (hashed as init_sha256).
    const auto tags = run_shell("ffprobe -v error -show_entries format_tags=comment -of csv=p=0 " +
                                  shell_quote((dir.path() / run.summary->file_name).string()));
    CHECK(tags.out.find("device=CAM-0042 officer=PC 1234 session=F segment=0") != std::string::npos);
    CHECK(sink.order_violation().empty());
  }
}

// An encrypted segment sealed normally: its final message is the stream's end, not an unsigned tail, so the
// record of a normal stop or rollover shows no gap (docs/formats/chain.md §4.2). With the mfra index the mfra
// message before it is the unsigned tail, as the mfra box is in the clear.
TEST_CASE("segment writer: an encrypted segment's final message is no unsigned tail, with and without the mfra tail",
          "[integration]") {
  namespace crypto = bodycam::common::crypto;
  const clip c;
  const auto agency = crypto::footage_secret_key::generate(crypto::system_random()).value();
  for (const bool mfra : {false, true}) {
    INFO("mfra " << mfra);
    temp_dir dir;
    recording_sink sink;
    posix_segment_storage storage;
    segment_writer_options options;
    options.write_mfra = mfra;
    options.encryption.recipients = {agency.public_key()};
    const auto run = write_clip(c, storage, sink, dir.path(), options);
    REQUIRE_FALSE(run.failure);
    REQUIRE(run.summary);
    const auto& s = *run.summary;
    CHECK(s.reason == close_reason::stop);
    CHECK(s.fragment_count == 3);
    CHECK(s.truncated_bytes == 0);
    REQUIRE(s.plaintext.has_value());
    CHECK(s.plaintext->byte_length > 0);
    CHECK(s.final_message_bytes == crypto::footage_length_prefix_size + crypto::footage_message_overhead);

    const auto bytes = read_whole_file(dir.path() / s.file_name);
    REQUIRE(bytes.size() == s.byte_length);
    std::uint64_t at = s.init_length;
    for (const auto& f : sink.fragments()) {
      CHECK(f.offset == at);
      at += f.length;
    }
    CHECK(at + s.unsigned_tail_bytes + s.final_message_bytes == s.byte_length);
    auto length_at = [&](std::uint64_t offset) {
      std::uint64_t v = 0;
      for (std::uint64_t i = 0; i < 4; ++i) v = (v << 8) | bytes[offset + i];
      return v;
    };
    if (mfra) {
      REQUIRE(s.unsigned_tail_bytes > crypto::footage_length_prefix_size + crypto::footage_message_overhead);
      CHECK(crypto::footage_length_prefix_size + length_at(at) == s.unsigned_tail_bytes);  // one message: mfra
    } else {
      CHECK(s.unsigned_tail_bytes == 0);
    }
    REQUIRE(s.byte_length >= s.final_message_bytes);
    CHECK(length_at(s.byte_length - s.final_message_bytes) == crypto::footage_message_overhead);  // empty plaintext

    // The reader finds the file complete: init, fragments, [mfra], and an authenticated final message.
    crypto::memory_source source(bytes);
    const std::array<crypto::footage_secret_key, 1> keys{
        crypto::footage_secret_key::from_bytes(agency.secret()).value()};
    const auto read = crypto::salvage_footage(source, keys, s.file_name);
    CHECK_FALSE(read.stopped.has_value());
    CHECK(read.fragments.size() == 1 + s.fragment_count + (mfra ? 1 : 0));
    CHECK(sink.order_violation().empty());
  }
}

TEST_CASE("segment writer: a segment must begin with a video keyframe", "[integration]") {
  const clip c;
  temp_dir dir;
  recording_sink sink;
  posix_segment_storage storage;
  segment_identity identity{"K", 0, dir.path(), "CAM-0042", "PC 1234"};
  auto writer = segment_writer::open(storage, sink, identity, c.streams, {});
  REQUIRE(writer);
  for (const auto& p : c.packets) {
    if (p.track == track_kind::video && (p.data->flags & AV_PKT_FLAG_KEY)) continue;
    av_packet_ptr copy(av_packet_clone(p.data.get()));
    auto refused = (*writer)->write(p.track, *copy);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == core::errc::invalid_argument);
    CHECK(refused.error().context.find("first packet must be a video keyframe") != std::string::npos);
    break;
  }
  CHECK(sink.fragments().empty());
}

TEST_CASE("fault loop: the Nth write, sync or rename of a segment fails, for every N", "[fault]") {
  const clip c;
  struct plan {
    storage_op op;
    int error_number;
  };
  for (const auto p : {plan{storage_op::write, ENOSPC}, plan{storage_op::datasync, EIO}, plan{storage_op::sync, EIO},
                       plan{storage_op::rename, EIO}, plan{storage_op::sync_directory, EIO}}) {
    bool completed = false;
    for (std::uint64_t n = 1; n < 200 && !completed; ++n) {
      INFO(op_name(p.op) << " #" << n << " fails");
      temp_dir dir;
      recording_sink sink;
      posix_segment_storage posix;
      fault_injecting_storage storage(posix);
      // A torn write: half of the bytes reach the file before ENOSPC.
      storage.set_fault(storage_fault{p.op, n, p.error_number, 20'000});
      const auto run = write_clip(c, storage, sink, dir.path());
      if (!storage.has_fired()) {
        // Past the last such operation: the segment is complete.
        REQUIRE_FALSE(run.failure);
        REQUIRE(run.summary);
        CHECK(run.summary->reason == close_reason::stop);
        CHECK(run.summary->fragment_count == 3);
        check_file_against_summary(dir.path(), *run.summary, sink.fragments());
        completed = true;
        break;
      }
      REQUIRE(run.failure);
      INFO(run.failure->context);
      // The error says which operation failed on which file.
      CHECK(run.failure->context.find(op_name(p.op)) != std::string::npos);
      CHECK(run.failure->context.find(p.op == storage_op::sync_directory ? dir.path().string() : "F-000000.mp4") !=
            std::string::npos);
      if (p.error_number == ENOSPC) CHECK(run.failure->code == core::errc::no_space);
      if (sink.opened().empty()) {
        // The header never became durable: nothing was reported, nothing to seal, no complete fragment.
        CHECK(sink.fragments().empty());
        CHECK(sink.sealed().empty());
        continue;
      }
      REQUIRE(run.summary);  // every storage op here fails once: the salvage seal succeeds
      CHECK_FALSE(run.salvage_failure);
      CHECK(run.summary->reason == (p.error_number == ENOSPC ? close_reason::storage_full : close_reason::fault));
      // Every fragment reported durable is in the sealed file, byte for byte; the file decodes cleanly.
      CHECK(run.summary->fragment_count == sink.fragments().size());
      check_file_against_summary(dir.path(), *run.summary, sink.fragments());
      REQUIRE(sink.sealed().size() == 1);
      CHECK(sink.sealed()[0].file_sha256 == run.summary->file_sha256);
    }
    CHECK(completed);
  }
}

namespace {
// Fills a disk under the running pipeline (2 Mbit/s into 1 MiB) and checks the promises of a disk-full stop.
void record_until_disk_full(segment_storage& storage, const fs::path& dir) {
  recording_sink sink;
  auto config = small_config(dir);
  config.encoder.video_bit_rate = 2'000'000;
  auto pipeline = recording_pipeline::open(config, sink, storage);
  REQUIRE(pipeline);
  REQUIRE((*pipeline)->start("FULL"));
  REQUIRE((*pipeline)->wait_until_ended(std::chrono::milliseconds(120'000)));
  const auto status = (*pipeline)->status();
  CHECK(status.state == pipeline_state::failed);
  REQUIRE(status.last_error);
  CHECK(status.last_error->code == core::errc::no_space);
  auto shut = (*pipeline)->shutdown();
  CHECK_FALSE(shut);  // the pipeline reports the fault it ended with

  // Reported to the sink, naming the file and the cause.
  bool reported = false;
  for (const auto& e : sink.events())
    if (e.kind == pipeline_event_kind::storage_full) {
      reported = true;
      REQUIRE(e.error);
      INFO(e.error->context);
      CHECK(e.error->context.find(".mp4") != std::string::npos);
      CHECK(e.error->context.find("No space left on device") != std::string::npos);
    }
  CHECK(reported);
  const auto sealed = sink.sealed();
  REQUIRE_FALSE(sealed.empty());
  for (std::size_t i = 0; i + 1 < sealed.size(); ++i) CHECK(sealed[i].reason == close_reason::rollover);
  // The last one was cut back and sealed storage_full, unless the disk filled while the next segment's header
  // was being written (then nothing of that segment was ever reported).
  if (sealed.back().reason != close_reason::storage_full) {
    CHECK(sealed.back().reason == close_reason::rollover);
    CHECK(status.last_error->context.find("header") != std::string::npos);
  }
  // The segment being written when the disk filled: sealed, cut back to its last durable fragment — unless
  // the disk filled while a new segment's header was written (then the last sealed one is a rollover).
  const auto fragments = sink.fragments();
  std::vector<std::map<std::string, track_span>> spans;
  spans.reserve(sealed.size());
  for (const auto& s : sealed) spans.push_back(check_file_against_summary(dir, s, fragments));
  // Contiguous across segments; a segment whose first fragment never became durable holds only its header.
  std::vector<track_span> video;
  for (std::size_t k = 0; k < spans.size(); ++k)
    if (sealed[k].fragment_count > 0)
      video.push_back(spans[k]["video"]);
    else
      CHECK(k + 1 == spans.size());
  for (std::size_t k = 0; k + 1 < video.size(); ++k) CHECK(video[k].end == video[k + 1].first);
  // Every fragment ever reported is in a sealed file (checked byte for byte above).
  for (const auto& f : fragments) {
    bool found = false;
    for (const auto& s : sealed) found = found || s.file_name == f.file_name;
    CHECK(found);
  }
  // What is left unsealed holds nothing that was reported: a header that never became durable.
  for (const auto& entry : fs::directory_iterator(dir)) {
    const auto name = entry.path().filename().string();
    if (!name.ends_with(".partial")) continue;
    INFO("left over: " << name);
    for (const auto& o : sink.opened()) CHECK(o.partial_name != name);
    auto layout = parse_fmp4_layout(read_whole_file(entry.path()));
    if (layout) CHECK(layout->fragments.empty());
  }
}

// A tmpfs of `size` mounted for the test's lifetime; mounted() is false where mounting is not allowed, and
// why_not() then says why.
class tmpfs_mount {
 public:
  tmpfs_mount(const fs::path& at, const std::string& size) : at_(at) {
    mounted_ = ::mount("tmpfs", at.c_str(), "tmpfs", 0, ("size=" + size).c_str()) == 0;
    if (!mounted_) why_not_ = "mount tmpfs at " + at.string() + ": " + std::strerror(errno);
  }
  ~tmpfs_mount() {
    if (mounted_) ::umount2(at_.c_str(), MNT_DETACH);
  }
  tmpfs_mount(const tmpfs_mount&) = delete;
  tmpfs_mount& operator=(const tmpfs_mount&) = delete;
  [[nodiscard]] bool mounted() const noexcept { return mounted_; }
  [[nodiscard]] const std::string& why_not() const noexcept { return why_not_; }

 private:
  fs::path at_;
  bool mounted_ = false;
  std::string why_not_;
};
}  // namespace

TEST_CASE("disk full on a real 1 MiB tmpfs: reported, sealed truncated, nothing reported is lost", "[fault]") {
  temp_dir dir;
  const tmpfs_mount disk(dir.path(), "1m");
  // A real full disk or a failure, never a quiet fallback: the storage port's injected capacity is the next
  // test. CI runs as root, where the mount works.
  INFO("cannot set up the real 1 MiB disk: " << disk.why_not());
  REQUIRE(disk.mounted());
  posix_segment_storage posix;
  record_until_disk_full(posix, dir.path());
}

TEST_CASE("disk full through the storage port: 700 000 bytes of room", "[fault]") {
  temp_dir dir;
  posix_segment_storage posix;
  fault_injecting_storage full(posix);
  full.set_capacity(700'000);
  record_until_disk_full(full, dir.path());
}

TEST_CASE("an fdatasync that fails with EIO stops the pipeline with reason fault", "[fault]") {
  temp_dir dir;
  recording_sink sink;
  posix_segment_storage posix;
  fault_injecting_storage storage(posix);
  storage.set_fault(storage_fault{storage_op::datasync, 6, EIO, 0});
  auto pipeline = recording_pipeline::open(small_config(dir.path()), sink, storage);
  REQUIRE(pipeline);
  REQUIRE((*pipeline)->start("EIO"));
  REQUIRE((*pipeline)->wait_until_ended(std::chrono::milliseconds(60'000)));
  CHECK((*pipeline)->status().state == pipeline_state::failed);
  CHECK_FALSE((*pipeline)->shutdown());
  REQUIRE(sink.has_event(pipeline_event_kind::fault));
  for (const auto& e : sink.events())
    if (e.kind == pipeline_event_kind::fault) {
      REQUIRE(e.error);
      CHECK(e.error->context.find("fdatasync segment EIO-00000") != std::string::npos);
      CHECK(e.error->context.find("Input/output error") != std::string::npos);
    }
  const auto sealed = sink.sealed();
  REQUIRE_FALSE(sealed.empty());
  CHECK(sealed.back().reason == close_reason::fault);
  for (const auto& s : sealed) check_file_against_summary(dir.path(), s, sink.fragments());
  CHECK(sink.order_violation().empty());
}

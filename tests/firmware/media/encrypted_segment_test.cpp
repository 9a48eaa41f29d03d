// The camera's segments encrypted as written (docs/formats/encrypted-footage.md, firmware/media/README.md):
// a short recording from the real pipeline, checked from outside. What a thief with the camera's storage sees
// (no file ffprobe can read, bytes of near 8 bits/byte of entropy); what the dock can check without a key
// (sha256sum, init hash, fragment hashes and root over the ciphertext, as reported); what the agency gets
// back (the plaintext hash of the summary, a file ffprobe decodes); and the attacks and the power cut, each
// named by the reader.
#include "common/crypto/footage_key.hpp"
#include "common/crypto/footage_reader.hpp"
#include "common/crypto/merkle.hpp"
#include "common/crypto/sha256.hpp"
#include "firmware/media/posix_segment_storage.hpp"
#include "firmware/media/recording_pipeline.hpp"
#include "test_support.hpp"

#include <array>
#include <cmath>
#include <fstream>

#include <catch2/catch.hpp>

using namespace bodycam::firmware::media;
using namespace bodycam::firmware::media::test;
namespace core = bodycam::common::core;
namespace crypto = bodycam::common::crypto;
using bodycam::tests::temp_dir;

namespace {

double entropy_bits_per_byte(const core::byte_buffer& bytes) {
  std::array<std::uint64_t, 256> counts{};
  for (const auto b : bytes) ++counts[b];
  double h = 0;
  for (const auto c : counts) {
    if (c == 0) continue;
    const double p = static_cast<double>(c) / static_cast<double>(bytes.size());
    h -= p * std::log2(p);
  }
  return h;
}

void write_bytes(const std::filesystem::path& path, const core::byte_buffer& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  REQUIRE(out.good());
}

crypto::footage_salvage read_all(const core::byte_buffer& file, const crypto::footage_secret_key& key) {
  crypto::memory_source source(file);
  const std::array<crypto::footage_secret_key, 1> keys{crypto::footage_secret_key::from_bytes(key.secret()).value()};
  return crypto::salvage_footage(source, keys, "segment");
}

core::byte_buffer joined(const std::vector<core::byte_buffer>& parts) {
  core::byte_buffer out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

struct encrypted_recording {
  temp_dir dir{"bodycam-media-encrypted"};
  recording_sink sink;
  crypto::footage_secret_key agency = crypto::footage_secret_key::generate(crypto::system_random()).value();
  crypto::footage_secret_key escrow = crypto::footage_secret_key::generate(crypto::system_random()).value();

  encrypted_recording() {
    posix_segment_storage storage;
    auto config = small_config(dir.path());
    config.encryption.recipients = {agency.public_key(), escrow.public_key()};
    auto pipeline = recording_pipeline::open(config, sink, storage);
    REQUIRE(pipeline);
    REQUIRE((*pipeline)->start("E1"));
    REQUIRE(wait_for([&] { return sink.sealed().size() >= 2; }, std::chrono::seconds(60)));
    REQUIRE((*pipeline)->stop(close_reason::stop));
    REQUIRE((*pipeline)->shutdown());
    REQUIRE(sink.sealed().size() >= 3);
  }
  [[nodiscard]] core::byte_buffer bytes_of(const segment_summary& s) const { return read_whole_file(dir / s.file_name); }
};

}  // namespace

TEST_CASE("encrypted segments: a stolen camera's files are no MP4 and look random; the dock's hashes hold",
          "[integration]") {
  quiet_libav();
  encrypted_recording rec;
  CHECK(rec.sink.order_violation().empty());
  const auto fragments = rec.sink.fragments();
  std::size_t files_checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(rec.dir.path())) {
    const auto probe = probe_packets(entry.path());
    INFO(entry.path().filename().string() << ": ffprobe exit " << probe.exit_code);
    CHECK((probe.exit_code != 0 || probe.video_frames_decoded <= 0));
    const auto bytes = read_whole_file(entry.path());
    const double h = entropy_bits_per_byte(bytes);
    INFO("entropy " << h << " bits/byte over " << bytes.size() << " bytes");
    CHECK(h > 7.9);
    ++files_checked;
  }
  CHECK(files_checked == rec.sink.sealed().size());

  for (const auto& s : rec.sink.sealed()) {
    INFO(s.file_name);
    REQUIRE(s.plaintext.has_value());
    const auto bytes = rec.bytes_of(s);
    CHECK(bytes.size() == s.byte_length);
    CHECK(sha256sum_of(rec.dir / s.file_name) == s.file_sha256.to_hex());
    CHECK(crypto::sha256(core::byte_view(bytes).first(s.init_length)) == s.init_sha256);
    crypto::merkle_builder tree;
    std::uint64_t at = s.init_length;
    std::uint32_t seen = 0;
    for (const auto& f : fragments) {
      if (f.file_name != s.file_name) continue;
      CHECK(f.offset == at);  // fragments tile the ciphertext right after the init part
      REQUIRE(f.offset + f.length <= bytes.size());
      CHECK(crypto::sha256(core::byte_view(bytes).subspan(f.offset, f.length)) == f.sha256);
      tree.add_leaf(f.sha256);
      at += f.length;
      ++seen;
    }
    CHECK(seen == s.fragment_count);
    CHECK(tree.root() == s.fragment_root);
    // After the last fragment only the final message (no mfra): the format's end, not an unsigned tail.
    CHECK(s.unsigned_tail_bytes == 0);
    CHECK(s.final_message_bytes == 4 + 17);
    CHECK(s.unsigned_tail_bytes + s.final_message_bytes == bytes.size() - at);
  }
}

TEST_CASE("encrypted segments: the agency and the escrow key each decrypt to the summary's plaintext, which plays",
          "[integration]") {
  quiet_libav();
  encrypted_recording rec;
  for (const auto& s : rec.sink.sealed()) {
    INFO(s.file_name);
    REQUIRE(s.plaintext.has_value());
    const auto bytes = rec.bytes_of(s);
    for (const auto* key : {&rec.agency, &rec.escrow}) {
      const auto read = read_all(bytes, *key);
      CHECK_FALSE(read.stopped.has_value());
      CHECK(read.fragments.size() == 1 + s.fragment_count);  // the init part, then one message per fragment
      const auto plain = joined(read.fragments);
      CHECK(plain.size() == s.plaintext->byte_length);
      CHECK(crypto::sha256(plain) == s.plaintext->sha256);
    }
    const auto plain = joined(read_all(bytes, rec.agency).fragments);
    const auto out = rec.dir.path().parent_path() / (rec.dir.path().filename().string() + "-" + s.file_name);
    write_bytes(out, plain);
    const auto probe = probe_packets(out);
    std::filesystem::remove(out);
    CHECK(probe.exit_code == 0);
    CHECK(probe.video_frames_decoded > 0);
    CHECK(probe.audio_frames_decoded > 0);
  }
}

TEST_CASE("encrypted segments: tamper, swapped envelope, another agency and a cut are each detected and named",
          "[integration]") {
  quiet_libav();
  encrypted_recording rec;
  const auto sealed = rec.sink.sealed();
  const auto first = rec.bytes_of(sealed[0]);
  const auto second = rec.bytes_of(sealed[1]);
  REQUIRE(sealed[0].fragment_count >= 2);
  const auto fragments = rec.sink.fragments();
  const fragment_info* fragment_1 = nullptr;
  for (const auto& f : fragments)
    if (f.file_name == sealed[0].file_name && f.index == 1) fragment_1 = &f;
  REQUIRE(fragment_1);

  SECTION("flip_byte_in_fragment") {
    auto bad = first;
    bad[fragment_1->offset + fragment_1->length / 2] ^= 0x01;
    CHECK(crypto::sha256(bad) != sealed[0].file_sha256);  // the dock sees it without a key
    const auto read = read_all(bad, rec.agency);
    REQUIRE(read.stopped.has_value());
    CHECK(read.stopped->code == crypto::footage_errc::tampered_message);
    CHECK(read.stopped->message_index == 2);  // message 0 is the init part, fragment 1 is message 2
    CHECK(read.fragments.size() == 2);
  }
  SECTION("swap_key_envelope from another segment") {
    auto bad = first;
    const std::size_t envelope_at = crypto::footage_header_prefix_size;
    std::copy_n(second.begin() + static_cast<std::ptrdiff_t>(envelope_at), crypto::footage_envelope_size,
                bad.begin() + static_cast<std::ptrdiff_t>(envelope_at));
    const auto read = read_all(bad, rec.agency);
    REQUIRE(read.stopped.has_value());
    CHECK(read.stopped->code == crypto::footage_errc::header_mismatch);
    CHECK(read.fragments.empty());
  }
  SECTION("sealed to another agency") {
    const auto other = crypto::footage_secret_key::generate(crypto::system_random()).value();
    const auto read = read_all(first, other);
    REQUIRE(read.stopped.has_value());
    CHECK(read.stopped->code == crypto::footage_errc::not_for_this_key);
    CHECK(read.stopped->message.find(other.key_id().to_hex()) != std::string::npos);
  }
  SECTION("truncate_final_fragment: a power cut inside the last fragment keeps every earlier one, and they play") {
    const auto& s = sealed[0];
    const fragment_info* last = nullptr;
    for (const auto& f : fragments)
      if (f.file_name == s.file_name && f.index + 1 == s.fragment_count) last = &f;
    REQUIRE(last);
    const core::byte_buffer cut(first.begin(), first.begin() + static_cast<std::ptrdiff_t>(last->offset + last->length / 2));
    const auto read = read_all(cut, rec.agency);
    REQUIRE(read.stopped.has_value());
    CHECK(read.stopped->code == crypto::footage_errc::truncated);
    CHECK(read.fragments.size() == s.fragment_count);  // the init part and every fragment before the cut one
    const auto whole = joined(read_all(first, rec.agency).fragments);
    const auto prefix = joined(read.fragments);
    REQUIRE(prefix.size() < whole.size());
    CHECK(std::equal(prefix.begin(), prefix.end(), whole.begin()));
    const auto out = rec.dir.path().parent_path() / (rec.dir.path().filename().string() + "-salvaged.mp4");
    write_bytes(out, prefix);
    const auto probe = probe_packets(out);
    std::filesystem::remove(out);
    CHECK(probe.exit_code == 0);
    CHECK(probe.video_frames_decoded == 15 * (static_cast<std::int64_t>(s.fragment_count) - 1));  // 1 s GOPs, 15 fps
  }
}

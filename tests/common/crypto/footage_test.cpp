// The encrypted footage writer and reader: round trip, every named error, the power cut at every byte, and a
// random tamper property. Each test names the attack or accident and asserts the exact error code and index.
#include "common/crypto/footage_format.hpp"
#include "common/crypto/secretstream_pull.hpp"
#include "tests/common/crypto/footage_test_support.hpp"
#include "tests/support/test_seed.hpp"

#include <catch2/catch.hpp>

#include <sodium.h>

#include <random>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace footage_test {

using namespace bodycam::tests::footage;
namespace crypto = bodycam::common::crypto;
using crypto::footage_errc;

namespace {

const std::vector<std::string> three = {"fragment zero: moof+mdat", "fragment one", "fragment two, the last"};

crypto::footage_salvage read_all(core::byte_view bytes, const crypto::footage_secret_key& key) {
  crypto::memory_source source(bytes);
  return crypto::salvage_footage(source, std::span(&key, 1), "seg.mp4.enc");
}

std::vector<std::string> texts(const crypto::footage_salvage& s) {
  std::vector<std::string> out;
  for (const auto& f : s.fragments) out.push_back(text_of(f));
  return out;
}

}  // namespace

TEST_CASE("footage: round trip, fragment by fragment, with short reads") {
  const auto agency = fixed_key(1);
  const auto file = write_file(three, {agency.public_key()}, crypto::system_random());
  for (std::size_t chunk : {std::size_t{1}, std::size_t{7}, SIZE_MAX}) {
    crypto::memory_source source(file.bytes, chunk);
    auto reader = crypto::footage_reader::open(source, std::span(&agency, 1), "seg.mp4.enc");
    REQUIRE(reader.has_value());
    CHECK(reader->opened_with() == agency.key_id());
    for (const auto& expected : three) {
      auto fragment = reader->next();
      REQUIRE(fragment.has_value());
      REQUIRE(fragment->has_value());
      CHECK(text_of(**fragment) == expected);
    }
    auto end = reader->next();
    REQUIRE(end.has_value());
    CHECK_FALSE(end->has_value());
    CHECK(reader->is_complete());
    CHECK(reader->fragments_read() == 3);
  }
}

TEST_CASE("footage: the writer's digests are of the bytes written and of the plaintext") {
  const auto agency = fixed_key(1);
  const auto file = write_file(three, {agency.public_key()}, crypto::system_random());
  CHECK(file.digests.ciphertext_sha256 == crypto::sha256(core::byte_view(file.bytes)));
  CHECK(file.digests.ciphertext_bytes == file.bytes.size());
  std::string plain;
  for (const auto& f : three) plain += f;
  CHECK(file.digests.plaintext_sha256 == crypto::sha256(std::string_view(plain)));
  CHECK(file.digests.plaintext_bytes == plain.size());
  CHECK(file.digests.fragment_count == 3);
  // Where each message sits: contiguous after the header, prefix + ciphertext.
  REQUIRE(file.messages.size() == 3);
  CHECK(file.messages[0].offset == crypto::footage_header_prefix_size + crypto::footage_header_rest_size(1));
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(file.messages[i].index == i);
    CHECK(file.messages[i].length == 4 + three[i].size() + 17);
    if (i > 0) CHECK(file.messages[i].offset == file.messages[i - 1].offset + file.messages[i - 1].length);
  }
  // The final message is the last 4 + 17 bytes.
  CHECK(file.messages[2].offset + file.messages[2].length + 21 == file.bytes.size());
}

TEST_CASE("footage: the same fragments give different files (fresh file key, fresh ephemeral keys)") {
  const auto agency = fixed_key(1);
  const auto a = write_file(three, {agency.public_key()}, crypto::system_random());
  const auto b = write_file(three, {agency.public_key()}, crypto::system_random());
  CHECK(a.bytes.size() == b.bytes.size());
  CHECK(a.bytes != b.bytes);
  CHECK(a.digests.plaintext_sha256 == b.digests.plaintext_sha256);
}

TEST_CASE("footage: the agency key and an escrow key each open the file") {
  const auto agency = fixed_key(1);
  const auto escrow = fixed_key(101);
  const auto file = write_file(three, {agency.public_key(), escrow.public_key()}, crypto::system_random());
  auto by_agency = read_all(file.bytes, agency);
  auto by_escrow = read_all(file.bytes, escrow);
  CHECK_FALSE(by_agency.stopped.has_value());
  CHECK_FALSE(by_escrow.stopped.has_value());
  CHECK(texts(by_agency) == three);
  CHECK(texts(by_escrow) == three);
}

TEST_CASE("footage: after a rotation the reader picks the old key by its key id") {
  const auto old_key = fixed_key(1);
  const auto new_key = fixed_key(50);
  const auto file = write_file(three, {old_key.public_key()}, crypto::system_random());
  std::vector<crypto::footage_secret_key> keys;
  keys.push_back(fixed_key(50));
  keys.push_back(fixed_key(1));
  crypto::memory_source source(file.bytes);
  auto reader = crypto::footage_reader::open(source, keys, "old.mp4.enc");
  REQUIRE(reader.has_value());
  CHECK(reader->opened_with() == old_key.key_id());
  CHECK(reader->opened_with() != new_key.key_id());
}

TEST_CASE("footage: sealed to another agency is not_for_this_key, naming both key ids") {
  const auto theirs = fixed_key(1);
  const auto ours = fixed_key(77);
  const auto file = write_file(three, {theirs.public_key()}, crypto::system_random());
  auto s = read_all(file.bytes, ours);
  REQUIRE(s.stopped.has_value());
  CHECK(s.stopped->code == footage_errc::not_for_this_key);
  CHECK(s.fragments.empty());
  CHECK_THAT(s.stopped->message, Catch::Contains("seg.mp4.enc") && Catch::Contains(theirs.key_id().to_hex()) &&
                                     Catch::Contains(ours.key_id().to_hex()));
}

TEST_CASE("footage: an altered envelope with our key id is envelope_unopenable") {
  const auto agency = fixed_key(1);
  auto file = write_file(three, {agency.public_key()}, crypto::system_random());
  const std::size_t sealed_at = crypto::footage_header_prefix_size + 8;
  file.bytes[sealed_at + 40] ^= 0x01;
  auto s = read_all(file.bytes, agency);
  REQUIRE(s.stopped.has_value());
  CHECK(s.stopped->code == footage_errc::envelope_unopenable);
  CHECK(s.fragments.empty());
}

TEST_CASE("footage: swap_key_envelope from another file of ours is header_mismatch") {
  const auto agency = fixed_key(1);
  auto victim = write_file(three, {agency.public_key()}, crypto::system_random());
  const auto donor = write_file({"other"}, {agency.public_key()}, crypto::system_random());
  const std::size_t at = crypto::footage_header_prefix_size;
  std::copy_n(donor.bytes.begin() + at, crypto::footage_envelope_size, victim.bytes.begin() + at);
  auto s = read_all(victim.bytes, agency);
  REQUIRE(s.stopped.has_value());
  CHECK(s.stopped->code == footage_errc::header_mismatch);
  CHECK(s.fragments.empty());
  CHECK_THAT(s.stopped->message, Catch::Contains("seg.mp4.enc") && Catch::Contains("swapped"));
}

TEST_CASE("footage: replace_escrow_envelope is header_mismatch for the agency too") {
  const auto agency = fixed_key(1);
  const auto escrow = fixed_key(101);
  const auto rogue = fixed_key(200);
  auto file = write_file(three, {agency.public_key(), escrow.public_key()}, crypto::system_random());
  // A new envelope for the rogue key, sealing a random key, in the escrow's place.
  std::vector<std::uint8_t> junk_key(32, 0x42);
  const auto envelope = crypto::seal_file_key(rogue.public_key(), junk_key, crypto::system_random()).value();
  const std::size_t at = crypto::footage_header_prefix_size + crypto::footage_envelope_size;
  std::copy(envelope.key_id.bytes.begin(), envelope.key_id.bytes.end(), file.bytes.begin() + at);
  std::copy(envelope.sealed.begin(), envelope.sealed.end(), file.bytes.begin() + at + 8);
  auto s = read_all(file.bytes, agency);
  REQUIRE(s.stopped.has_value());
  CHECK(s.stopped->code == footage_errc::header_mismatch);
}

TEST_CASE("footage: flip_byte_in_fragment names the message; earlier fragments are returned") {
  const auto agency = fixed_key(1);
  for (std::size_t victim = 0; victim < 3; ++victim) {
    auto file = write_file(three, {agency.public_key()}, crypto::system_random());
    file.bytes[file.messages[victim].offset + 4 + 3] ^= 0x80;
    auto s = read_all(file.bytes, agency);
    REQUIRE(s.stopped.has_value());
    CHECK(s.stopped->code == footage_errc::tampered_message);
    CHECK(s.stopped->message_index == victim);
    CHECK_THAT(s.stopped->message, Catch::Contains("message " + std::to_string(victim)));
    CHECK(s.fragments.size() == victim);
  }
}

TEST_CASE("footage: swap_two_fragments and remove_one_fragment are tampered_message at the first wrong one") {
  const auto agency = fixed_key(1);
  const std::vector<std::string> same_size = {"AAAA", "BBBB", "CCCC"};
  const auto file = write_file(same_size, {agency.public_key()}, crypto::system_random());
  const auto& m = file.messages;
  core::byte_buffer swapped = file.bytes;
  std::copy_n(file.bytes.begin() + static_cast<std::ptrdiff_t>(m[2].offset), m[2].length,
              swapped.begin() + static_cast<std::ptrdiff_t>(m[1].offset));
  std::copy_n(file.bytes.begin() + static_cast<std::ptrdiff_t>(m[1].offset), m[1].length,
              swapped.begin() + static_cast<std::ptrdiff_t>(m[2].offset));
  auto s = read_all(swapped, agency);
  REQUIRE(s.stopped.has_value());
  CHECK(s.stopped->code == footage_errc::tampered_message);
  CHECK(s.stopped->message_index == 1);
  CHECK(texts(s) == std::vector<std::string>{"AAAA"});

  core::byte_buffer removed = file.bytes;
  removed.erase(removed.begin() + static_cast<std::ptrdiff_t>(m[1].offset),
                removed.begin() + static_cast<std::ptrdiff_t>(m[1].offset + m[1].length));
  s = read_all(removed, agency);
  REQUIRE(s.stopped.has_value());
  CHECK(s.stopped->code == footage_errc::tampered_message);
  CHECK(s.stopped->message_index == 1);
}

TEST_CASE("footage: drop_final_message is truncated with every fragment returned") {
  const auto agency = fixed_key(1);
  const auto file = write_file(three, {agency.public_key()}, crypto::system_random(), /*finish=*/false);
  auto s = read_all(file.bytes, agency);
  REQUIRE(s.stopped.has_value());
  CHECK(s.stopped->code == footage_errc::truncated);
  CHECK(s.stopped->message_index == 3);
  CHECK(texts(s) == three);
}

TEST_CASE("footage: append_after_final is trailing_bytes") {
  const auto agency = fixed_key(1);
  auto file = write_file(three, {agency.public_key()}, crypto::system_random());
  file.bytes.push_back(0);
  auto s = read_all(file.bytes, agency);
  REQUIRE(s.stopped.has_value());
  CHECK(s.stopped->code == footage_errc::trailing_bytes);
  CHECK(s.fragments.size() == 3);
}

TEST_CASE("footage: not this format, another version, a bad envelope count") {
  const auto agency = fixed_key(1);
  auto file = write_file(three, {agency.public_key()}, crypto::system_random());
  auto magic = file.bytes;
  magic[0] = 'B';
  CHECK(read_all(magic, agency).stopped->code == footage_errc::malformed_header);
  auto version = file.bytes;
  version[16] = 2;
  CHECK(read_all(version, agency).stopped->code == footage_errc::unsupported_version);
  auto count = file.bytes;
  count[17] = 9;
  CHECK(read_all(count, agency).stopped->code == footage_errc::malformed_header);
  auto length = file.bytes;
  length[file.messages[0].offset] = 0xff;  // a length prefix of over 4 GB
  auto s = read_all(length, agency);
  CHECK(s.stopped->code == footage_errc::tampered_message);
  CHECK(s.stopped->message_index == 0);
}

TEST_CASE("footage: power cut at every byte offset of a 3-fragment file") {
  const auto agency = fixed_key(1);
  const auto file = write_file(three, {agency.public_key()}, crypto::system_random());
  const std::size_t header_end = file.messages[0].offset;
  std::size_t cuts = 0;
  for (std::size_t cut = 0; cut < file.bytes.size(); ++cut) {
    INFO("cut at byte " << cut << " of " << file.bytes.size());
    auto s = read_all(core::byte_view(file.bytes.data(), cut), agency);
    REQUIRE(s.stopped.has_value());
    CHECK(s.stopped->code == footage_errc::truncated);
    // Fragments complete before the cut: those whose message ends at or before it.
    std::size_t complete = 0;
    for (const auto& m : file.messages)
      if (m.offset + m.length <= cut) ++complete;
    CHECK(s.fragments.size() == complete);
    CHECK(s.stopped->message_index == (cut < header_end ? 0 : complete));
    for (std::size_t i = 0; i < s.fragments.size(); ++i) CHECK(text_of(s.fragments[i]) == three[i]);
    ++cuts;
  }
  CHECK(cuts == file.bytes.size());
  CHECK_FALSE(read_all(file.bytes, agency).stopped.has_value());
}

TEST_CASE("footage: power cut inside the last fragment keeps every earlier fragment") {
  const auto agency = fixed_key(1);
  std::vector<std::string> fragments;
  for (int i = 0; i < 20; ++i) fragments.push_back(std::string(1000 + static_cast<std::size_t>(i), static_cast<char>('a' + i)));
  const auto file = write_file(fragments, {agency.public_key()}, crypto::system_random(), /*finish=*/false);
  const auto& last = file.messages.back();
  auto s = read_all(core::byte_view(file.bytes.data(), last.offset + last.length / 2), agency);
  REQUIRE(s.stopped.has_value());
  CHECK(s.stopped->code == footage_errc::truncated);
  CHECK(s.stopped->message_index == 19);
  REQUIRE(s.fragments.size() == 19);
  for (std::size_t i = 0; i < 19; ++i) CHECK(text_of(s.fragments[i]) == fragments[i]);
}

TEST_CASE("footage: random tamper property — any single altered byte is detected") {
  const std::uint32_t seed = bodycam::tests::test_seed("footage random tamper");
  std::mt19937 rng(seed);
  const auto agency = fixed_key(1);
  const auto file = write_file(three, {agency.public_key()}, crypto::system_random());
  std::size_t detected = 0;
  constexpr int rounds = 300;
  for (int round = 0; round < rounds; ++round) {
    auto bytes = file.bytes;
    const std::size_t at = std::uniform_int_distribution<std::size_t>(0, bytes.size() - 1)(rng);
    const auto flip = static_cast<std::uint8_t>(std::uniform_int_distribution<int>(1, 255)(rng));
    bytes[at] ^= flip;
    INFO("seed " << seed << " round " << round << " byte " << at << " xor " << int(flip));
    auto s = read_all(bytes, agency);
    REQUIRE(s.stopped.has_value());
    // Never a fragment that was not written.
    for (std::size_t i = 0; i < s.fragments.size(); ++i) CHECK(text_of(s.fragments[i]) == three[i]);
    CHECK(s.fragments.size() <= s.stopped->message_index);
    CHECK(s.stopped->code != footage_errc::internal);
    CHECK(s.stopped->code != footage_errc::read_failed);
    ++detected;
  }
  CHECK(detected == rounds);
}

TEST_CASE("footage: the writer refuses bad calls and stops after a sink failure") {
  const auto agency = fixed_key(1);
  std::vector<crypto::footage_public_key> none;
  crypto::memory_sink sink;
  CHECK_FALSE(crypto::footage_writer::start(sink, none, crypto::system_random()).has_value());
  std::vector<crypto::footage_public_key> five(5, agency.public_key());
  CHECK_FALSE(crypto::footage_writer::start(sink, five, crypto::system_random()).has_value());

  struct failing_sink final : crypto::footage_sink {
    int writes_left;
    explicit failing_sink(int n) : writes_left(n) {}
    core::status write(core::byte_view) override {
      if (writes_left-- <= 0) return core::fail(core::errc::no_space, "write seg.mp4.enc: No space left on device");
      return {};
    }
  };
  failing_sink fails_second(1);
  std::vector<crypto::footage_public_key> one{agency.public_key()};
  auto writer = crypto::footage_writer::start(fails_second, one, crypto::system_random());
  REQUIRE(writer.has_value());
  CHECK_FALSE(writer->append_fragment(core::byte_view()).has_value());  // empty fragment refused
  auto failed = writer->append_fragment(view_of("x"));
  REQUIRE_FALSE(failed.has_value());
  CHECK(failed.error().code == core::errc::no_space);
  CHECK_THAT(failed.error().context, Catch::Contains("message 0"));
  fails_second.writes_left = 100;
  CHECK(writer->append_fragment(view_of("y")).error().code == core::errc::conflict);
  CHECK(writer->finish().error().code == core::errc::conflict);
}

TEST_CASE("footage: an envelope opens with libsodium's own crypto_box_seal_open") {
  const auto agency = fixed_key(1);
  std::vector<std::uint8_t> file_key(32);
  for (std::size_t i = 0; i < 32; ++i) file_key[i] = static_cast<std::uint8_t>(i * 7);
  const auto envelope = crypto::seal_file_key(agency.public_key(), file_key, crypto::system_random()).value();
  std::vector<std::uint8_t> opened(32);
  REQUIRE(crypto_box_seal_open(opened.data(), envelope.sealed.data(), envelope.sealed.size(),
                               agency.public_key().bytes.data(), agency.secret().data()) == 0);
  CHECK(opened == file_key);
  CHECK(envelope.key_id == agency.key_id());
}

TEST_CASE("secretstream pull on libcrypto equals libsodium's, message for message, rekey included") {
  const std::uint32_t seed = bodycam::tests::test_seed("secretstream pull equivalence");
  std::mt19937 rng(seed);
  std::array<std::uint8_t, crypto_secretstream_xchacha20poly1305_KEYBYTES> key{};
  std::array<std::uint8_t, crypto_secretstream_xchacha20poly1305_HEADERBYTES> header{};
  crypto::deterministic_random_for_tests(seed)(key);
  crypto_secretstream_xchacha20poly1305_state push_state, pull_state;
  crypto_secretstream_xchacha20poly1305_init_push(&push_state, header.data(), key.data());
  crypto_secretstream_xchacha20poly1305_init_pull(&pull_state, header.data(), key.data());
  auto puller = crypto::secretstream_puller::create(&pull_state);
  REQUIRE(puller.has_value());
  std::size_t compared = 0;
  for (int i = 0; i < 200; ++i) {
    const std::size_t mlen = std::uniform_int_distribution<std::size_t>(0, 300)(rng);
    std::vector<std::uint8_t> m(mlen), ad(static_cast<std::size_t>(i % 3 == 0 ? 0 : (i % 37)));
    for (auto& b : m) b = static_cast<std::uint8_t>(rng());
    for (auto& b : ad) b = static_cast<std::uint8_t>(rng());
    const unsigned char tag = i % 10 == 9 ? crypto_secretstream_xchacha20poly1305_TAG_REKEY
                                          : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
    std::vector<std::uint8_t> c(mlen + 17);
    crypto_secretstream_xchacha20poly1305_push(&push_state, c.data(), nullptr, m.data(), m.size(), ad.data(),
                                               ad.size(), tag);
    INFO("seed " << seed << " message " << i << " mlen " << mlen);
    if (i % 50 == 7) {  // a forged copy is refused and leaves the state as it was
      auto forged = c;
      forged[forged.size() / 2] ^= 0x01;
      std::vector<std::uint8_t> junk(mlen);
      unsigned char t = 0;
      CHECK_FALSE(puller->pull(junk.data(), t, forged, ad));
    }
    std::vector<std::uint8_t> out(mlen);
    unsigned char got_tag = 0xff;
    REQUIRE(puller->pull(out.data(), got_tag, c, ad));
    CHECK(out == m);
    CHECK(got_tag == tag);
    ++compared;
  }
  CHECK(compared == 200);
}

}  // namespace footage_test

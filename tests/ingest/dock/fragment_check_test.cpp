// The dock's fragment check on small synthetic fragmented-MP4 layouts: ftyp, moov, (moof, mdat)×n, mfra; and
// on the same layouts encrypted (docs/formats/chain.md §4.2), checked without a key.
#include "ingest/dock/fragment_check.hpp"

#include "common/core/durable_file.hpp"
#include "common/crypto/footage_key.hpp"
#include "common/crypto/footage_writer.hpp"
#include "common/crypto/merkle.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

using namespace bodycam;
using namespace bodycam::common;

namespace {

void put_box(core::byte_buffer& out, std::string_view type, std::size_t payload, std::uint8_t fill) {
  const auto size = static_cast<std::uint32_t>(payload + 8);
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(size >> shift));
  out.insert(out.end(), type.begin(), type.end());
  out.insert(out.end(), payload, fill);
}

struct layout {
  core::byte_buffer bytes;
  ingest::dock::fragment_expectation want;
};

layout make_layout(int fragments, bool mfra) {
  layout l;
  put_box(l.bytes, "ftyp", 16, 1);
  put_box(l.bytes, "moov", 100, 2);
  l.want.init_sha256 = crypto::sha256(l.bytes);
  std::vector<crypto::sha256_digest> leaves;
  for (int i = 0; i < fragments; ++i) {
    const auto start = l.bytes.size();
    put_box(l.bytes, "moof", 40, static_cast<std::uint8_t>(10 + i));
    put_box(l.bytes, "mdat", 300 + static_cast<std::size_t>(i), static_cast<std::uint8_t>(50 + i));
    leaves.push_back(crypto::sha256(core::byte_view(l.bytes).subspan(start)));
  }
  if (mfra) put_box(l.bytes, "mfra", 20, 9);
  l.want.fragment_count = static_cast<std::uint32_t>(fragments);
  l.want.fragment_root = crypto::merkle_root(leaves);
  return l;
}

// The layout encrypted as the camera writes it: the init part (ftyp + moov) is message 0, each fragment one
// message, an mfra box one more, then the final message; the expectation is over the ciphertext.
layout encrypt_layout(const layout& plain, int fragments, bool mfra) {
  const auto agency = crypto::footage_secret_key::generate(crypto::deterministic_random_for_tests(7)).value();
  const std::array<crypto::footage_public_key, 1> keys{agency.public_key()};
  crypto::memory_sink sink;
  auto writer = crypto::footage_writer::start(sink, keys, crypto::deterministic_random_for_tests(8)).value();
  std::vector<std::pair<std::size_t, std::size_t>> parts;  // plaintext spans: init, fragments, mfra
  const std::size_t init = 8 + 16 + 8 + 100;
  parts.emplace_back(0, init);
  std::size_t at = init;
  for (int i = 0; i < fragments; ++i) {
    const std::size_t n = 8 + 40 + 8 + 300 + static_cast<std::size_t>(i);
    parts.emplace_back(at, n);
    at += n;
  }
  if (mfra) parts.emplace_back(at, plain.bytes.size() - at);
  layout l;
  std::vector<crypto::sha256_digest> leaves;
  for (std::size_t k = 0; k < parts.size(); ++k) {
    const auto where = writer.append_fragment(core::byte_view(plain.bytes).subspan(parts[k].first, parts[k].second)).value();
    if (k == 0) l.want.init_sha256 = crypto::sha256(core::byte_view(sink.bytes()).first(where.offset + where.length));
    else if (k <= static_cast<std::size_t>(fragments))
      leaves.push_back(crypto::sha256(core::byte_view(sink.bytes()).subspan(where.offset, where.length)));
  }
  REQUIRE(writer.finish().has_value());
  l.bytes = sink.bytes();
  l.want.fragment_count = static_cast<std::uint32_t>(fragments);
  l.want.fragment_root = crypto::merkle_root(leaves);
  l.want.encrypted = true;
  return l;
}

// The walk on bytes as they arrive, in pieces of `piece` bytes.
std::optional<std::string> stream_check(const layout& l, std::size_t piece) {
  ingest::dock::fragment_stream stream(l.want);
  for (std::size_t at = 0; at < l.bytes.size(); at += piece)
    stream.update(core::byte_view(l.bytes).subspan(at, std::min(piece, l.bytes.size() - at)));
  return stream.finish();
}

// The file check, and the same answer from the walk on the bytes as they arrive in pieces of any size (a
// header or a box split anywhere).
std::optional<std::string> check(const layout& l) {
  tests::temp_dir dir;
  const auto path = std::filesystem::path(dir.path()) / "seg.mp4";
  REQUIRE(core::write_file_durably(path, l.bytes).has_value());
  auto r = ingest::dock::check_fragments(path, l.want);
  REQUIRE(r.has_value());
  for (const std::size_t piece : {std::size_t{1}, std::size_t{3}, std::size_t{7}, std::size_t{64}, l.bytes.size() + 1}) {
    INFO("pieces of " << piece << " bytes");
    CHECK(stream_check(l, piece) == *r);
  }
  return *r;
}

}  // namespace

TEST_CASE("a segment whose fragments match its record passes the fragment check") {
  CHECK_FALSE(check(make_layout(5, true)).has_value());
  CHECK_FALSE(check(make_layout(1, false)).has_value());
  // A salvaged segment: the record counts 3 fragments, a 4th and a cut-short box follow (unsigned tail).
  auto salvaged = make_layout(4, false);
  salvaged.want.fragment_count = 3;
  auto three = make_layout(3, false);
  salvaged.want.fragment_root = three.want.fragment_root;
  salvaged.bytes.insert(salvaged.bytes.end(), {0, 0, 1, 0, 'm', 'o'});
  CHECK_FALSE(check(salvaged).has_value());
}

TEST_CASE("fragment check mismatches are named") {
  auto wrong_root = make_layout(4, true);
  wrong_root.want.fragment_root.bytes[0] ^= 1;
  CHECK(check(wrong_root).value_or("") == "fragment root differs from the record");
  auto wrong_init = make_layout(2, false);
  wrong_init.want.init_sha256.bytes[5] ^= 1;
  CHECK(check(wrong_init).value_or("").find("init part") != std::string::npos);
  auto too_few = make_layout(2, false);
  too_few.want.fragment_count = 3;
  CHECK(check(too_few).value_or("").find("2 complete fragments") != std::string::npos);
  auto not_mp4 = make_layout(2, false);
  not_mp4.bytes[4] = 'x';  // ftyp -> xtyp
  CHECK(check(not_mp4).value_or("").find("ftyp") != std::string::npos);
  auto tiny_box = make_layout(2, false);
  tiny_box.bytes[3] = 4;  // ftyp declares 4 bytes: less than its header
  CHECK(check(tiny_box).value_or("").find("less than its header") != std::string::npos);
  auto cut_fragment = make_layout(3, false);
  cut_fragment.bytes.resize(cut_fragment.bytes.size() - 5);  // the last mdat runs past the end
  CHECK(check(cut_fragment).value_or("").find("2 complete fragments") != std::string::npos);
}

TEST_CASE("an encrypted segment is checked on its ciphertext messages, without a key") {
  const auto ok = encrypt_layout(make_layout(5, true), 5, true);
  CHECK_FALSE(check(ok).has_value());
  CHECK_FALSE(check(encrypt_layout(make_layout(1, false), 1, false)).has_value());

  auto as_mp4 = ok;  // the same bytes walked as a file in the clear are no MP4
  as_mp4.want.encrypted = false;
  CHECK(check(as_mp4).has_value());

  auto flipped = ok;  // flip_byte_in_fragment: a byte of fragment 2's ciphertext
  flipped.bytes[flipped.bytes.size() / 2] ^= 0x01;
  CHECK(check(flipped).value_or("") == "fragment root differs from the record");
  auto wrong_init = ok;
  wrong_init.bytes[200] ^= 0x01;  // inside the header's envelope or message 0
  CHECK(check(wrong_init).value_or("").find("init part (header + message 0)") != std::string::npos);
  auto cut = encrypt_layout(make_layout(3, false), 3, false);
  cut.bytes.resize(cut.bytes.size() - 21 - 5);  // the final message gone and the last fragment cut short
  CHECK(check(cut).value_or("").find("2 complete fragment messages, the record 3") != std::string::npos);
  // The camera's record after the power cut counts the 2 complete ones (same keys and randomness, so the
  // 2-fragment file's messages are the first ones of the 3-fragment file); the cut message is unsigned tail.
  auto salvaged = cut;
  const auto two = encrypt_layout(make_layout(2, false), 2, false);
  salvaged.want = two.want;
  CHECK_FALSE(check(salvaged).has_value());
  auto not_footage = ok;
  not_footage.bytes[0] = 'B';
  CHECK(check(not_footage).value_or("").find("no encrypted footage file") != std::string::npos);
  auto bad_length = ok;
  const std::size_t first_prefix = 74 + 88;  // one envelope
  bad_length.bytes[first_prefix] = 0x7f;      // message 0 claims ~2 GiB
  CHECK(check(bad_length).value_or("").find("outside 17 .. 17 + 64 MiB") != std::string::npos);
}

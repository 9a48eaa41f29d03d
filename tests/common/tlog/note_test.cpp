// Signed notes, checkpoints and cosignatures: Go's sumdb/note vectors (PeterNeumann, EnochRoot), malformed
// notes each refused with the reason, and cosignatures bound to their checkpoint and time.
#include "common/tlog/base64.hpp"
#include "common/tlog/checkpoint.hpp"
#include "common/tlog/cosignature.hpp"
#include "common/tlog/note.hpp"
#include "tests/support/chain_scenario.hpp"

#include <catch2/catch.hpp>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace note_test {

using namespace bodycam::common;
using namespace bodycam::common::tlog;

namespace {

const std::string peter_vkey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const std::string peter_skey = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const std::string enoch_vkey = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
const std::string text =
    "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const std::string peter_sig =
    "\xE2\x80\x94 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
const std::string enoch_sig =
    "\xE2\x80\x94 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

core::errc open_error(std::string_view note, std::span<const note_verifier> known, const note_limits& limits = {}) {
  const auto n = open_note(note, known, limits);
  REQUIRE_FALSE(n);
  INFO(n.error().context);
  CHECK(n.error().context.starts_with("open note: "));
  return n.error().code;
}

}  // namespace

TEST_CASE("Go's PeterNeumann key: verifier key parses, formats back, and its key id is SHA-256(name||0x0A||0x01||key)") {
  const auto v = parse_verifier_key(peter_vkey).value();
  CHECK(v.name == "PeterNeumann");
  CHECK(v.id == 0xc74f20a3);
  CHECK(v.type == key_type::ed25519);
  CHECK(format_verifier_key(v) == peter_vkey);
  CHECK(compute_key_id("PeterNeumann", key_type::ed25519, v.key) == 0xc74f20a3);
  const auto s = parse_signer_key(peter_skey).value();
  CHECK(s.key.public_key() == v.key);
  CHECK(s.id == v.id);
}

TEST_CASE("signing Go's note text with Go's key gives Go's signed note byte for byte") {
  auto s = parse_signer_key(peter_skey).value();
  crypto::software_signer signer(std::move(s.key));
  CHECK(sign_note(text, "PeterNeumann", signer).value() == text + "\n" + peter_sig);
}

TEST_CASE("open_note: Go's note with a known and an unknown signature") {
  const note_verifier peter[] = {parse_verifier_key(peter_vkey).value()};
  const auto n = open_note(text + "\n" + peter_sig + enoch_sig, peter).value();
  CHECK(n.text == text);
  REQUIRE(n.verified.size() == 1);
  CHECK(n.verified[0].name == "PeterNeumann");
  REQUIRE(n.unverified.size() == 1);
  CHECK(n.unverified[0].name == "EnochRoot");
  CHECK(n.unverified[0].id == 0xaf0cfe78);

  const note_verifier both[] = {peter[0], parse_verifier_key(enoch_vkey).value()};
  CHECK(open_note(text + "\n" + peter_sig + enoch_sig, both).value().verified.size() == 2);
  // A duplicated known signature counts once.
  CHECK(open_note(text + "\n" + peter_sig + peter_sig, peter).value().verified.size() == 1);
}

TEST_CASE("malformed and forged notes are refused, each with its reason") {
  const note_verifier peter[] = {parse_verifier_key(peter_vkey).value()};
  const std::string good = text + "\n" + peter_sig;
  SECTION("missing_blank_line") { CHECK(open_error(text + peter_sig, peter) == core::errc::malformed); }
  SECTION("bad_base64") {
    auto bad = good;
    bad.replace(bad.find("x08go"), 1, "!");
    CHECK(open_error(bad, peter) == core::errc::malformed);
  }
  SECTION("non_canonical_base64_padding_bits") {
    auto bad = good;
    bad.replace(bad.find("AM=\n"), 3, "AN=");
    CHECK(open_error(bad, peter) == core::errc::malformed);
  }
  SECTION("unknown_key") {
    const note_verifier enoch[] = {parse_verifier_key(enoch_vkey).value()};
    CHECK(open_error(good, enoch) == core::errc::bad_signature);
  }
  SECTION("too_many_signatures") {
    std::string many = text + "\n";
    for (int i = 0; i < 101; ++i) many += enoch_sig;
    CHECK(open_error(many, peter) == core::errc::malformed);
    CHECK(open_error(good, peter, note_limits{1 << 20, 0}) == core::errc::malformed);
  }
  SECTION("too_large") { CHECK(open_error(good, peter, note_limits{good.size() - 1, 100}) == core::errc::malformed); }
  SECTION("text_changed_under_signature") {
    auto bad = good;
    bad[3] = 'X';
    CHECK(open_error(bad, peter) == core::errc::bad_signature);
  }
  SECTION("signature_line_without_em_dash") { CHECK(open_error(text + "\n- PeterNeumann x08go\n", peter) == core::errc::malformed); }
  SECTION("no_final_newline") { CHECK(open_error(good.substr(0, good.size() - 1), peter) == core::errc::malformed); }
  SECTION("control_character") {
    auto bad = good;
    bad[5] = '\t';
    CHECK(open_error(bad, peter) == core::errc::malformed);
  }
  SECTION("invalid_utf8") {
    auto bad = good;
    bad[5] = '\xff';
    CHECK(open_error(bad, peter) == core::errc::malformed);
  }
  SECTION("signature_too_short") { CHECK(open_error(text + "\n\xE2\x80\x94 PeterNeumann AAAA\n", peter) == core::errc::malformed); }
  SECTION("key_name_with_plus") {
    CHECK(open_error(text + "\n\xE2\x80\x94 Peter+Neumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
                     peter) == core::errc::malformed);
  }
}

TEST_CASE("verifier keys: wrong key id, wrong length, unknown type, bad names are refused") {
  CHECK_FALSE(parse_verifier_key("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"));
  CHECK_FALSE(parse_verifier_key("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=="));
  const auto unknown = parse_verifier_key("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW");
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().code == core::errc::unsupported);
  CHECK_FALSE(parse_verifier_key("Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"));
  CHECK_FALSE(parse_verifier_key("PeterNeumann+c74f20a3"));
  CHECK_FALSE(is_valid_key_name(""));
  CHECK_FALSE(is_valid_key_name("a\xC2\xA0" "b"));  // NO-BREAK SPACE
  CHECK(is_valid_key_name("example.com/log"));
}

TEST_CASE("checkpoints: the C2SP shape, with extension lines, and strict refusals") {
  checkpoint c{"example.com/bodycam/store", 1234, leaf_hash("x"), {"ext one"}};
  const auto body = format_checkpoint(c);
  CHECK(body == "example.com/bodycam/store\n1234\n" + encode_base64(c.root.bytes) + "\next one\n");
  CHECK(parse_checkpoint(body).value() == c);
  const std::string root = encode_base64(c.root.bytes);
  for (const std::string& bad : std::vector<std::string>{"o\n1234\n" + root, "o\n01\n" + root + "\n", "o\n-1\n" + root + "\n",
                                "o\n12a\n" + root + "\n", "\n1\n" + root + "\n", "o\n1\n" + root.substr(4) + "\n",
                                "o\n1\n" + root + "\n\n", "o\n1\n", "o\n18446744073709551616\n" + root + "\n",
                                "o\n1\nAAAA\n"}) {
    INFO(bad);
    const auto p = parse_checkpoint(bad);
    REQUIRE_FALSE(p);
    CHECK(p.error().context.starts_with("parse checkpoint: "));
  }
  CHECK(parse_checkpoint("o\n0\n" + encode_base64(empty_tree_hash().bytes) + "\n").value().size == 0);
}

TEST_CASE("cosignature v1: message layout, key id type 0x04, timestamp inside the signature, bound to the checkpoint") {
  auto witness = crypto::software_signer(bodycam::tests::fixed_key(0x11));
  const checkpoint c{"example.com/log", 7, leaf_hash("r"), {}};
  const auto body = format_checkpoint(c);
  const std::chrono::sys_seconds t{std::chrono::seconds(1700000000)};
  CHECK(cosignature_message(body, t) == "cosignature/v1\ntime 1700000000\n" + body);

  const auto line = cosign_checkpoint(body, "witness.example", witness, t).value();
  const auto v = make_note_verifier("witness.example", key_type::cosignature_v1, witness.public_key()).value();
  CHECK(v.id != compute_key_id("witness.example", key_type::ed25519, witness.public_key()));
  const auto b64 = line.substr(line.rfind(' ') + 1, line.size() - line.rfind(' ') - 2);
  const auto raw = decode_base64(b64, "test").value();
  REQUIRE(raw.size() == 4 + 8 + 64);
  CHECK(raw[0] == static_cast<std::uint8_t>(v.id >> 24));
  CHECK(raw[11] == static_cast<std::uint8_t>(1700000000 & 0xff));
  CHECK(verify_cosignature(body, witness.public_key(), core::byte_view(raw).subspan(4)).value() == t);
  const auto vk = format_verifier_key(v);
  CHECK(parse_verifier_key(vk).value().type == key_type::cosignature_v1);

  auto log = crypto::software_signer(bodycam::tests::fixed_key(0x22));
  const auto log_v = make_note_verifier("example.com/log", key_type::ed25519, log.public_key()).value();
  const auto signed_note = sign_note(body, "example.com/log", log).value() + line;
  const note_verifier both[] = {log_v, v};
  const auto opened = open_note(signed_note, both).value();
  REQUIRE(opened.verified.size() == 2);
  CHECK(opened.verified[1].cosigned_at == t);

  SECTION("replay_cosignature_on_another_checkpoint") {
    const auto other = format_checkpoint({"example.com/log", 8, leaf_hash("r"), {}});
    CHECK_FALSE(verify_cosignature(other, witness.public_key(), core::byte_view(raw).subspan(4)));
  }
  SECTION("change_the_timestamp") {
    auto moved = raw;
    moved[11] ^= 1;
    CHECK_FALSE(verify_cosignature(body, witness.public_key(), core::byte_view(moved).subspan(4)));
  }
  SECTION("cosignature_truncated") {
    CHECK_FALSE(verify_cosignature(body, witness.public_key(), core::byte_view(raw).subspan(4, 71)));
  }
}

TEST_CASE("golden vectors of docs/formats/log.md: a signed checkpoint and a cosignature with fixed keys") {
  auto log = crypto::software_signer(bodycam::tests::fixed_key(0x22));
  auto witness = crypto::software_signer(bodycam::tests::fixed_key(0x11));
  const auto log_v = make_note_verifier("example.com/log", key_type::ed25519, log.public_key()).value();
  const auto witness_v = make_note_verifier("witness.example", key_type::cosignature_v1, witness.public_key()).value();
  const auto body = format_checkpoint({"example.com/log", 7, leaf_hash("r"), {}});
  const auto note = sign_note(body, "example.com/log", log).value();
  const auto cosig = cosign_checkpoint(body, "witness.example", witness, std::chrono::sys_seconds{std::chrono::seconds(1700000000)}).value();
  CHECK(format_verifier_key(log_v) == "example.com/log+50ad26ba+AaCapfR6Z1mAL/lV+NwtKhSlyZ0jvpf4ZBJ/+Tg0VaTw");
  CHECK(format_verifier_key(witness_v) == "witness.example+9015da11+BNBKsjJ0K7SrOhNovUYV5ObQIkq3GgFrr4UgozLJd4c3");
  CHECK(leaf_hash("r").to_hex() == "6a9997023a65253995105d37bf8f950a39d5e75667f1b8e0a65bf12f2ddf06c2");
  // Checked independently with Python's cryptography package (Ed25519 and SHA-256 only) when pinned.
  CHECK(note + cosig ==
        "example.com/log\n7\napmXAjplJTmVEF03v4+VCjnV51Zn8bjgplvxLy3fBsI=\n\n"
        "\xE2\x80\x94 example.com/log "
        "UK0muvN3KQGfZI5u0cPFJmxdrEj1gvpxu1vHx/F722evegcGda/JGixjd4YWbAhgkfdsw4eVme9kl+1DSc5KLu0nzwU=\n"
        "\xE2\x80\x94 witness.example "
        "kBXaEQAAAABlU/EAzQ8gL5En7Ytz2nZar1cZyn/HKQa+5GOJA8pcdscqYf6x5EJOignpZn83pcK7A3g1hlpVsMw1jt9GacOLyNGCDQ==\n");
  const note_verifier both[] = {log_v, witness_v};
  const auto opened = open_note(note + cosig, both).value();
  REQUIRE(opened.verified.size() == 2);
  CHECK(opened.verified[1].cosigned_at == std::chrono::sys_seconds{std::chrono::seconds(1700000000)});
}

}  // namespace note_test

// Writes the binary seed corpora of fuzz/corpus/ from the project's own encoders and the tests' fixtures: a
// chain of signed records from the test scenario language, one offload message of each type, link frames,
// receipts, checkpoints, store-log leaves, store keys, tlog checkpoints, notes, tiles and entry bundles,
// enrollment and register entries, a sealed key, a witness state, a SHA256SUMS and a synthetic fMP4 file.
// Usage: fuzz_make_seeds <corpus dir>   (scripts/fuzz --seeds runs it). Text seeds written by hand (control
// lines, configs, HTTP requests, manifests) live beside them and are not touched.
// Guarantees: deterministic (fixed keys and times), so a rerun rewrites the same bytes; every file it writes
// is accepted by the parser its harness fuzzes (checked here, so a seed that stopped parsing fails loudly).
#include "common/link/frame.hpp"
#include "common/link/wire_decoder.hpp"
#include "common/offload/message.hpp"
#include "common/receipt/receipt.hpp"
#include "common/store/store_key.hpp"
#include "common/store_log/leaf.hpp"
#include "common/tlog/checkpoint.hpp"
#include "common/tlog/entry_bundle.hpp"
#include "common/tlog/note.hpp"
#include "common/tlog/tile.hpp"
#include "tests/support/chain_scenario.hpp"
#include "tools/bundle/bundle_report.hpp"
#include "tools/enrollment/enrollment_entry.hpp"
#include "tools/enrollment/sealed_key.hpp"
#include "tools/registers/register_entry.hpp"
#include "tools/witness/witness_state.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace core = bodycam::common::core;
namespace crypto = bodycam::common::crypto;
namespace record = bodycam::common::record;
namespace fs = std::filesystem;

namespace {

fs::path out_root;
int written = 0;

void must(bool ok, const std::string& what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz_make_seeds: %s\n", what.c_str());
  std::exit(1);
}

void put(const std::string& harness, const std::string& name, core::byte_view bytes) {
  const auto dir = out_root / harness;
  fs::create_directories(dir);
  std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  must(out.good(), "write " + (dir / name).string());
  ++written;
}

void put(const std::string& harness, const std::string& name, std::string_view text) {
  put(harness, name, core::byte_view(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

// (Built with reserve and push_back: GCC 12 reports a false -Warray-bounds for insert after a braced init.)
[[nodiscard]] core::byte_buffer prefixed(std::initializer_list<std::uint8_t> head, core::byte_view rest) {
  core::byte_buffer out;
  out.reserve(head.size() + rest.size());
  for (const auto b : head) out.push_back(b);
  for (const auto b : rest) out.push_back(b);
  return out;
}

[[nodiscard]] core::byte_buffer prefixed(std::uint8_t selector, core::byte_view rest) { return prefixed({selector}, rest); }

using core::text_bytes;

const record::device_id& device() {
  static const auto d = record::device_id::parse("cam-7").value();
  return d;
}

void records_and_documents() {
  bodycam::tests::chain_scenario chain("cam-7");
  chain.run("boot precheck start seg seg annotate interrupt recover resume seg stop timesync receipt reclaim rotate config");
  int i = 0;
  for (const auto& r : chain.records()) {
    must(record::decode_canonical(r.canonical()).has_value(), "a scenario record decodes");
    put("record", "canonical-" + std::to_string(i), r.canonical());
    put("record", "stored-" + std::to_string(i), r.bytes);
    ++i;
  }
  const auto checkpoint = chain.checkpoint();
  put("signed_documents", "checkpoint", prefixed(1, checkpoint.bytes));

  namespace offload = bodycam::common::offload;
  offload::checkpoint_response cp;
  cp.checkpoint = checkpoint.bytes;
  cp.battery_percent = 87;
  cp.free_bytes = 123456789;
  offload::records_response rr;
  rr.from_seq = 0;
  for (std::size_t k = 0; k < 3; ++k) rr.records.push_back(chain.records()[k].bytes);
  offload::file_response fr;
  fr.file_name = "000001.mp4";
  fr.offset = 60000;
  fr.file_length = 70000;
  fr.data = core::byte_buffer(64, 7);
  offload::timesync_request ts;
  ts.dock_id = "dock-1";
  ts.dock_key.bytes.fill(3);
  ts.dock_utc = record::utc_time(record::nanoseconds(1'795'000'000'000'000'000));
  ts.checkpoint_count = 42;
  ts.checkpoint_head.bytes.fill(4);
  ts.dock_signature.bytes.fill(5);

  crypto::software_signer dock_signer(bodycam::tests::fixed_key(2));
  bodycam::common::receipt::receipt rc;
  rc.issuer = "dock-1";
  rc.issuer_key = dock_signer.public_key();
  rc.device = device();
  rc.first_seq = 0;
  rc.end_seq = 3;
  rc.head_hash = chain.records()[2].hash;
  rc.stored_utc = record::utc_time(record::nanoseconds(1'795'000'000'123'456'789));
  bodycam::common::receipt::stored_object object;
  object.sha256 = crypto::sha256("segment");
  object.byte_length = 1'000'000;
  rc.objects = {object};
  const auto receipt = bodycam::common::receipt::sign(rc, dock_signer).value();
  put("signed_documents", "receipt", prefixed(0, receipt.document));

  const std::vector<offload::message> messages = {offload::checkpoint_request{},
                                                  cp,
                                                  offload::records_request{5, 100},
                                                  rr,
                                                  offload::file_request{"000001.mp4", 60000, 10000},
                                                  fr,
                                                  ts,
                                                  offload::receipt_request{receipt.document},
                                                  offload::appended_response{offload::append_outcome::already_recorded, 99},
                                                  offload::error_response{core::errc::not_found, "file 000001.mp4: reclaimed"}};
  for (const auto& m : messages)
    put("offload_message", std::string(offload::to_string(offload::type_of(m))), offload::encode(m).value());

  namespace log = bodycam::common::store_log;
  const auto key = bodycam::common::store::store_key::record(device(), 2);
  put("signed_documents", "leaf-record", prefixed(2, log::encode_leaf({key.str(), chain.records()[2].hash}).value()));
  const auto object_key = bodycam::common::store::store_key::object(object.sha256);
  put("signed_documents", "leaf-object", prefixed(2, log::encode_leaf({object_key.str(), object.sha256}).value()));
}

void link_frames() {
  namespace link = bodycam::common::link;
  put("link_frame", "data", link::encode_frame(link::frame::make_data(text_bytes("offload message"))).value());
  put("link_frame", "close", link::encode_frame(link::frame::make_close("dock: shutting down")).value());
  put("link_frame", "accept", link::encode_frame(link::frame::make_accept()).value());
  core::byte_buffer messages;
  for (std::string_view m : {"first noise message", "x", "a third one"}) {
    const auto wire = link::encode_wire_message(text_bytes(m)).value();
    messages.insert(messages.end(), wire.begin(), wire.end());
  }
  put("link_frame", "wire-stream", prefixed(0x05, messages));  // split after 5 bytes, full limit
}

void store_keys() {
  namespace store = bodycam::common::store;
  const auto digest = crypto::sha256("segment");
  put("store_key", "object", store::store_key::object(digest).str());
  put("store_key", "record", store::store_key::record(device(), 12345).str());
  put("store_key", "public-key", store::store_key::public_key(device()).str());
  put("store_key", "receipt-entry", store::store_key::entry(store::entry_namespace::receipts, "cam-7.0-3").value().str());
  put("store_key", "log", store::store_key::log("tile/0/000").value().str());
  put("store_key", "object-name", digest.to_hex());
  put("store_key", "seq-name", std::string("18446744073709551615"));
}

void tlog_texts() {
  namespace tlog = bodycam::common::tlog;
  tlog::checkpoint c;
  c.origin = "bodycam.example/store-log";
  c.size = 12;
  c.root = crypto::sha256("root");
  const auto text = tlog::format_checkpoint(c);
  put("tlog_checkpoint", "checkpoint", text);
  crypto::software_signer log_signer(bodycam::tests::fixed_key(3));
  put("tlog_checkpoint", "signed-note", tlog::sign_note(text, "bodycam.example/store-log", log_signer).value());
  const auto verifier = tlog::make_note_verifier("witness-1", tlog::key_type::ed25519, log_signer.public_key()).value();
  put("tlog_checkpoint", "verifier-key", tlog::format_verifier_key(verifier));

  for (const tlog::tile& t : {tlog::tile{0, 0, 256}, tlog::tile{1, 1234567, 17}, tlog::tile{tlog::entries_level, 5, 3}})
    put("tlog_tile", "path-" + std::to_string(t.level) + "-" + std::to_string(t.index),
        prefixed(0, text_bytes(tlog::tile_path(t))));
  const std::vector<core::byte_buffer> entries = {core::byte_buffer(40, 1), core::byte_buffer(1, 2), core::byte_buffer()};
  put("tlog_tile", "entry-bundle", prefixed({1, 2}, tlog::encode_entry_bundle(entries).value()));  // count 3
  core::byte_buffer hashes;
  for (int k = 0; k < 4; ++k) {
    const auto h = crypto::sha256(std::to_string(k));
    hashes.insert(hashes.end(), h.bytes.begin(), h.bytes.end());
  }
  put("tlog_tile", "tile-hashes", prefixed({2, 0, 0, 0, 0, 0, 0, 0, 3}, hashes));  // stored index 3, 4 hashes

  bodycam::tools::witness::witness_state w;
  w.origin = c.origin;
  w.last.size = c.size;
  w.last.root = c.root;
  put("witness_state", "state", bodycam::tools::witness::format_witness_state(w));
}

void clerk_documents() {
  namespace en = bodycam::tools::enrollment;
  crypto::software_signer root(bodycam::tests::fixed_key(1));
  en::enrollment_entry e;
  e.seq = 0;
  e.utc = record::utc_time(std::chrono::seconds(1'796'000'000));
  e.kind = en::subject_kind::person;
  e.subject = "clerk-1";
  e.subject_key = crypto::software_signer(bodycam::tests::fixed_key(2)).public_key();
  e.roles = 2;
  e.unit = "records";
  e.valid_from = e.utc;
  put("enrollment_entry", "person", en::sign_enrollment_entry(e, root).value().bytes);
  const auto passphrase = text_bytes("correct horse");
  put("enrollment_entry", "sealed-key",
      en::seal_secret_key(bodycam::tests::fixed_key(4), "agency-root", passphrase, en::minimum_limits()).value());

  namespace reg = bodycam::tools::registers;
  reg::register_entry r;
  r.kind = reg::entry_kind::access;
  r.utc = record::utc_time(std::chrono::seconds(1'795'000'000));
  r.department = "records unit";
  r.reference = "case 2026-117";
  r.action = "export";
  r.clerk = "clerk-1";
  reg::scope s;
  s.device = device();
  s.first_seq = 3;
  s.end_seq = 9;
  r.scopes.push_back(s);
  r.objects.push_back({crypto::sha256("x"), 1});
  put("register_entry", "access", reg::sign_entry(r, root).value().bytes);

  namespace bundle = bodycam::tools::bundle;
  put("bundle_sums", "sums",
      bundle::format_sums({{crypto::sha256("m"), "manifest.json"}, {crypto::sha256("r"), "records/cam-7/0"},
                           {crypto::sha256("o"), "objects/sha256/" + crypto::sha256("o").to_hex()}}));
}

void append_box(core::byte_buffer& out, std::string_view type, std::size_t body) {
  const auto size = static_cast<std::uint32_t>(8 + body);
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(size >> shift));
  out.insert(out.end(), type.begin(), type.end());
  out.insert(out.end(), body, std::uint8_t{0});
}

void mp4_files() {
  core::byte_buffer file;
  append_box(file, "ftyp", 16);
  append_box(file, "moov", 40);
  for (int k = 0; k < 3; ++k) {
    append_box(file, "moof", 24);
    append_box(file, "mdat", 32);
  }
  put("mp4_boxes", "fragmented", file);
  append_box(file, "mfra", 8);
  put("mp4_boxes", "with-mfra", file);
  file.erase(file.end() - 5, file.end());  // the last box loses its last 5 bytes
  put("mp4_boxes", "cut-short", file);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: fuzz_make_seeds <corpus dir>\n");
    return 2;
  }
  out_root = argv[1];
  records_and_documents();
  link_frames();
  store_keys();
  tlog_texts();
  clerk_documents();
  mp4_files();
  std::printf("fuzz_make_seeds: %d seed files under %s\n", written, out_root.c_str());
  return 0;
}

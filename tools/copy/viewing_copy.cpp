// Making and checking a viewing copy through the store port (viewing_copy.hpp invariants 1-4).
#include "tools/copy/viewing_copy.hpp"

#include "common/core/durable_file.hpp"
#include "common/core/unique_fd.hpp"
#include "common/record/record_json.hpp"
#include "tools/copy/av_remux.hpp"
#include "tools/decryption/stored_footage.hpp"
#include "tools/registers/access_outcome.hpp"
#include "tools/registers/register_book.hpp"
#include "tools/registers/register_entry.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>

#ifndef BODYCAM_VERSION
#define BODYCAM_VERSION "unknown"
#endif

namespace bodycam::tools::copy {

namespace core = common::core;
namespace crypto = common::crypto;
namespace record = common::record;
namespace store = common::store;
namespace fs = std::filesystem;

namespace {

struct session_segment {
  std::uint64_t seq = 0;
  record::segment_payload payload;
};

// Every segment record of the session, in seq order.
core::expected<std::vector<session_segment>> find_segments(const store::store& s, const record::device_id& device,
                                                           const record::session_id& session) {
  const std::string what = "session " + session.to_hex() + " of " + device.str();
  auto seqs = s.list_record_seqs(device);
  if (!seqs) return core::wrap("list the records of " + device.str(), seqs.error());
  std::vector<session_segment> out;
  for (const std::uint64_t seq : *seqs) {
    auto bytes = s.get_record(device, seq);
    if (!bytes) return core::wrap(what, bytes.error());
    auto r = record::parse_signed_record(*bytes);
    if (!r) continue;  // the audit names records that do not parse; they describe no segment here
    if (const auto* sg = std::get_if<record::segment_payload>(&r->body.body); sg && sg->session == session)
      out.push_back({seq, *sg});
  }
  if (out.empty()) return core::fail(core::errc::not_found, what + ": the store holds no segment record of it");
  return out;
}

std::string segment_name(const session_segment& g) {
  return "segment " + std::to_string(g.payload.index) + " (record " + std::to_string(g.seq) + ", " +
         g.payload.file_name + ", " + store_key_of(g.payload.file_sha256) + ")";
}

// Removes the files it was given when it goes out of scope (invariant 3).
class staged_files {
 public:
  staged_files() = default;
  staged_files(const staged_files&) = delete;
  staged_files& operator=(const staged_files&) = delete;
  ~staged_files() {
    for (const auto& p : paths_) ::unlink(p.c_str());
  }
  void add(fs::path p) { paths_.push_back(std::move(p)); }

 private:
  std::vector<fs::path> paths_;
};

// Invariant 2: the object re-hashed as it is staged. Returns "" when staged, else the reason it was not
// ("missing", "mismatch") with the error for the refusal.
struct stage_result {
  std::string left_out;
  std::optional<core::error> why;
};

// Invariant 5: an encrypted segment staged as its plaintext, both hashes checked against the record.
core::expected<stage_result> stage_encrypted(const store::store& s, const session_segment& g, const fs::path& to,
                                             decryption::footage_key_chest* keys) {
  const std::string name = segment_name(g);
  if (keys == nullptr)
    return core::fail(core::errc::permission, name + " is encrypted footage and no footage key was given");
  auto present = s.has_object(g.payload.file_sha256);
  if (!present) return core::wrap("read " + name, present.error());
  if (!*present) return stage_result{"missing", core::error{core::errc::not_found, name + " is missing from the store"}};
  core::unique_fd fd(::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd.is_open()) return core::fail_errno("create", to.string(), errno);
  crypto::fd_sink sink(fd.get(), to);
  auto done = decryption::decrypt_stored_file(
      s, {name, g.payload.file_sha256, g.payload.byte_length, *g.payload.encrypted}, *keys, sink);
  if (!done) {
    if (done.error().code == core::errc::corrupt) return stage_result{"mismatch", done.error()};
    return std::unexpected(done.error());
  }
  return stage_result{};
}

core::expected<stage_result> stage_segment(const store::store& s, const session_segment& g, const fs::path& to,
                                           decryption::footage_key_chest* keys) {
  if (g.payload.encrypted) return stage_encrypted(s, g, to, keys);
  const std::string name = segment_name(g);
  auto reader = s.open_object(g.payload.file_sha256);
  if (!reader) {
    if (reader.error().code == core::errc::not_found)
      return stage_result{"missing", core::error{core::errc::not_found, name + " is missing from the store"}};
    return core::wrap("read " + name, reader.error());
  }
  core::unique_fd fd(::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd.is_open()) return core::fail_errno("create", to.string(), errno);
  crypto::sha256_hasher hasher;
  core::byte_buffer buffer(std::size_t{256} * 1024);
  std::uint64_t size = 0;
  for (;;) {
    auto n = (*reader)->read(buffer);
    if (!n) return core::wrap("read " + name, n.error());
    if (*n == 0) break;
    hasher.update(core::byte_view(buffer).first(*n));
    size += *n;
    if (auto ok = core::write_all(fd.get(), core::byte_view(buffer).first(*n), to); !ok)
      return std::unexpected(ok.error());
  }
  if (hasher.finish() != g.payload.file_sha256 || size != g.payload.byte_length)
    return stage_result{"mismatch", core::error{core::errc::corrupt, name + " in the store does not match its record"}};
  return stage_result{};
}

core::expected<crypto::sha256_digest> hash_file(const fs::path& p, std::uint64_t& size) {
  core::unique_fd fd(::open(p.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.is_open()) return core::fail_errno("open", p.string(), errno);
  crypto::sha256_hasher hasher;
  core::byte_buffer buffer(std::size_t{256} * 1024);
  size = 0;
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return core::fail_errno("read", p.string(), errno);
    }
    if (n == 0) break;
    hasher.update(core::byte_view(buffer).first(static_cast<std::size_t>(n)));
    size += static_cast<std::uint64_t>(n);
  }
  return hasher.finish();
}

// The span a left-out segment's record gives: its video track from first to last timestamp (or the first
// track's when it has no video); zero when the record has none.
std::chrono::microseconds recorded_span(const record::segment_payload& p) {
  const record::track_range* t = nullptr;
  for (const auto& r : p.tracks)
    if (t == nullptr || r.track == record::track_type::video) t = &r;
  if (t == nullptr || t->time_base_den == 0 || t->last_pts < t->first_pts) return std::chrono::microseconds(0);
  const auto ticks = static_cast<long double>(t->last_pts - t->first_pts);
  return std::chrono::microseconds(
      static_cast<std::int64_t>(ticks * t->time_base_num * 1'000'000.0L / t->time_base_den));
}

// Invariant 4 for the copy: sync the temporary file, link it create-only, sync the folder.
core::status place_copy(const fs::path& temp, const fs::path& out) {
  {
    core::unique_fd fd(::open(temp.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.is_open()) return core::fail_errno("open", temp.string(), errno);
    if (::fsync(fd.get()) != 0) return core::fail_errno("fsync", temp.string(), errno);
  }
  if (::chmod(temp.c_str(), 0444) != 0) return core::fail_errno("chmod", temp.string(), errno);
  if (::link(temp.c_str(), out.c_str()) != 0) return core::fail_errno("create", out.string(), errno);
  const fs::path dir = out.has_parent_path() ? out.parent_path() : fs::path(".");
  return core::fsync_directory(dir);
}

core::status append_outcome(store::store& s, const copy_request& request, const registers::signed_entry& access,
                            crypto::signer& by, const std::optional<core::error>& failure, std::string& name) {
  registers::register_entry e = access.body;
  e.utc = std::chrono::time_point_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now());
  e.action = registers::outcome_action(
      {registers::entry_name(access.body), !failure.has_value(), failure ? failure->context : std::string()});
  auto stored = registers::append_entry(s, store::entry_namespace::access, request.person, std::move(e), by);
  if (!stored) return std::unexpected(stored.error());
  name = "access/" + registers::entry_name(stored->body);
  return {};
}

// Everything after the access entry: stage, remux, place, sign. `done` gets the manifest.
core::status build(const store::store& s, const copy_request& request, const std::vector<session_segment>& segments,
                   crypto::signer& by, copy_done& done) {
  const fs::path dir = request.out.has_parent_path() ? request.out.parent_path() : fs::path(".");
  const fs::path work = request.work_dir.empty() ? dir : request.work_dir;
  static std::atomic<unsigned> builds{0};  // several builds at once in one process (the console)
  const std::string tag =
      "." + request.out.filename().string() + "." + std::to_string(::getpid()) + "-" + std::to_string(builds++);
  staged_files cleanup;
  std::vector<remux_input> inputs;
  std::vector<std::size_t> input_of;  // segment i → index in inputs, or npos
  std::chrono::microseconds pending_gap{0};
  viewing_manifest& m = done.manifest;
  for (const auto& g : segments) {
    manifest_segment ms{
        g.seq, g.payload.index, g.payload.file_name, g.payload.file_sha256, g.payload.byte_length, {}, {}, {}};
    const fs::path staged = work / (tag + ".seg-" + std::to_string(g.seq) + ".mp4");
    cleanup.add(staged);
    auto st = stage_segment(s, g, staged, request.footage_keys);
    if (!st) return std::unexpected(st.error());
    if (st->why) {
      if (!request.allow_gaps)
        return core::fail(st->why->code, st->why->context + "; no copy made (--allow-gaps leaves its time as a gap)");
      ms.left_out = st->left_out;
      ms.duration = recorded_span(g.payload);
      pending_gap += ms.duration;
      input_of.push_back(std::string::npos);
    } else {
      input_of.push_back(inputs.size());
      inputs.push_back({staged, segment_name(g), pending_gap});
      pending_gap = {};
    }
    m.segments.push_back(std::move(ms));
  }
  if (inputs.empty()) return core::fail(core::errc::not_found, "no segment of the session could be read; no copy made");
  const fs::path temp = dir / (tag + ".partial.mp4");
  cleanup.add(temp);
  auto remuxed = remux_segments(inputs, temp);
  if (!remuxed) return std::unexpected(remuxed.error());
  // Where each segment lies in the copy; a left-out one from the end of what came before it.
  // A left-out run lasts until the next segment in the copy begins (its recorded span if none follows).
  std::chrono::microseconds cursor{0};
  for (std::size_t i = 0; i < m.segments.size(); ++i) {
    if (input_of[i] == std::string::npos) {
      m.segments[i].start = cursor;
      std::size_t next = i + 1;
      while (next < m.segments.size() && input_of[next] == std::string::npos) ++next;
      if (next < m.segments.size() && i + 1 == next)
        m.segments[i].duration = remuxed->segments[input_of[next]].start - cursor;
      cursor += m.segments[i].duration;
      continue;
    }
    const auto& r = remuxed->segments[input_of[i]];
    m.segments[i].start = r.start;
    m.segments[i].duration = r.duration;
    cursor = r.start + r.duration;
  }
  m.remuxer = remuxed->libavformat;
  m.copy_duration = remuxed->duration;
  auto digest = hash_file(temp, m.copy_bytes);
  if (!digest) return std::unexpected(digest.error());
  m.copy_sha256 = *digest;
  auto text = sign_manifest(m, by);
  if (!text) return std::unexpected(text.error());
  if (auto ok = place_copy(temp, request.out); !ok) return ok;
  core::write_options options;
  options.create_only = true;
  if (auto ok = core::write_file_durably(
          done.manifest_path, core::byte_view(reinterpret_cast<const std::uint8_t*>(text->data()), text->size()),
          options);
      !ok) {
    ::unlink(request.out.c_str());  // invariant 4: no copy without its manifest
    return ok;
  }
  return {};
}

core::status build_prepared(const store::store& s, const copy_request& request,
                            const std::vector<session_segment>& segments, crypto::signer& by, copy_done& done) {
  viewing_manifest& m = done.manifest;
  m.device = request.device.str();
  m.session = request.session.to_hex();
  m.made_utc = record::format_utc(request.now);
  m.made_by = request.person;
  m.access_entry = done.access_entry;
  m.tool = std::string("bodycam ") + BODYCAM_VERSION;
  m.copy_file = request.out.filename().string();
  auto built = build(s, request, segments, by, done);
  if (!built) m = viewing_manifest{};
  return built;
}

}  // namespace

core::expected<std::vector<segment_ref>> session_segments(const store::store& s, const record::device_id& device,
                                                          const record::session_id& session) {
  auto found = find_segments(s, device, session);
  if (!found) return std::unexpected(found.error());
  std::vector<segment_ref> out;
  for (const auto& g : *found)
    out.push_back({g.seq, g.payload.file_sha256, g.payload.byte_length, g.payload.encrypted.has_value()});
  return out;
}

core::expected<copy_done> build_viewing_copy(const store::store& s, const copy_request& request,
                                             std::string access_entry, crypto::signer& by) {
  copy_done done;
  done.manifest_path = manifest_path_of(request.out);
  done.access_entry = std::move(access_entry);
  auto segments = find_segments(s, request.device, request.session);
  if (!segments) return std::unexpected(segments.error());
  auto built = build_prepared(s, request, *segments, by, done);
  if (!built)
    return core::wrap("viewing copy of session " + request.session.to_hex() + " of " + request.device.str(),
                      built.error());
  return done;
}

fs::path manifest_path_of(const fs::path& out) { return fs::path(out.string() + ".manifest.json"); }

core::expected<copy_done> make_viewing_copy(store::store& s, const copy_request& request, crypto::signer& by) {
  const std::string what = "viewing copy of session " + request.session.to_hex() + " of " + request.device.str();
  copy_done done;
  done.manifest_path = manifest_path_of(request.out);
  std::error_code ec;
  for (const auto& p : {request.out, done.manifest_path})
    if (fs::exists(fs::symlink_status(p, ec)))
      return core::fail(core::errc::already_exists, what + ": " + p.string() + " exists; nothing overwritten");
  auto segments = find_segments(s, request.device, request.session);
  if (!segments) return std::unexpected(segments.error());
  if (request.footage_keys == nullptr)  // invariant 5
    for (const auto& g : *segments)
      if (g.payload.encrypted)
        return core::fail(core::errc::permission,
                          what + " refused: " + segment_name(g) + " is encrypted footage; a footage key is needed "
                                 "(--footage-key SEALED --passphrase-file F); nothing read, no access entry written");

  // Invariant 1.
  registers::register_entry e;
  e.kind = registers::entry_kind::access;
  e.utc = request.now;
  e.department = request.department;
  e.reference = request.reference;
  e.action = request.action;
  registers::scope sc;
  sc.device = request.device;
  sc.session = request.session;
  sc.first_seq = segments->front().seq;
  sc.end_seq = segments->back().seq + 1;
  e.scopes.push_back(sc);
  for (const auto& g : *segments) e.objects.push_back({g.payload.file_sha256, g.payload.byte_length});
  auto entry = registers::append_entry(s, store::entry_namespace::access, request.person, std::move(e), by);
  if (!entry) return core::wrap(what + " refused: the access register could not be written", entry.error());
  done.access_entry = "access/" + registers::entry_name(entry->body);

  auto built = build_prepared(s, request, *segments, by, done);
  auto outcome = append_outcome(s, request, *entry, by,
                                built ? std::nullopt : std::optional<core::error>(built.error()), done.outcome_entry);
  if (!built) return core::wrap(what, built.error());
  if (!outcome)
    return core::wrap(what + ": the copy was made but its outcome could not be registered (" + done.access_entry +
                          " stands without one)",
                      outcome.error());
  return done;
}

core::expected<copy_check> check_viewing_copy(const fs::path& copy_file, const fs::path& manifest_file,
                                              const store::store* s) {
  auto text = core::read_file(manifest_file, std::size_t{16} << 20);
  if (!text) return core::wrap("read the manifest", text.error());
  auto m = parse_manifest(std::string_view(reinterpret_cast<const char*>(text->data()), text->size()));
  if (!m) return core::wrap(manifest_file.string(), m.error());
  copy_check c;
  c.manifest_signed = manifest_signature_ok(*m);
  if (!c.manifest_signed)
    c.problems.push_back(
        "the manifest's signature does not verify under the key it names: it was changed after "
        "signing");
  std::uint64_t size = 0;
  auto digest = hash_file(copy_file, size);
  if (!digest) return std::unexpected(digest.error());
  c.copy_matches = *digest == m->copy_sha256 && size == m->copy_bytes;
  if (!c.copy_matches)
    c.problems.push_back(copy_file.string() + ": its SHA-256 is " + digest->to_hex() + " (" + std::to_string(size) +
                         " bytes), the manifest says " + m->copy_sha256.to_hex() + " (" +
                         std::to_string(m->copy_bytes) + " bytes): not the copy the manifest describes");
  for (const auto& g : m->segments)
    if (!g.left_out.empty()) ++c.left_out;
  if (s == nullptr) return c;
  auto device = record::device_id::parse(m->device);
  if (!device) return core::wrap("the manifest's device", device.error());
  const auto entry = m->access_entry.starts_with("access/") ? m->access_entry.substr(7) : m->access_entry;
  auto entry_bytes = s->get_entry(store::entry_namespace::access, entry);
  auto access = entry_bytes ? registers::parse_signed_entry(*entry_bytes) : std::unexpected(entry_bytes.error());
  if (!access) {
    c.problems.push_back(m->access_entry + ", the access entry the manifest names, is not in the store");
  } else if (access->body.clerk != m->made_by || access->body.clerk_key != m->signer ||
             !registers::verify_entry_signature(*access, m->signer)) {
    c.problems.push_back(m->access_entry + " was not signed by " + m->made_by +
                         " with the key that signed the manifest");
  }
  for (const auto& g : m->segments) {
    const std::string name = "segment " + std::to_string(g.index) + " (record " + std::to_string(g.seq) + ")";
    auto bytes = s->get_record(*device, g.seq);
    auto r = bytes ? record::parse_signed_record(*bytes) : std::unexpected(bytes.error());
    const auto* sg = r ? std::get_if<record::segment_payload>(&r->body.body) : nullptr;
    if (sg == nullptr || sg->session.to_hex() != m->session) {
      c.problems.push_back(name + ": the store holds no such segment record of session " + m->session);
      continue;
    }
    if (sg->file_sha256 != g.sha256 || sg->byte_length != g.bytes) {
      c.problems.push_back(name + ": the record's SHA-256 or length is not the manifest's");
      continue;
    }
    if (!g.left_out.empty()) continue;
    auto stored = s->rehash_object(g.sha256);
    if (!stored || *stored != g.sha256) {
      c.problems.push_back(name + ": " + store_key_of(g.sha256) +
                           (stored ? " does not re-hash to its name" : " cannot be read: " + stored.error().context));
      continue;
    }
    ++c.originals_checked;
  }
  return c;
}

}  // namespace bodycam::tools::copy

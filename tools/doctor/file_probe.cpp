#include "tools/doctor/file_probe.hpp"

#include "common/crypto/key_file.hpp"
#include "common/crypto/sha256.hpp"
#include "common/link/key_directory.hpp"
#include "common/store/directory_backend.hpp"

#include <sys/stat.h>
#include <sys/timex.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

namespace bodycam::tools::doctor {

namespace fs = std::filesystem;
using namespace bodycam::common;

namespace {

std::string errno_text(int e) { return std::strerror(e); }

// Streams a stored key's bytes through SHA-256 (what the write-once probe compares before and after).
core::expected<crypto::sha256_digest> hash_stored(const store::store_backend& backend, const store::store_key& key) {
  auto reader = backend.open(key);
  if (!reader) return std::unexpected(reader.error());
  crypto::sha256_hasher hasher;
  core::byte_buffer buffer(64 * 1024);
  for (;;) {
    auto n = (*reader)->read(buffer);
    if (!n) return std::unexpected(n.error());
    if (*n == 0) break;
    hasher.update(core::byte_view(buffer).first(*n));
  }
  return hasher.finish();
}

// The first stored key to try create-only on: an enrolled key (small), else any object.
std::optional<store::store_key> pick_probe_key(const store::store& s) {
  if (auto keys = s.list_public_keys(); keys && !keys->empty()) return store::store_key::public_key(keys->front());
  std::optional<store::store_key> found;
  auto ok = s.for_each_object([&](const crypto::sha256_digest& d) {
    found = store::store_key::object(d);
    return false;
  });
  if (!ok) return std::nullopt;
  return found;
}

void probe_write_once(store::store& s, store_facts& facts) {
  const auto key = pick_probe_key(s);
  if (!key) return;
  facts.probe_key = key->str();
  auto& backend = s.backend();
  auto before = hash_stored(backend, *key);
  if (!before) {
    facts.probe = write_once_probe::failed;
    facts.probe_detail = "read " + key->str() + ": " + before.error().context;
    return;
  }
  constexpr std::string_view other = "bodycam doctor: create-only probe; a store must refuse these bytes\n";
  const core::byte_view other_bytes(reinterpret_cast<const std::uint8_t*>(other.data()), other.size());
  store::span_source source(other_bytes);
  auto outcome = backend.create(*key, source, crypto::sha256(other_bytes));
  auto after = hash_stored(backend, *key);
  if (!outcome) {
    facts.probe = write_once_probe::failed;
    facts.probe_detail = outcome.error().context;
  } else if (!after || *after != *before) {
    facts.probe = write_once_probe::overwritten;
    facts.probe_detail = after ? "its SHA-256 changed from " + before->to_hex() + " to " + after->to_hex()
                               : "it can no longer be read: " + after.error().context;
  } else if (*outcome == store::create_outcome::created) {
    facts.probe = write_once_probe::accepted;
    facts.probe_detail = "the create answered `created`";
  } else {
    facts.probe = write_once_probe::refused;
  }
}

void scan_store_modes(const fs::path& root, store_facts& facts) {
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::none, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const auto& path = it->path();
    const auto name = path.filename().string();
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      if (::access(path.c_str(), W_OK) != 0) facts.unwritable_folders.push_back(path.string());
      continue;
    }
    // store.lock is only for flock; .tmp- files are unfinished writes recover() removes.
    if (name == store::store_lock_name || name.starts_with(".")) continue;
    if (!S_ISREG(st.st_mode)) continue;
    if (facts.files_checked >= max_store_files_checked) {
      facts.scan_truncated = true;
      break;
    }
    ++facts.files_checked;
    if ((st.st_mode & 0222) != 0) {
      if (facts.writable_files == 0) {
        facts.first_writable_file = path.string();
        facts.first_writable_mode = static_cast<unsigned>(st.st_mode & 07777);
      }
      ++facts.writable_files;
    }
  }
  if (::access(root.c_str(), W_OK) != 0)
    facts.unwritable_folders.insert(facts.unwritable_folders.begin(), root.string());
}

}  // namespace

std::optional<unsigned> file_mode(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return static_cast<unsigned>(st.st_mode & 07777);
}

path_facts probe_directory(std::string role, const fs::path& dir) {
  path_facts f;
  f.role = std::move(role);
  f.path = dir.string();
  struct stat st {};
  if (::stat(dir.c_str(), &st) == 0) {
    f.exists = true;
    f.is_directory = S_ISDIR(st.st_mode);
    f.writable = ::access(dir.c_str(), W_OK) == 0;
    if (!f.writable) f.blocker = "access " + f.path + ": " + errno_text(errno);
    return f;
  }
  if (errno != ENOENT && errno != ENOTDIR) {
    f.blocker = "stat " + f.path + ": " + errno_text(errno);
    return f;
  }
  // Missing: the daemon creates it if the nearest existing ancestor is a directory it may write.
  for (fs::path p = fs::absolute(dir).parent_path();; p = p.parent_path()) {
    if (::stat(p.c_str(), &st) == 0) {
      if (!S_ISDIR(st.st_mode))
        f.blocker = p.string() + " is not a directory";
      else if (::access(p.c_str(), W_OK) != 0)
        f.blocker = p.string() + " is not writable: " + errno_text(errno);
      else
        f.writable = true;
      return f;
    }
    if (errno != ENOENT && errno != ENOTDIR) {
      f.blocker = "stat " + p.string() + ": " + errno_text(errno);
      return f;
    }
    if (p == p.parent_path()) return f;
  }
}

key_facts probe_key(std::string role, const fs::path& path) {
  key_facts k;
  k.role = std::move(role);
  k.path = path.string();
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    k.load_error = "stat " + k.path + ": " + errno_text(errno);
    return k;
  }
  k.exists = true;
  k.mode = static_cast<unsigned>(st.st_mode & 07777);
  auto key = crypto::load_secret_key(path);
  if (!key) {
    k.load_error = key.error().context;
    return k;
  }
  k.label = key->label;
  k.public_key = key->key.public_key();
  return k;
}

enrollment_facts probe_public_key_file(std::string source, const fs::path& path) {
  enrollment_facts e;
  e.source = std::move(source);
  e.where = path.string();
  std::error_code ec;
  if (!fs::exists(path, ec)) return e;
  e.found = true;
  auto key = crypto::load_public_key(path);
  if (!key) {
    e.error = key.error().context;
    return e;
  }
  e.label = key->label;
  e.key = key->key;
  return e;
}

enrollment_facts probe_store_key(const store::store& s, const std::string& root, const std::string& label) {
  enrollment_facts e;
  e.source = "the store " + root;
  e.where = root + "/keys/" + label + ".pub";
  e.expected = true;
  auto id = record::device_id::parse(label);
  if (!id) return e;
  auto key = s.get_public_key(*id);
  if (!key) {
    if (key.error().code != core::errc::not_found) {
      e.found = true;
      e.error = key.error().context;
    }
    return e;
  }
  e.found = true;
  e.label = key->label;
  e.key = key->key;
  return e;
}

peers_facts probe_peers(std::string role, const fs::path& dir, const store::store* s) {
  peers_facts p;
  p.role = std::move(role);
  p.dir = dir.string();
  auto loaded = link::key_directory::load(dir);
  if (!loaded) {
    p.error = loaded.error().context;
    return p;
  }
  p.loaded = true;
  p.store_checked = s != nullptr;
  for (const auto& [label, key] : loaded->keys()) {
    peer_entry entry{label, key, std::nullopt};
    if (s != nullptr)
      if (auto id = record::device_id::parse(label))
        if (auto stored = s->get_public_key(*id)) entry.store_key = stored->key;
    p.peers.push_back(std::move(entry));
  }
  return p;
}

opened_store probe_store(const fs::path& root) {
  opened_store out;
  store_facts& f = out.facts;
  f.root = root.string();
  std::error_code ec;
  f.exists = fs::exists(root, ec);
  if (!f.exists) return out;
  auto opened = store::open_directory_store(root, false);
  if (!opened) {
    f.open_error = opened.error().context;
    return out;
  }
  f.opened = true;
  out.store = std::make_unique<store::store>(std::move(*opened));
  if (auto space = out.store->space()) f.available_bytes = space->available_bytes;
  scan_store_modes(root, f);
  probe_write_once(*out.store, f);
  return out;
}

host_clock_facts probe_host_clock(record::utc_time now, record::utc_time build_date) {
  host_clock_facts c;
  c.now = now;
  c.build_date = build_date;
  struct timex tx {};
  const int state = ::adjtimex(&tx);
  if (state >= 0) {
    c.synchronized = state != TIME_ERROR && (tx.status & STA_UNSYNC) == 0;
    c.max_error_us = tx.maxerror;
  }
  return c;
}

}  // namespace bodycam::tools::doctor

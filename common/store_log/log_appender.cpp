// The store log's append protocol; steps, invariants and proof sketch are in log_appender.hpp.
#include "common/store_log/log_appender.hpp"

#include "common/store_log/log_files.hpp"
#include "common/tlog/note.hpp"
#include "common/tlog/tile_builder.hpp"

namespace bodycam::common::store_log {

namespace {

std::string_view as_text(core::byte_view bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// Chunks of at most max_batch_leaves and about 1 MiB.
std::vector<std::span<const core::byte_buffer>> split_batches(std::span<const core::byte_buffer> leaves) {
  std::vector<std::span<const core::byte_buffer>> out;
  std::size_t begin = 0;
  while (begin < leaves.size()) {
    std::size_t end = begin;
    std::size_t bytes = 0;
    while (end < leaves.size() && end - begin < max_batch_leaves && (end == begin || bytes < (std::size_t{1} << 20)))
      bytes += leaves[end++].size() + 2;
    out.push_back(leaves.subspan(begin, end - begin));
    begin = end;
  }
  return out;
}

}  // namespace

core::expected<tlog::checkpoint> peek_checkpoint(std::string_view note) {
  const auto blank = note.rfind("\n\n");
  if (blank == std::string_view::npos) return core::fail(core::errc::malformed, "checkpoint note has no signatures");
  return tlog::parse_checkpoint(note.substr(0, blank + 1));
}

core::expected<std::uint64_t> log_appender::advance() {
  auto& backend = store_.backend();
  if (!head_) {
    auto sizes = list_checkpoint_sizes(backend);
    if (!sizes) return core::wrap("find the store log's head", sizes.error());
    head_ = sizes->empty() ? 0 : sizes->back();
  }
  for (;;) {
    auto batch = read_log_file(backend, batch_key(*head_));
    if (!batch) return std::unexpected(batch.error());
    if (!*batch) return *head_;
    auto leaves = decode_batch(**batch);
    if (!leaves) return core::wrap(batch_key(*head_).str(), leaves.error());
    if (auto ok = finish_batch(*head_, *leaves); !ok) return std::unexpected(ok.error());
    *head_ += leaves->size();
  }
}

core::expected<std::optional<std::uint64_t>> log_appender::try_claim(std::uint64_t at, core::byte_view batch) {
  store::span_source source(batch);
  auto created = store_.backend().create(batch_key(at), source, crypto::sha256(batch));
  if (!created) return core::wrap("claim the store log at size " + std::to_string(at), created.error());
  if (*created == store::create_outcome::already_exists) return std::optional<std::uint64_t>{};
  return std::optional<std::uint64_t>(at);
}

core::status log_appender::finish_batch(std::uint64_t at, std::span<const core::byte_buffer> leaves) {
  auto& backend = store_.backend();
  const std::uint64_t new_size = at + leaves.size();
  const std::string what = "finish store log batch " + std::to_string(at) + ".." + std::to_string(new_size);
  store_tile_source tiles(backend);
  auto edge = tlog::read_tree_edge(at, tiles);
  if (!edge) return core::wrap(what, edge.error());
  auto built = tlog::build_tiles(*edge, leaves);
  if (!built) return core::wrap(what, built.error());
  for (const auto& w : built->writes)
    if (auto ok = create_exact(backend, tile_key(w.where), w.data); !ok) return core::wrap(what, ok.error());
  const tlog::checkpoint c{signing_.origin, new_size, built->root, {}};
  const auto key = checkpoint_key(new_size);
  auto existing = read_log_file(backend, key);
  if (!existing) return core::wrap(what, existing.error());
  if (!*existing) {
    if (signing_.signer == nullptr) return core::fail(core::errc::invalid_argument, what + ": no signing key");
    auto note = tlog::sign_note(tlog::format_checkpoint(c), signing_.key_name, *signing_.signer);
    if (!note) return core::wrap(what, note.error());
    store::span_source source(core::byte_view(reinterpret_cast<const std::uint8_t*>(note->data()), note->size()));
    auto created = backend.create(key, source, crypto::sha256(*note));
    if (!created) return core::wrap(what, created.error());
    if (*created == store::create_outcome::created) return {};
    existing = read_log_file(backend, key);
    if (!existing) return core::wrap(what, existing.error());
    if (!*existing) return core::fail(core::errc::corrupt, what + ": " + key.str() + " vanished");
  }
  auto stored = peek_checkpoint(as_text(**existing));
  if (!stored) return core::wrap(what + ": " + key.str(), stored.error());
  if (stored->size != new_size || stored->root != c.root || stored->origin != c.origin)
    return core::fail(core::errc::corrupt, what + ": " + key.str() + " commits to root " + stored->root.to_hex() +
                                               " of origin " + stored->origin + ", but the batches give " +
                                               c.root.to_hex() + ": the log forked");
  return {};
}

core::expected<std::uint64_t> log_appender::finish_pending() {
  std::lock_guard lock(mutex_);
  return advance();
}

core::expected<std::uint64_t> log_appender::claim(std::span<const core::byte_buffer> leaves) {
  std::lock_guard lock(mutex_);
  auto batch = encode_batch(leaves);
  if (!batch) return std::unexpected(batch.error());
  for (;;) {
    auto at = advance();
    if (!at) return std::unexpected(at.error());
    auto claimed = try_claim(*at, *batch);
    if (!claimed) return std::unexpected(claimed.error());
    if (*claimed) return **claimed;
  }
}

append_result log_appender::append(std::span<const core::byte_buffer> leaves) {
  std::lock_guard lock(mutex_);
  append_result result;
  const auto stop = [&](const core::error& e) {
    result.error = e;
    return result;
  };
  for (const auto chunk : split_batches(leaves)) {
    auto batch = encode_batch(chunk);
    if (!batch) return stop(batch.error());
    for (;;) {
      auto at = advance();
      if (!at) return stop(at.error());
      auto claimed = try_claim(*at, *batch);
      if (!claimed) return stop(claimed.error());
      if (!*claimed) continue;  // another appender won size *at; advance() finishes its batch
      if (result.claimed == 0) result.first_index = *at;
      result.claimed += chunk.size();
      if (auto ok = finish_batch(*at, chunk); !ok) return stop(ok.error());  // the next advance() finishes it
      head_ = *at + chunk.size();
      break;
    }
  }
  auto size = advance();
  if (!size) return stop(size.error());
  result.tree_size = *size;
  return result;
}

}  // namespace bodycam::common::store_log

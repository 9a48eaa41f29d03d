// The retrying, failing-over decorator (retrying_backend.hpp T1-T5).
#include "common/store/retrying_backend.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <stdexcept>
#include <variant>
#include <thread>

namespace bodycam::common::store {

namespace {

using namespace std::chrono;

std::string join_endpoints(const std::vector<std::unique_ptr<store_backend>>& backends) {
  std::string out;
  for (const auto& b : backends) out += (out.empty() ? "" : ", ") + b->describe();
  return out;
}

}  // namespace

retry_context::retry_context(retry_policy policy, retry_clock clock, std::uint64_t seed, std::string endpoints)
    : policy_(policy), clock_(std::move(clock)), random_(seed), endpoints_(std::move(endpoints)) {}

std::optional<milliseconds> retry_context::next_wait(retry_budget& budget, steady_clock::time_point start) {
  const auto elapsed = duration_cast<milliseconds>(clock_.now() - start);
  const std::lock_guard lock(random_mutex_);
  return budget.next_wait(elapsed, random_);
}

void retry_context::wait(milliseconds delay) const {
  if (clock_.sleep) clock_.sleep(delay);
  else std::this_thread::sleep_for(delay);
}

core::error retry_context::unreachable(const std::string& operation, unsigned attempts,
                                       steady_clock::time_point start, const core::error& last) const {
  const auto spent = duration_cast<milliseconds>(clock_.now() - start);
  return core::error{core::errc::timeout,
                     "store unreachable: " + operation + ": no answer from " + endpoints_ + " after " +
                         std::to_string(attempts) + (attempts == 1 ? " attempt" : " attempts") + " in " +
                         std::to_string(spent.count()) + " ms; last error: " + last.context};
}

template <class T>
core::expected<T> retry_context::run(const std::string& operation, std::size_t endpoints, std::size_t& index,
                                     const std::function<core::expected<T>(std::size_t)>& attempt) {
  retry_budget budget(policy_);
  const auto start = clock_.now();
  for (;;) {
    auto r = attempt(index);
    if (r || !is_transient(r.error())) return r;  // T1
    const auto delay = next_wait(budget, start);
    if (!delay) return std::unexpected(unreachable(operation, budget.attempts(), start, r.error()));  // T5
    index = (index + 1) % endpoints;  // fail over
    wait(*delay);
  }
}

namespace {

// T4: a stream whose transient read failures are retried in place on the endpoint it was opened on, and
// failed over to the others by ranged reads from where it stopped.
class retrying_reader final : public object_reader {
 public:
  using backend_list = std::vector<std::unique_ptr<store_backend>>;
  static constexpr std::size_t range_bytes = std::size_t{8} << 20;

  retrying_reader(std::unique_ptr<object_reader> inner, std::shared_ptr<const backend_list> backends,
                  std::size_t opened_on, store_key key, std::shared_ptr<retry_context> context)
      : inner_(std::move(inner)),
        backends_(std::move(backends)),
        opened_on_(opened_on),
        key_(std::move(key)),
        size_(inner_->size()),
        description_(inner_->describe()),
        context_(std::move(context)) {}

  [[nodiscard]] core::expected<std::size_t> read(std::span<std::uint8_t> buffer) override {
    if (buffer.empty()) return std::size_t{0};
    if (ranged_pos_ < ranged_.size()) return take_ranged(buffer);
    std::size_t index = inner_ ? opened_on_ : ranged_on_;
    return context_->run<std::size_t>("read " + description_, backends_->size(), index,
                                      [&](std::size_t i) -> core::expected<std::size_t> {
                                        if (inner_ && i == opened_on_) {
                                          auto n = inner_->read(buffer);
                                          if (n) position_ += *n;
                                          return n;
                                        }
                                        inner_.reset();  // failed over: its position is no longer ours
                                        ranged_on_ = i;
                                        return read_ranged(*(*backends_)[i], buffer);
                                      });
  }
  [[nodiscard]] std::uint64_t size() const override { return size_; }
  [[nodiscard]] std::string describe() const override { return description_; }

 private:
  core::expected<std::size_t> read_ranged(store_backend& backend, std::span<std::uint8_t> buffer) {
    if (position_ >= size_) return std::size_t{0};
    const auto length = static_cast<std::size_t>(std::min<std::uint64_t>(range_bytes, size_ - position_));
    auto bytes = backend.read_range(key_, position_, length);
    if (!bytes) return std::unexpected(bytes.error());
    if (bytes->size() != length)
      return core::fail(core::errc::corrupt, "read " + description_ + " through " + backend.describe() + ": asked for " +
                                                 std::to_string(length) + " bytes at " + std::to_string(position_) +
                                                 ", got " + std::to_string(bytes->size()));
    ranged_ = std::move(*bytes);
    ranged_pos_ = 0;
    position_ += length;
    return take_ranged(buffer);
  }
  std::size_t take_ranged(std::span<std::uint8_t> buffer) {
    const std::size_t n = std::min(buffer.size(), ranged_.size() - ranged_pos_);
    std::copy_n(ranged_.begin() + static_cast<std::ptrdiff_t>(ranged_pos_), n, buffer.begin());
    ranged_pos_ += n;
    return n;
  }

  std::unique_ptr<object_reader> inner_;  // the stream open gave, until the first failover
  std::shared_ptr<const backend_list> backends_;
  std::size_t opened_on_;
  store_key key_;
  std::uint64_t size_;
  std::string description_;
  std::shared_ptr<retry_context> context_;
  std::uint64_t position_ = 0;  // bytes read from the store so far (handed out or in ranged_)
  std::size_t ranged_on_ = 0;   // the endpoint of the last ranged read
  core::byte_buffer ranged_;
  std::size_t ranged_pos_ = 0;
};

}  // namespace

retrying_backend::retrying_backend(std::vector<std::unique_ptr<store_backend>> backends, retry_policy policy,
                                   retry_clock clock, std::uint64_t seed)
    : backends_(std::make_shared<const std::vector<std::unique_ptr<store_backend>>>(std::move(backends))) {
  const auto& list = *backends_;
  if (list.empty()) throw std::invalid_argument("retrying_backend: no backend");
  const std::string endpoints = join_endpoints(list);
  context_ = std::make_shared<retry_context>(policy, std::move(clock), seed, endpoints);
  description_ = list.front()->describe();
  if (list.size() > 1) {
    std::string others;
    for (std::size_t i = 1; i < list.size(); ++i) others += (i > 1 ? ", " : "") + list[i]->describe();
    description_ += " (failover: " + others + ")";
  }
}

template <class T>
core::expected<T> retrying_backend::run(const std::string& operation,
                                        const std::function<core::expected<T>(store_backend&)>& attempt) const {
  std::size_t index = current_.load();
  auto r = context_->run<T>(operation, backends_->size(), index,
                            [&](std::size_t i) { return attempt(*(*backends_)[i]); });
  if (r || !is_transient(r.error())) current_.store(index);
  return r;
}

core::expected<create_outcome> retrying_backend::create(const store_key& key, byte_source& source,
                                                        const crypto::sha256_digest& expected_sha256) {
  // T2: a source that can start again (a file) is read again by each attempt; any other is read once into
  // memory and replayed. The inner create checks the bytes against expected_sha256 either way (contract 3).
  if (source.rewind())
    return run<create_outcome>("put " + key.str(), [&](store_backend& b) -> core::expected<create_outcome> {
      if (!source.rewind())
        return core::fail(core::errc::io, "put " + key.str() + ": cannot read " + source.describe() + " again");
      return b.create(key, source, expected_sha256);
    });
  core::byte_buffer bytes;
  if (const auto size = source.known_size()) bytes.reserve(static_cast<std::size_t>(*size));
  std::array<std::uint8_t, 64 * 1024> chunk{};
  for (;;) {
    auto n = source.read(chunk);
    if (!n) return core::wrap("put " + key.str() + " in " + describe(), n.error());
    if (*n == 0) break;
    bytes.insert(bytes.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(*n));
  }
  return run<create_outcome>("put " + key.str(), [&](store_backend& b) {
    span_source replay(bytes);
    return b.create(key, replay, expected_sha256);
  });
}

core::expected<std::optional<create_outcome>> retrying_backend::adopt(const store_key& key,
                                                                      const adoptable_file& file) {
  return run<std::optional<create_outcome>>("adopt " + key.str(),
                                            [&](store_backend& b) { return b.adopt(key, file); });
}

core::expected<std::unique_ptr<object_reader>> retrying_backend::open(const store_key& key) const {
  std::size_t opened_on = 0;
  auto reader = run<std::unique_ptr<object_reader>>("open " + key.str(), [&](store_backend& b) {
    for (std::size_t i = 0; i < backends_->size(); ++i)
      if ((*backends_)[i].get() == &b) opened_on = i;
    return b.open(key);
  });
  if (!reader) return std::unexpected(reader.error());
  return std::make_unique<retrying_reader>(std::move(*reader), backends_, opened_on, key, context_);
}

core::expected<core::byte_buffer> retrying_backend::read_range(const store_key& key, std::uint64_t offset,
                                                               std::size_t length) const {
  return run<core::byte_buffer>("read " + key.str(),
                                [&](store_backend& b) { return b.read_range(key, offset, length); });
}

core::expected<std::optional<std::uint64_t>> retrying_backend::stat(const store_key& key) const {
  return run<std::optional<std::uint64_t>>("stat " + key.str(), [&](store_backend& b) { return b.stat(key); });
}

core::status retrying_backend::list(const store_key& folder, const list_visitor& visit) const {
  return list_starting(folder, "", visit);
}

core::status retrying_backend::list_starting(const store_key& folder, std::string_view name_prefix,
                                             const list_visitor& visit) const {
  std::set<std::pair<std::string, bool>> seen;  // T3
  bool stopped = false;
  auto r = run<std::monostate>("list " + folder.str(), [&](store_backend& b) -> core::expected<std::monostate> {
    auto listed = b.list_starting(folder, name_prefix, [&](const list_entry& e) {
      if (!seen.emplace(e.name, e.is_folder).second) return true;
      if (!visit(e)) stopped = true;
      return !stopped;
    });
    if (!listed) return std::unexpected(listed.error());
    return std::monostate{};
  });
  if (!r) return std::unexpected(r.error());
  return {};
}

core::expected<space_info> retrying_backend::space() const {
  return run<space_info>("read the free space of", [&](store_backend& b) { return b.space(); });
}

core::status retrying_backend::remove(const store_key& key) {
  bool failed_before = false;  // T2: a retry that finds the key gone follows a removal whose reply was lost
  auto r = run<std::monostate>("remove " + key.str(), [&](store_backend& b) -> core::expected<std::monostate> {
    auto removed = b.remove(key);
    if (removed) return std::monostate{};
    if (failed_before && removed.error().code == core::errc::not_found) return std::monostate{};
    failed_before = is_transient(removed.error());
    return std::unexpected(removed.error());
  });
  if (!r) return std::unexpected(r.error());
  return {};
}

core::expected<bool> retrying_backend::set_legal_hold(const store_key& key, bool on) {
  return run<bool>(std::string(on ? "place" : "release") + " legal hold " + key.str(),
                   [&](store_backend& b) { return b.set_legal_hold(key, on); });
}

core::expected<std::optional<bool>> retrying_backend::legal_hold(const store_key& key) const {
  return run<std::optional<bool>>("legal hold " + key.str(), [&](store_backend& b) { return b.legal_hold(key); });
}

core::expected<recovery_report> retrying_backend::recover() {
  return run<recovery_report>("recover", [&](store_backend& b) { return b.recover(); });
}

}  // namespace bodycam::common::store

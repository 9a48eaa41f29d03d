// The signature stage's work queue: a bounded queue of batches (index range + key) that N std::jthread workers
// drain; the calling thread produces batches in seq order and blocks while the queue is full, so at most
// `jobs × queue_depth_per_job` batches are ever waiting. Results go straight into the outcome's `ok` bytes, one
// byte per record, each written by exactly one thread; the mutex released after the last batch gives the caller
// every write before it reads them.
#include "common/chain/signature_stage.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <system_error>
#include <thread>
#include <variant>

namespace bodycam::common::chain {

namespace {

constexpr std::size_t queue_depth_per_job = 4;

struct batch {
  std::size_t begin = 0;
  std::size_t end = 0;
  crypto::public_key key;
};

void run_batch(const batch& b, std::span<const record::signed_record* const> records, std::uint8_t* ok) noexcept {
  for (std::size_t i = b.begin; i < b.end; ++i)
    if (records[i] != nullptr) ok[i] = record::verify_record_signature(*records[i], b.key) ? 1 : 0;
}

class worker_pool {
 public:
  worker_pool(unsigned workers, std::span<const record::signed_record* const> records, std::uint8_t* ok)
      : records_(records), ok_(ok), capacity_(std::max<std::size_t>(1, workers * queue_depth_per_job)) {
    try {
      for (unsigned w = 0; w < workers; ++w) workers_.emplace_back([this](std::stop_token stop) { work(stop); });
    } catch (const std::system_error&) {
      // Fewer threads than asked for (or none: then submit runs each batch itself). The outcome is the same.
    }
  }
  worker_pool(const worker_pool&) = delete;
  worker_pool& operator=(const worker_pool&) = delete;
  ~worker_pool() {
    for (auto& w : workers_) w.request_stop();
    changed_.notify_all();
  }

  void submit(const batch& b) {
    if (workers_.empty()) {
      run_batch(b, records_, ok_);
      return;
    }
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [&] { return queue_.size() < capacity_; });
      queue_.push_back(b);
      ++pending_;
    }
    changed_.notify_all();
  }

  [[nodiscard]] unsigned size() const noexcept { return static_cast<unsigned>(workers_.size()); }

  void wait_until_idle() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return pending_ == 0; });
  }

 private:
  void work(std::stop_token stop) {
    for (;;) {
      batch b;
      {
        std::unique_lock lock(mutex_);
        if (!changed_.wait(lock, stop, [&] { return !queue_.empty(); })) return;
        b = queue_.front();
        queue_.pop_front();
      }
      changed_.notify_all();
      run_batch(b, records_, ok_);
      {
        std::lock_guard lock(mutex_);
        --pending_;
      }
      changed_.notify_all();
    }
  }

  std::span<const record::signed_record* const> records_;
  std::uint8_t* ok_;
  std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable_any changed_;
  std::deque<batch> queue_;
  std::size_t pending_ = 0;
  std::vector<std::jthread> workers_;  // last: joined before the queue and its mutex go
};

bool moves_key(const record::signed_record* r) noexcept {
  return r != nullptr && std::holds_alternative<record::key_rotate_payload>(r->body.body);
}

}  // namespace

unsigned resolve_jobs(unsigned jobs) noexcept {
  if (jobs > 0) return jobs;
  return std::max(1U, std::thread::hardware_concurrency());
}

signature_outcome check_signatures(std::span<const record::signed_record* const> records,
                                   const crypto::public_key& enrolled_key, const signature_stage_options& options) {
  signature_outcome out;
  out.ok.assign(records.size(), 0);
  out.key_after = enrolled_key;
  const std::size_t batch_records = std::max<std::size_t>(1, options.batch_records);
  const unsigned jobs = resolve_jobs(options.jobs);
  const unsigned workers = (jobs == 1 || records.size() <= batch_records) ? 0 : jobs;
  {
    worker_pool pool(workers, records, out.ok.data());
    std::size_t i = 0;
    while (i < records.size()) {
      // Everything before the next key_rotate goes out under the current key; the key_rotate is checked here,
      // and only then does the key move on for the records after it.
      std::size_t end = i;
      while (end < records.size() && !moves_key(records[end])) ++end;
      for (std::size_t b = i; b < end; b += batch_records)
        pool.submit({b, std::min(b + batch_records, end), out.key_after});
      if (end == records.size()) break;
      const auto& rotate = *records[end];
      out.ok[end] = record::verify_record_signature(rotate, out.key_after) ? 1 : 0;
      if (out.ok[end] != 0) out.key_after = std::get<record::key_rotate_payload>(rotate.body.body).new_key;
      i = end + 1;
    }
    pool.wait_until_idle();
    out.threads = pool.size();
  }
  out.verified = static_cast<std::size_t>(std::count(out.ok.begin(), out.ok.end(), std::uint8_t{1}));
  return out;
}

}  // namespace bodycam::common::chain

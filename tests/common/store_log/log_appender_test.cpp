// The store log's append protocol: one appender, processes racing (fork, printed seed), claimers killed between
// claim and checkpoint, and reconcile of items stored but never logged.
#include "common/store/directory_backend.hpp"
#include "common/store/memory_backend.hpp"
#include "common/store_log/log_appender.hpp"
#include "common/store_log/log_files.hpp"
#include "common/store_log/log_reader.hpp"
#include "common/store_log/reconcile.hpp"
#include "tests/common/store/forwarding_backend.hpp"
#include "tests/common/store_log/store_log_test_support.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <random>

using namespace bodycam::common;
using namespace bodycam::tests::store_log;
using bodycam::tests::temp_dir;

namespace {

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// Forwards to another backend, and ends the process (exit 9) when a create of a key under `die_at` begins.
class dying_backend final : public bodycam::tests::forwarding_backend {
 public:
  dying_backend(store::store_backend& inner, std::string die_at)
      : forwarding_backend(inner), die_at_(std::move(die_at)) {}
  core::expected<store::create_outcome> create(const store::store_key& key, store::byte_source& source,
                                               const crypto::sha256_digest& sha) override {
    if (key.str().starts_with(die_at_)) ::_exit(9);
    return forwarding_backend::create(key, source, sha);
  }
 private:
  std::string die_at_;
};

// Runs `body` in a child process; returns its exit status (the child never returns into Catch).
template <class F>
int in_child(F body) {
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    int code = 1;
    try {
      code = body();
    } catch (...) {
      code = 2;
    }
    std::fflush(nullptr);
    ::_exit(code);
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

TEST_CASE("one appender: leaves in order, one checkpoint per batch, each consistent with the last", "[store_log]") {
  store::store s(std::make_unique<store::memory_backend>());
  crypto::software_signer signer(key_from_fill(1));
  store_log::log_appender log(s, {std::string(store_log::default_log_origin), "dock-1", &signer});
  std::vector<std::string> expected;
  for (int batch = 0; batch < 6; ++batch) {
    std::vector<core::byte_buffer> leaves;
    for (int i = 0; i < 1 + batch * 70; ++i) {  // crosses tile boundaries (256)
      const auto name = "b" + std::to_string(batch) + "-" + std::to_string(i);
      leaves.push_back(named_leaf(name));
      expected.push_back("receipts/" + name);
    }
    auto r = log.append(leaves);
    REQUIRE(r.ok());
    CHECK(r.claimed == leaves.size());
    CHECK(r.tree_size == expected.size());
    CHECK(r.first_index == expected.size() - leaves.size());
  }
  const auto check = check_stored_log(s.backend(), {verifier_for("dock-1", 1)});
  CHECK(check.size == expected.size());
  CHECK(check.keys == expected);
  CHECK(check.checkpoints == 6);
}

TEST_CASE("processes racing to append: every leaf exactly once, checkpoints consistent", "[store_log][integration]") {
  const auto seed = static_cast<std::uint32_t>(std::random_device{}());
  std::printf("store log race seed %u\n", seed);
  INFO("seed " << seed);
  constexpr int processes = 3;
  constexpr int appends = 15;
  std::set<std::string> signers_seen;
  for (int round = 0; round < 3; ++round) {
    temp_dir dir("store-log-race");
    { REQUIRE(store::open_directory_store(dir / "store", true)); }
    std::vector<pid_t> children;
    for (int p = 0; p < processes; ++p) {
      const pid_t pid = ::fork();
      REQUIRE(pid >= 0);
      if (pid == 0) {
        int code = 0;
        try {
          auto s = store::open_directory_store(dir / "store", false);
          crypto::software_signer signer(key_from_fill(static_cast<std::uint8_t>(10 + p)));
          store_log::log_appender log(*s, {std::string(store_log::default_log_origin), "dock-" + std::to_string(p), &signer});
          std::mt19937 rng(seed + static_cast<std::uint32_t>(round * 100 + p));
          for (int a = 0; a < appends && code == 0; ++a) {
            std::vector<core::byte_buffer> leaves;
            const int n = 1 + static_cast<int>(rng() % 4);
            for (int i = 0; i < n; ++i)
              leaves.push_back(named_leaf("p" + std::to_string(p) + "-a" + std::to_string(a) + "-" + std::to_string(i)));
            auto r = log.append(leaves);
            if (!r.ok() || r.claimed != leaves.size()) {
              std::fprintf(stderr, "appender %d: %s\n", p, r.error ? r.error->context.c_str() : "short claim");
              code = 1;
            }
          }
        } catch (...) {
          code = 2;
        }
        std::fflush(nullptr);
        ::_exit(code);
      }
      children.push_back(pid);
    }
    for (const auto pid : children) {
      int status = 0;
      REQUIRE(::waitpid(pid, &status, 0) == pid);
      REQUIRE(WIFEXITED(status));
      CHECK(WEXITSTATUS(status) == 0);
    }
    auto s = store::open_directory_store(dir / "store", false);
    REQUIRE(s);
    std::vector<tlog::note_verifier> keys;
    for (int p = 0; p < processes; ++p)
      keys.push_back(verifier_for("dock-" + std::to_string(p), static_cast<std::uint8_t>(10 + p)));
    const auto check = check_stored_log(s->backend(), keys);
    // Every leaf exactly once: the logged keys, sorted, are the written ones, without repeats.
    std::vector<std::string> written;
    for (int p = 0; p < processes; ++p) {
      std::mt19937 rng(seed + static_cast<std::uint32_t>(round * 100 + p));
      for (int a = 0; a < appends; ++a) {
        const int n = 1 + static_cast<int>(rng() % 4);
        for (int i = 0; i < n; ++i)
          written.push_back("receipts/p" + std::to_string(p) + "-a" + std::to_string(a) + "-" + std::to_string(i));
      }
    }
    CHECK(sorted(check.keys) == sorted(written));
    CHECK(check.checkpoints == processes * appends);  // one batch, one checkpoint per append
    auto recovered = s->recover();  // log/ is part of the layout, not something foreign
    REQUIRE(recovered);
    CHECK(recovered->foreign.empty());
    signers_seen.insert(check.checkpoint_signers.begin(), check.checkpoint_signers.end());
    // A batch's leaves stay together, in the order they were given.
    for (std::size_t i = 1; i < check.keys.size(); ++i) {
      const auto& a = check.keys[i - 1];
      const auto& b = check.keys[i];
      if (a.substr(0, a.rfind('-')) == b.substr(0, b.rfind('-'))) CHECK(a < b);
    }
  }
  CHECK(signers_seen.size() == processes);  // every process really appended
}

TEST_CASE("a claimer killed between claim and checkpoint is finished by the next appender", "[store_log][fault]") {
  for (const std::string& die_at : std::vector<std::string>{"log/tile/", "log/checkpoint/"}) {
    DYNAMIC_SECTION("killed at the first create under " << die_at) {
      temp_dir dir("store-log-kill");
      { REQUIRE(store::open_directory_store(dir / "store", true)); }
      // Something logged first, so the killed batch is not at size 0.
      {
        auto s = store::open_directory_store(dir / "store", false);
        REQUIRE(s);
        crypto::software_signer signer(key_from_fill(1));
        store_log::log_appender log(*s, {std::string(store_log::default_log_origin), "dock-1", &signer});
        std::vector<core::byte_buffer> first;
        for (int i = 0; i < 300; ++i) first.push_back(named_leaf("first-" + std::to_string(1000 + i)));
        REQUIRE(log.append(first).ok());
      }
      const int status = in_child([&] {
        auto inner = store::open_directory_store(dir / "store", false);
        if (!inner) return 3;
        store::store s(std::make_unique<dying_backend>(inner->backend(), die_at));
        crypto::software_signer signer(key_from_fill(2));
        store_log::log_appender log(s, {std::string(store_log::default_log_origin), "dock-2", &signer});
        const std::vector<core::byte_buffer> leaves{named_leaf("killed-1"), named_leaf("killed-2")};
        (void)log.append(leaves);
        return 4;  // not reached: the backend ends the process
      });
      REQUIRE(status == 9);
      auto s = store::open_directory_store(dir / "store", false);
      REQUIRE(s);
      auto claimed = store_log::read_log_file(s->backend(), store_log::batch_key(300));
      REQUIRE(claimed);
      REQUIRE(claimed->has_value());  // the real condition: claimed, not finished
      auto unfinished = store_log::read_log_file(s->backend(), store_log::checkpoint_key(302));
      REQUIRE(unfinished);
      REQUIRE_FALSE(unfinished->has_value());

      crypto::software_signer signer(key_from_fill(3));
      store_log::log_appender log(*s, {std::string(store_log::default_log_origin), "dock-3", &signer});
      auto r = log.append(std::vector<core::byte_buffer>{named_leaf("after")});
      REQUIRE(r.ok());
      CHECK(r.first_index == 302);
      CHECK(r.tree_size == 303);
      const auto check = check_stored_log(
          s->backend(), {verifier_for("dock-1", 1), verifier_for("dock-2", 2), verifier_for("dock-3", 3)});
      REQUIRE(check.size == 303);
      CHECK(check.keys[300] == "receipts/killed-1");
      CHECK(check.keys[301] == "receipts/killed-2");
      CHECK(check.keys[302] == "receipts/after");
      CHECK(check.checkpoint_signers.count("dock-3") == 1);  // the finisher signed the dead claimer's checkpoint
      CHECK(check.checkpoint_signers.count("dock-2") == 0);
    }
  }
}

TEST_CASE("claim alone leaves a batch that any later call finishes", "[store_log]") {
  store::store s(std::make_unique<store::memory_backend>());
  crypto::software_signer signer(key_from_fill(1));
  store_log::log_appender a(s, {std::string(store_log::default_log_origin), "dock-1", &signer});
  auto at = a.claim(std::vector<core::byte_buffer>{named_leaf("x"), named_leaf("y")});
  REQUIRE(at);
  CHECK(*at == 0);
  auto none = store_log::newest_checkpoint(s.backend());
  REQUIRE(none);
  CHECK_FALSE(none->has_value());
  store_log::log_appender b(s, {std::string(store_log::default_log_origin), "dock-1", &signer});
  auto size = b.finish_pending();
  REQUIRE(size);
  CHECK(*size == 2);
  CHECK(check_stored_log(s.backend(), {verifier_for("dock-1", 1)}).keys ==
        std::vector<std::string>{"receipts/x", "receipts/y"});
}

TEST_CASE("reconcile logs what was stored but not logged, once", "[store_log]") {
  store::store s(std::make_unique<store::memory_backend>());
  crypto::software_signer signer(key_from_fill(1));
  store_log::log_appender log(s, {std::string(store_log::default_log_origin), "dock-1", &signer});
  const auto put_entry = [&](store::entry_namespace ns, std::string_view name) {
    const std::string body = "entry " + std::string(name);
    REQUIRE(s.put_entry(ns, name, core::byte_view(reinterpret_cast<const std::uint8_t*>(body.data()), body.size())));
    return *store::store_key::entry(ns, name);
  };
  // Logged as the dock does it: put, then append.
  const auto logged_key = put_entry(store::entry_namespace::receipts, "logged");
  auto leaves = store_log::leaves_for_keys(s.backend(), std::vector{logged_key});
  REQUIRE(leaves);
  REQUIRE(log.append(*leaves).ok());
  // Stored, never logged (a crash between the put and the append).
  put_entry(store::entry_namespace::receipts, "crashed");
  put_entry(store::entry_namespace::access, "a1");
  const std::string object = "segment bytes";
  const auto object_bytes = core::byte_view(reinterpret_cast<const std::uint8_t*>(object.data()), object.size());
  REQUIRE(s.put_object(crypto::sha256(object_bytes), object_bytes));

  auto first = store_log::reconcile(s, log);
  REQUIRE(first);
  CHECK(first->stored_items == 4);
  CHECK(first->log_size_before == 1);
  CHECK(first->appended == 3);
  CHECK(first->mismatched.empty());
  auto again = store_log::reconcile(s, log);
  REQUIRE(again);
  CHECK(again->appended == 0);

  const auto check = check_stored_log(s.backend(), {verifier_for("dock-1", 1)});
  auto stored = store_log::list_loggable_keys(s.backend());
  REQUIRE(stored);
  std::vector<std::string> stored_names;
  for (const auto& k : *stored) stored_names.push_back(k.str());
  CHECK(sorted(check.keys) == stored_names);  // every stored item exactly once
  auto entries = store_log::read_log_entries(s.backend(), check.size);
  REQUIRE(entries);
  for (const auto& e : *entries) {
    auto leaf = store_log::parse_leaf(e);
    REQUIRE(leaf);
    auto key = store::store_key::parse(leaf->key);
    REQUIRE(key);
    auto fresh = store_log::leaf_for_stored(s.backend(), *key);
    REQUIRE(fresh);
    CHECK(fresh->sha256 == leaf->sha256);
  }
}

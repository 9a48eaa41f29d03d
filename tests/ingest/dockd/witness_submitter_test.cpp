// The dock's submission of store log checkpoints to witnesses (ingest/dockd/witness_submitter): with a scripted
// witness (unit) — a cosignature that verifies is stored where `bodycam witness cosign` puts it, a 409 is retried
// once from the witness's size, an answer that is not the witness's cosignature is refused and stores nothing,
// no answer is `unreachable` — and with a real `bodycam witness serve` on 127.0.0.1 ([e2e]): cosigned, down,
// back again, and witness_asked_to_roll_back (a store whose log is shorter than what the witness cosigned).
#include "common/crypto/key_file.hpp"
#include "common/store/memory_backend.hpp"
#include "common/store/store.hpp"
#include "common/store_log/leaf.hpp"
#include "common/store_log/log_appender.hpp"
#include "common/store_log/log_files.hpp"
#include "common/store_log/log_reader.hpp"
#include "common/tlog/cosignature.hpp"
#include "common/tlog/witness_protocol.hpp"
#include "ingest/dockd/witness_http.hpp"
#include "tests/support/daemon.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <functional>
#include <regex>
#include <thread>

using namespace bodycam;
using namespace bodycam::common;
using namespace bodycam::ingest::dockd;
using bodycam::tests::temp_dir;

namespace {

crypto::secret_key key_of(std::uint8_t fill) {
  auto k = crypto::secret_key::from_seed(core::byte_buffer(32, fill));
  REQUIRE(k);
  return std::move(*k);
}

struct logged_store {
  store::store s{std::make_unique<store::memory_backend>()};
  crypto::software_signer dock{key_of(1)};
  store_log::log_appender log{s, {std::string(store_log::default_log_origin), "dock-1", &dock}};
  void append(const std::string& prefix, int n) {
    std::vector<core::byte_buffer> leaves;
    for (int i = 0; i < n; ++i) {
      const std::string name = prefix + std::to_string(i);
      leaves.push_back(store_log::encode_leaf({"receipts/" + name, crypto::sha256(std::string_view(name))}).value());
    }
    REQUIRE(log.append(leaves).ok());
  }
  std::optional<std::string> cosignature(std::uint64_t size, const std::string& witness) {
    auto file = store_log::read_log_file(s.backend(), store_log::cosignature_key(size, witness).value(), 4096);
    REQUIRE(file);
    if (!*file) return std::nullopt;
    return std::string((*file)->begin(), (*file)->end());
  }
};

witness_endpoint endpoint(std::uint16_t port = 1) {
  auto e = parse_witness_url("http://127.0.0.1:" + std::to_string(port), "url");
  REQUIRE(e);
  e->name = "witness-1";
  return *e;
}

witness_peer peer_with(const crypto::public_key& key, std::uint16_t port = 1) {
  auto p = make_witness_peer(endpoint(port), "witness-1", key);
  REQUIRE(p);
  return *p;
}

// A witness scripted by the test: each request is recorded and answered by `answer`.
struct scripted_transport final : witness_transport {
  std::vector<tlog::add_checkpoint_request> requests;
  std::function<core::expected<witness_answer>(const tlog::add_checkpoint_request&)> answer;
  core::expected<witness_answer> post(const witness_endpoint&, const std::string& body) override {
    auto parsed = tlog::parse_add_checkpoint(body);
    REQUIRE(parsed);
    requests.push_back(*parsed);
    return answer(*parsed);
  }
};

std::string checkpoint_text(const std::string& note) { return note.substr(0, note.find("\n\n") + 1); }

core::expected<witness_answer> cosign_with(crypto::software_signer& key, const std::string& note) {
  auto line = tlog::cosign_checkpoint(checkpoint_text(note), "witness-1", key,
                                      std::chrono::sys_seconds(std::chrono::seconds(1'800'000'000)));
  REQUIRE(line);
  return witness_answer{200, "text/plain", *line};
}

}  // namespace

TEST_CASE("witness submitter: a verified cosignature is stored at log/cosignature/<size>/<witness>", "[unit]") {
  logged_store a;
  a.append("r", 5);
  crypto::software_signer witness_key(key_of(7));
  scripted_transport t;
  t.answer = [&](const tlog::add_checkpoint_request& r) { return cosign_with(witness_key, r.note); };
  witness_submitter submitter({peer_with(witness_key.public_key())}, t);
  auto first = submitter.submit(a.s.backend());
  REQUIRE(first);
  REQUIRE(first->size() == 1);
  INFO((*first)[0].detail);
  CHECK((*first)[0].result == submission_result::cosigned);
  CHECK((*first)[0].size == 5);
  REQUIRE(t.requests.size() == 1);
  CHECK(t.requests[0].old_size == 0);
  REQUIRE(a.cosignature(5, "witness-1"));
  // Nothing new: no request. Then the log grows: the proof starts at the size cosigned last.
  auto again = submitter.submit(a.s.backend());
  REQUIRE(again);
  CHECK((*again)[0].result == submission_result::already_cosigned);
  CHECK(t.requests.size() == 1);
  a.append("s", 4);
  auto grown = submitter.submit(a.s.backend());
  REQUIRE(grown);
  CHECK((*grown)[0].result == submission_result::cosigned);
  REQUIRE(t.requests.size() == 2);
  CHECK(t.requests[1].old_size == 5);
  CHECK_FALSE(t.requests[1].consistency.empty());
  CHECK(a.cosignature(9, "witness-1"));
}

TEST_CASE("witness submitter: a 409 is retried once from the size the witness reports", "[unit]") {
  logged_store a;
  a.append("r", 3);
  a.append("s", 4);  // checkpoints 3 and 7; the store holds no cosignature, the witness has cosigned 3
  crypto::software_signer witness_key(key_of(7));
  scripted_transport t;
  t.answer = [&](const tlog::add_checkpoint_request& r) -> core::expected<witness_answer> {
    if (r.old_size != 3) return witness_answer{409, "text/x.tlog.size", "3\n"};
    return cosign_with(witness_key, r.note);
  };
  witness_submitter submitter({peer_with(witness_key.public_key())}, t);
  auto s = submitter.submit(a.s.backend());
  REQUIRE(s);
  INFO((*s)[0].detail);
  CHECK((*s)[0].result == submission_result::cosigned);
  REQUIRE(t.requests.size() == 2);
  CHECK(t.requests[0].old_size == 0);
  CHECK(t.requests[1].old_size == 3);
  CHECK(t.requests[1].consistency.size() > 0);
  CHECK(a.cosignature(7, "witness-1"));

  // A witness that keeps answering 409 is asked twice, no more, and is refused.
  a.append("t", 2);
  t.requests.clear();
  t.answer = [](const tlog::add_checkpoint_request&) -> core::expected<witness_answer> {
    return witness_answer{409, "text/x.tlog.size", "7\n"};
  };
  auto stubborn = submitter.submit(a.s.backend());
  REQUIRE(stubborn);
  CHECK((*stubborn)[0].result == submission_result::refused);
  CHECK(t.requests.size() == 2);
  CHECK_FALSE(a.cosignature(9, "witness-1"));
}

TEST_CASE("witness submitter: what is not the witness's cosignature is refused and nothing is stored", "[unit]") {
  logged_store a;
  a.append("r", 4);
  crypto::software_signer witness_key(key_of(7));
  crypto::software_signer impostor(key_of(8));
  scripted_transport t;
  witness_submitter submitter({peer_with(witness_key.public_key())}, t);
  const std::vector<std::pair<std::string, std::function<core::expected<witness_answer>(const tlog::add_checkpoint_request&)>>>
      answers{
          {"signed by another key", [&](const tlog::add_checkpoint_request& r) { return cosign_with(impostor, r.note); }},
          {"garbage", [](const tlog::add_checkpoint_request&) -> core::expected<witness_answer> {
             return witness_answer{200, "text/plain", "hello\n"};
           }},
          {"422", [](const tlog::add_checkpoint_request&) -> core::expected<witness_answer> {
             return witness_answer{422, "text/plain", "bad proof\n"};
           }},
          {"a cosignature of another checkpoint",
           [&](const tlog::add_checkpoint_request&) {
             return cosign_with(witness_key, "bodycam.store/log\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n");
           }},
      };
  for (const auto& [what, answer] : answers) {
    INFO(what);
    t.answer = answer;
    auto s = submitter.submit(a.s.backend());
    REQUIRE(s);
    CHECK((*s)[0].result == submission_result::refused);
    CHECK_THAT((*s)[0].detail, Catch::Contains("witness witness-1"));
    CHECK_FALSE(a.cosignature(4, "witness-1"));
  }
  t.answer = [](const tlog::add_checkpoint_request&) -> core::expected<witness_answer> {
    return core::fail(core::errc::closed, "connect: Connection refused");
  };
  auto down = submitter.submit(a.s.backend());
  REQUIRE(down);
  CHECK((*down)[0].result == submission_result::unreachable);
  CHECK_FALSE(a.cosignature(4, "witness-1"));
}

namespace {

// `bodycam witness serve` on a free loopback port, for the store's log (dock-1's key).
struct witness_process {
  std::unique_ptr<tests::background_process> process;
  std::uint16_t port = 0;
  witness_process(const temp_dir& dir, const std::string& run, std::uint16_t wanted = 0) {
    process = std::make_unique<tests::background_process>(
        std::vector<std::string>{tests::built_program("bodycam"), "witness", "serve", "--listen",
                                 "127.0.0.1:" + std::to_string(wanted), "--key", (dir / "witness-1.key").string(),
                                 "--state", (dir / "witness.state").string(), "--log-key", (dir / "dock-1.pub").string()},
        (dir / ("witness-serve-" + run)).string());
    const std::regex ready(R"(listening on 127\.0\.0\.1:(\d+) )");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      std::smatch m;
      const auto log = process->log();
      if (std::regex_search(log, m, ready)) {
        port = static_cast<std::uint16_t>(std::stoi(m[1].str()));
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL("bodycam witness serve did not start: " << process->log());
  }
  void stop() {
    process->signal(SIGTERM);
    CHECK(process->wait(std::chrono::seconds(10)) == 0);
  }
};

}  // namespace

TEST_CASE("witness submitter and bodycam witness serve: cosigned, down, back, and a rollback refused", "[e2e]") {
  temp_dir dir("witness-submit");
  REQUIRE(crypto::write_key_pair(dir / "dock-1", "dock-1", key_of(1)));
  REQUIRE(crypto::write_key_pair(dir / "witness-1", "witness-1", key_of(7)));
  logged_store a;
  a.append("r", 6);
  http_witness_transport transport(std::chrono::seconds(5));
  std::uint16_t port = 0;
  {
    witness_process w(dir, "first");
    port = w.port;
    witness_submitter submitter({peer_with(key_of(7).public_key(), w.port)}, transport);
    auto s = submitter.submit(a.s.backend());
    REQUIRE(s);
    INFO((*s)[0].detail << w.process->log());
    CHECK((*s)[0].result == submission_result::cosigned);
    CHECK(a.cosignature(6, "witness-1"));
    w.stop();
  }
  a.append("s", 3);
  witness_submitter submitter({peer_with(key_of(7).public_key(), port)}, transport);
  auto down = submitter.submit(a.s.backend());
  REQUIRE(down);
  CHECK((*down)[0].result == submission_result::unreachable);
  CHECK_FALSE(a.cosignature(9, "witness-1"));

  witness_process back(dir, "back", port);  // the same state file: it remembers size 6
  auto again = submitter.submit(a.s.backend());
  REQUIRE(again);
  INFO((*again)[0].detail << back.process->log());
  CHECK((*again)[0].result == submission_result::cosigned);
  CHECK(a.cosignature(9, "witness-1"));

  // witness_asked_to_roll_back: a store whose log is a shorter one (the tail cut and rebuilt, same dock key).
  logged_store rolled;
  rolled.append("r", 4);
  auto refused = submitter.submit(rolled.s.backend());
  REQUIRE(refused);
  INFO((*refused)[0].detail);
  CHECK((*refused)[0].result == submission_result::refused);
  CHECK_FALSE(rolled.cosignature(4, "witness-1"));
  // fork_shown_to_two_witnesses: another log of the same size 9 under the same key.
  logged_store forked;
  forked.append("x", 9);
  auto fork = submitter.submit(forked.s.backend());
  REQUIRE(fork);
  CHECK((*fork)[0].result == submission_result::refused);
  CHECK_FALSE(forked.cosignature(9, "witness-1"));
  back.stop();
}

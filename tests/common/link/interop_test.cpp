// Interoperability with an independent Noise implementation: tests/common/link/noise_peer.py, built on
// Debian's python3-dissononce, runs as the peer over loopback TCP, with the C++ side as initiator and as
// responder. Both sides must agree on the handshake hash and on every payload; the C++ side must also refuse
// a dissononce peer it does not trust, and a tampered frame from it.
#include "loopback_support.hpp"
#include "tests/support/daemon.hpp"
#include "tests/support/files.hpp"
#include "tests/support/temp_dir.hpp"

#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace bodycam::common::link;
using namespace bodycam::common::link::testing;

namespace {

// The peer process, run without a shell; its stdout (a JSON report) is read when the exchange is over.
class python_peer {
 public:
  explicit python_peer(const std::string& arguments) : process_(argv_of(arguments), dir_ / "noise_peer") {}

  // Waits for the process (it has its own 10 s socket timeouts) and returns its JSON report and exit status.
  std::pair<nlohmann::json, int> finish() {
    const int status = process_.wait(std::chrono::seconds(60));
    const std::string output = bodycam::tests::slurp(dir_ / "noise_peer.stdout");
    INFO("noise_peer.py printed: " << output << "\nstderr: " << process_.log());
    REQUIRE(status >= 0);   // not timed out
    REQUIRE(status < 128);  // exited, not killed by a signal
    auto report = nlohmann::json::parse(output, nullptr, false);
    REQUIRE_FALSE(report.is_discarded());
    return {report, status};
  }

 private:
  static std::vector<std::string> argv_of(const std::string& arguments) {
    std::vector<std::string> argv{BODYCAM_SYSTEM_PYTHON3,
                                  std::string(BODYCAM_SOURCE_DIR) + "/tests/common/link/noise_peer.py"};
    std::istringstream words(arguments);
    for (std::string word; words >> word;) argv.push_back(word);
    return argv;
  }

  bodycam::tests::temp_dir dir_{"bodycam-noise-peer"};
  bodycam::tests::background_process process_;
};

std::string peer_arguments(std::uint16_t port, role python_role, const link_identity& python,
                           const link_identity& cpp) {
  return "--port " + std::to_string(port) + " --role " + std::string(to_string(python_role)) + " --static-secret " +
         core::to_hex(python.noise_key().secret()) + " --identity " + python.public_key().to_hex() + " --peer-static " +
         core::to_hex(cpp.noise_key().public_key()) + " --peer-identity " + cpp.public_key().to_hex();
}

struct cpp_side {
  std::optional<core::status> handshake;
  std::optional<handshake_hash> hash;
  std::optional<crypto::public_key> peer;
  std::vector<core::byte_buffer> received;
  std::optional<core::error> error;
};

// The C++ script matching noise_peer.py: send one data frame, read the echo and the peer's handshake hash,
// close with a reason.
asio::awaitable<void> play(tcp::acceptor& acceptor, role own_role, const link_identity& own, const trust_set& peers,
                           bool expect_tampered_echo, cpp_side& out) {
  system_random_source random;
  secure_stream stream(co_await accept_one(acceptor), test_timeouts());
  out.handshake = co_await stream.handshake(own_role, own, peers, random);
  if (!*out.handshake) co_return;
  out.hash = stream.handshake_hash();
  out.peer = stream.peer_key();
  BODYCAM_REQUIRE_OK(co_await stream.write_frame(frame::make_data(bytes_of("segment 000042.mp4 sha256 ..."))));
  for (int i = 0; i < (expect_tampered_echo ? 1 : 2); ++i) {
    auto f = co_await stream.read_frame();
    if (!f) {
      out.error = f.error();
      co_return;
    }
    out.received.push_back(f->payload);
  }
  BODYCAM_REQUIRE_OK(co_await stream.close("interop done"));
}

}  // namespace

TEST_CASE("interop: the C++ link and dissononce agree, C++ as initiator and as responder", "[integration]") {
  const role cpp_role = GENERATE(role::initiator, role::responder);
  INFO("C++ plays the " << to_string(cpp_role));
  cast people;
  // The camera is the initiator and the dock the responder, whichever side is C++.
  const link_identity& cpp_identity = cpp_role == role::initiator ? people.camera : people.dock;
  const link_identity& python_identity = cpp_role == role::initiator ? people.dock : people.camera;
  const trust_set& cpp_trusts = cpp_role == role::initiator ? people.agency_docks : people.enrolled_cameras;
  const role python_role = cpp_role == role::initiator ? role::responder : role::initiator;

  asio::io_context io;
  auto acceptor = loopback_listener(io);
  python_peer peer(peer_arguments(acceptor.local_endpoint().port(), python_role, python_identity, cpp_identity));
  cpp_side cpp;
  asio::co_spawn(io, play(acceptor, cpp_role, cpp_identity, cpp_trusts, false, cpp), rethrow);
  run_bounded(io, 30s);
  const auto [report, exit_status] = peer.finish();
  INFO("noise_peer.py: " << report.dump());

  REQUIRE(cpp.handshake.has_value());
  BODYCAM_REQUIRE_OK(*cpp.handshake);
  CHECK(exit_status == 0);
  REQUIRE(report.value("ok", false));
  CHECK(cpp.peer == python_identity.public_key());
  // Same handshake hash on both sides, seen by each side independently.
  REQUIRE(cpp.hash.has_value());
  CHECK(report.value("handshake_hash", "") == core::to_hex(*cpp.hash));
  REQUIRE(cpp.received.size() == 2);
  CHECK(cpp.received[1] == core::byte_buffer(cpp.hash->begin(), cpp.hash->end()));
  // Payloads both ways.
  CHECK(report.value("received", "") == core::to_hex(bytes_of("segment 000042.mp4 sha256 ...")));
  CHECK(cpp.received[0] == bytes_of("echo:segment 000042.mp4 sha256 ..."));
  CHECK(report.value("close_reason", "") == "interop done");
}

TEST_CASE("interop: the C++ side refuses a dissononce peer it does not trust", "[integration]") {
  const role cpp_role = GENERATE(role::initiator, role::responder);
  INFO("C++ plays the " << to_string(cpp_role));
  cast people;
  const link_identity& cpp_identity = cpp_role == role::initiator ? people.camera : people.dock;
  const link_identity& stranger = cpp_role == role::initiator ? people.rogue_dock : people.unknown_camera;
  const trust_set& cpp_trusts = cpp_role == role::initiator ? people.agency_docks : people.enrolled_cameras;
  const role python_role = cpp_role == role::initiator ? role::responder : role::initiator;

  asio::io_context io;
  auto acceptor = loopback_listener(io);
  python_peer peer(peer_arguments(acceptor.local_endpoint().port(), python_role, stranger, cpp_identity) +
                   " --expect-refusal");
  cpp_side cpp;
  asio::co_spawn(io, play(acceptor, cpp_role, cpp_identity, cpp_trusts, false, cpp), rethrow);
  run_bounded(io, 30s);
  const auto [report, exit_status] = peer.finish();
  INFO("noise_peer.py: " << report.dump());

  REQUIRE(cpp.handshake.has_value());
  REQUIRE_FALSE(cpp.handshake->has_value());
  CHECK(cpp.handshake->error().code == core::errc::permission);
  CHECK(cpp.handshake->error().context.find(stranger.public_key().fingerprint().to_hex()) != std::string::npos);
  CHECK(exit_status == 0);
  CHECK(report.value("refused", false));
}

TEST_CASE("interop: a tampered frame from dissononce is refused and ends the link", "[integration]") {
  cast people;
  asio::io_context io;
  auto acceptor = loopback_listener(io);
  python_peer peer(peer_arguments(acceptor.local_endpoint().port(), role::initiator, people.camera, people.dock) +
                   " --tamper");
  cpp_side cpp;
  asio::co_spawn(io, play(acceptor, role::responder, people.dock, people.enrolled_cameras, true, cpp), rethrow);
  run_bounded(io, 30s);
  const auto [report, exit_status] = peer.finish();
  INFO("noise_peer.py: " << report.dump());
  REQUIRE(cpp.handshake.has_value());
  BODYCAM_REQUIRE_OK(*cpp.handshake);
  CHECK(exit_status == 0);
  REQUIRE(cpp.error.has_value());
  CHECK(cpp.error->code == core::errc::bad_signature);
  CHECK(cpp.received.empty());
}

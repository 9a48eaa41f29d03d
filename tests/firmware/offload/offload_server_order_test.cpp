// The offload server answers requests one at a time, in the order they arrived on the link: a dock that sends
// many requests before reading any answer (a window of file requests, with a checkpoint request and a refused
// request among them) gets exactly one answer per request, in that order. The dock's pipelined fetch
// (ingest/dock/file_fetcher.hpp) relies on this; the wire is unchanged (docs/formats/offload.md).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#pragma GCC diagnostic ignored "-Wnull-dereference"

#include "firmware/offload/offload_server.hpp"

#include "tests/firmware/offload/camera_fixture.hpp"
#include "tests/support/chain_scenario.hpp"
#include "tests/support/temp_dir.hpp"

#include <boost/asio/co_spawn.hpp>
#include <catch2/catch.hpp>

using namespace bodycam;
using namespace bodycam::common;
namespace asio = boost::asio;
namespace msg = bodycam::common::offload;
using namespace std::chrono_literals;

namespace {

struct pipelined_result {
  core::status handshake;
  std::size_t sent = 0;
  std::vector<msg::message> answers;
  std::optional<core::error> failure;
};

asio::awaitable<void> pipelining_dock(asio::ip::tcp::endpoint at, const link::link_identity& dock,
                                      link::trust_set cameras, std::vector<msg::message> requests,
                                      pipelined_result& out, asio::io_context& io,
                                      firmware::offload::offload_server& server) {
  link::link_timeouts t;
  t.connect = t.handshake = t.read = t.write = 5s;
  link::system_random_source random;
  auto socket = co_await link::connect_with_timeout(at, 5s);
  if (!socket) {
    out.handshake = std::unexpected(socket.error());
  } else {
    link::secure_stream stream(std::move(*socket), t);
    out.handshake = co_await stream.handshake(link::role::responder, dock, cameras, random);
    if (out.handshake) {
      for (const auto& r : requests) {  // every request before any answer is read
        auto sent = co_await stream.write_frame(link::frame::make_data(*msg::encode(r)));
        if (!sent) {
          out.failure = sent.error();
          break;
        }
        ++out.sent;
      }
      while (!out.failure && out.answers.size() < out.sent) {
        auto f = co_await stream.read_frame();
        if (!f) {
          out.failure = f.error();
          break;
        }
        auto m = msg::decode(f->payload);
        if (!m) {
          out.failure = m.error();
          break;
        }
        out.answers.push_back(std::move(*m));
      }
      (void)co_await stream.close("done");
    }
  }
  server.stop();
  io.stop();
}

}  // namespace

TEST_CASE("the offload server answers requests sent before any answer was read, one each, in order",
          "[integration]") {
  tests::temp_dir dir;
  tests::camera_fixture cam("cam-1", 1, dir.path());
  constexpr std::uint32_t chunk = 1000;
  const auto name = cam.add_segment(24 * chunk + 7);
  auto dock_secret = tests::fixed_key(50);
  auto dock = link::link_identity::from_secret_key(dock_secret);
  auto camera_id = link::link_identity::from_secret_key(tests::fixed_key(1));
  REQUIRE(dock.has_value());
  REQUIRE(camera_id.has_value());
  cam.trust_dock("dock-1", dock_secret.public_key());
  link::trust_set cameras("an enrolled camera");
  REQUIRE(cameras.add(cam.key()).has_value());

  // 25 file requests from the end backwards, a checkpoint request and a refused file request in between.
  std::vector<msg::message> requests;
  for (std::uint64_t i = 25; i-- > 0;) {
    requests.push_back(msg::file_request{name, i * chunk, chunk});
    if (i == 20) requests.push_back(msg::checkpoint_request{});
    if (i == 10) requests.push_back(msg::file_request{"../ledger.db", 0, chunk});
  }

  asio::io_context io;
  firmware::offload::server_options options;
  options.listen = asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0);
  options.timeouts.read = options.timeouts.write = options.timeouts.handshake = 5s;
  auto server = firmware::offload::offload_server::open(io, options, *camera_id, cam.handler(), {});
  REQUIRE(server.has_value());
  pipelined_result result;
  asio::co_spawn(io, pipelining_dock((*server)->endpoint(), *dock, std::move(cameras), requests, result, io, **server),
                 [](const std::exception_ptr& e) { if (e) std::rethrow_exception(e); });
  io.run_for(30s);
  REQUIRE(io.stopped());
  REQUIRE(result.handshake.has_value());
  INFO((result.failure ? result.failure->context : std::string()));
  REQUIRE_FALSE(result.failure.has_value());
  REQUIRE(result.sent == requests.size());
  REQUIRE(result.answers.size() == requests.size());
  std::size_t file_answers = 0;
  for (std::size_t n = 0; n < requests.size(); ++n) {
    INFO("request " << n);
    const auto& answer = result.answers[n];
    if (std::holds_alternative<msg::checkpoint_request>(requests[n])) {
      CHECK(std::holds_alternative<msg::checkpoint_response>(answer));
      continue;
    }
    const auto& asked = std::get<msg::file_request>(requests[n]);
    if (asked.file_name != name) {
      CHECK(std::holds_alternative<msg::error_response>(answer));
      continue;
    }
    const auto* part = std::get_if<msg::file_response>(&answer);
    REQUIRE(part != nullptr);
    CHECK(part->offset == asked.offset);
    CHECK(part->data.size() == std::min<std::uint64_t>(chunk, 24 * chunk + 7 - asked.offset));
    ++file_answers;
  }
  CHECK(file_answers == 25);
}

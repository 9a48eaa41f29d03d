// The camera's offload server on 127.0.0.1: a dock that the camera trusts gets answers over the link; a
// dock it does not trust gets nothing (the camera, as Noise initiator, refuses before revealing itself);
// a malformed request gets an error and the link closes.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#pragma GCC diagnostic ignored "-Wnull-dereference"

#include "firmware/offload/offload_server.hpp"

#include "common/chain/checkpoint.hpp"
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

link::link_timeouts test_timeouts() {
  link::link_timeouts t;
  t.connect = 5s;
  t.handshake = 5s;
  t.read = 5s;
  t.write = 5s;
  return t;
}

struct dock_result {
  core::status handshake;
  std::optional<msg::message> response;
  std::optional<core::error> after;
};

asio::awaitable<void> dock_client(asio::ip::tcp::endpoint at, const link::link_identity& dock, link::trust_set cameras,
                                  core::byte_buffer request, dock_result& out, asio::io_context& io,
                                  firmware::offload::offload_server& server) {
  link::system_random_source random;
  auto socket = co_await link::connect_with_timeout(at, 5s);
  if (!socket) {
    out.handshake = std::unexpected(socket.error());
  } else {
    link::secure_stream stream(std::move(*socket), test_timeouts());
    out.handshake = co_await stream.handshake(link::role::responder, dock, cameras, random);
    if (out.handshake) {
      auto sent = co_await stream.write_frame(link::frame::make_data(request));
      if (sent) {
        auto f = co_await stream.read_frame();
        if (f) {
          auto m = msg::decode(f->payload);
          if (m) out.response = *m;
          auto next = co_await stream.read_frame();  // after a malformed request the camera closes
          if (!next) out.after = next.error();
          else (void)co_await stream.close("done");
        }
      }
    }
  }
  server.stop();
  io.stop();
}

}  // namespace

TEST_CASE("the offload server answers an agency dock over the link and refuses a rogue dock", "[integration]") {
  tests::temp_dir dir;
  tests::camera_fixture cam("cam-1", 1, dir.path());
  cam.add_segment(1000);
  auto dock_secret = tests::fixed_key(50);
  auto rogue_secret = tests::fixed_key(51);
  auto dock = link::link_identity::from_secret_key(dock_secret);
  auto rogue = link::link_identity::from_secret_key(rogue_secret);
  auto camera_id = link::link_identity::from_secret_key(tests::fixed_key(1));
  REQUIRE(dock.has_value());
  REQUIRE(rogue.has_value());
  REQUIRE(camera_id.has_value());
  cam.trust_dock("dock-1", dock_secret.public_key());
  link::trust_set cameras("an enrolled camera");
  REQUIRE(cameras.add(cam.key()).has_value());

  for (int attempt = 0; attempt < 3; ++attempt) {
    const bool use_rogue = attempt == 1;
    const bool malformed = attempt == 2;
    asio::io_context io;
    std::vector<std::string> log;
    firmware::offload::server_options options;
    options.listen = asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0);
    options.timeouts = test_timeouts();
    auto server = firmware::offload::offload_server::open(io, options, *camera_id, cam.handler(),
                                                          [&](const std::string& line) { log.push_back(line); });
    REQUIRE(server.has_value());
    dock_result result;
    auto request = malformed ? core::byte_buffer{0x00, 0x01, 0x7F} : *msg::encode(msg::checkpoint_request{});
    asio::co_spawn(io, dock_client((*server)->endpoint(), use_rogue ? *rogue : *dock, std::move(cameras), request,
                                   result, io, **server),
                   [](const std::exception_ptr& e) { if (e) std::rethrow_exception(e); });
    io.run_for(20s);
    REQUIRE(io.stopped());
    cameras = link::trust_set("an enrolled camera");
    REQUIRE(cameras.add(cam.key()).has_value());
    if (use_rogue) {
      CHECK_FALSE(result.handshake.has_value());
      CHECK_FALSE(result.response.has_value());
      bool logged = false;
      for (const auto& line : log) logged = logged || line.find("not an agency dock") != std::string::npos;
      CHECK(logged);
    } else if (malformed) {
      REQUIRE(result.handshake.has_value());
      REQUIRE(result.response.has_value());
      CHECK(std::holds_alternative<msg::error_response>(*result.response));
      REQUIRE(result.after.has_value());
      CHECK(result.after->code == core::errc::closed);
    } else {
      REQUIRE(result.handshake.has_value());
      REQUIRE(result.response.has_value());
      REQUIRE(std::holds_alternative<msg::checkpoint_response>(*result.response));
      auto cp = chain::parse_signed_checkpoint(std::get<msg::checkpoint_response>(*result.response).checkpoint);
      REQUIRE(cp.has_value());
      CHECK(chain::verify_checkpoint_signature(*cp, cam.key()));
      CHECK(cp->body.count == cam.record_count());
    }
  }
}

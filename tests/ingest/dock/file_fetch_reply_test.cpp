// fetch_file with many file requests in flight (file_fetcher.hpp invariants 2 and 3), against the camera's real
// offload handler in-process: a port that answers every request in order but tampers with one answer of the
// window — swapped with the next, the previous one again (duplicate), one byte short, one byte over, another
// file's name — must fail the fetch as malformed, and the spool file must hold exactly the camera's bytes before
// the bad answer (nothing of it written). A clean fetch keeps the window full and matches the record.
#include "common/core/durable_file.hpp"
#include "ingest/dock/file_fetcher.hpp"
#include "tests/ingest/dock/in_process_port.hpp"
#include "tests/support/chain_scenario.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <deque>

using namespace bodycam;
using namespace bodycam::common;
using bodycam::tests::camera_fixture;
using bodycam::tests::temp_dir;

namespace {

enum class tamper { none, swap_with_next, duplicate_previous, one_byte_short, one_byte_over, other_file };

// Holds sent requests like a link; on receive answers them in order through the camera's handler, except the
// answer number `at` (1-based), which is tampered with.
class tampering_port final : public ingest::dock::camera_port {
 public:
  tampering_port(camera_fixture& camera, const crypto::public_key& dock_key, tamper how, std::size_t at)
      : inner_(camera, dock_key), how_(how), at_(at) {}
  core::expected<offload::message> exchange(const offload::message& request) override {
    return inner_.exchange(request);
  }
  core::status send(const offload::message& request) override {
    sent_.push_back(request);
    most_in_flight_ = std::max(most_in_flight_, sent_.size());
    return {};
  }
  core::expected<offload::message> receive() override {
    if (sent_.empty()) return core::fail(core::errc::internal, "receive with no request in flight");
    ++answers_;
    auto request = sent_.front();
    sent_.pop_front();
    if (answers_ == at_ && how_ == tamper::swap_with_next && !sent_.empty()) std::swap(request, sent_.front());
    if (answers_ == at_ && how_ == tamper::duplicate_previous) request = previous_;
    previous_ = request;
    auto response = inner_.exchange(request);
    if (!response || answers_ != at_) return response;
    auto* part = std::get_if<offload::file_response>(&*response);
    if (part == nullptr) return response;
    tampered_ = true;
    if (how_ == tamper::one_byte_short) part->data.pop_back();
    if (how_ == tamper::one_byte_over) part->data.push_back(0x00);
    if (how_ == tamper::other_file) part->file_name = "000999.mp4";
    return response;
  }
  std::size_t in_flight() const noexcept override { return sent_.size(); }
  crypto::public_key peer_key() const override { return inner_.peer_key(); }
  std::string describe() const override { return "tampering camera"; }

  [[nodiscard]] bool tampered() const noexcept { return tampered_ || (how_ != tamper::none && answers_ >= at_); }
  [[nodiscard]] std::size_t most_in_flight() const noexcept { return most_in_flight_; }

 private:
  tests::in_process_port inner_;
  tamper how_;
  std::size_t at_;
  std::deque<offload::message> sent_;
  offload::message previous_;
  std::size_t answers_ = 0;
  std::size_t most_in_flight_ = 0;
  bool tampered_ = false;
};

ingest::dock::file_expectation expectation_of(camera_fixture& camera, const std::string& name) {
  auto bytes = core::read_file(camera.recording_dir() / name, 1 << 24);
  REQUIRE(bytes.has_value());
  ingest::dock::file_expectation want;
  want.device = record::device_id::parse("cam-1").value();
  want.record_seq = 2;
  want.file_name = name;
  want.byte_length = bytes->size();
  want.sha256 = crypto::sha256(*bytes);
  return want;
}

}  // namespace

TEST_CASE("a file fetched with requests in flight: a tampered answer fails the fetch, nothing of it is written",
          "[integration]") {
  constexpr std::uint32_t chunk = 1000;
  constexpr std::size_t window = 8;
  constexpr std::size_t bad_answer = 5;  // chunks 1-4 good, answer 5 tampered with, 6-12 still in flight
  const auto how = GENERATE(tamper::swap_with_next, tamper::duplicate_previous, tamper::one_byte_short,
                            tamper::one_byte_over, tamper::other_file);
  INFO("tamper kind " << static_cast<int>(how));
  temp_dir dir;
  camera_fixture cam("cam-1", 1, dir / "cam");
  const auto name = cam.add_segment(20 * chunk + 123);
  const auto want = expectation_of(cam, name);
  auto camera_bytes = core::read_file(cam.recording_dir() / name, 1 << 24).value();
  crypto::software_signer dock_signer(tests::fixed_key(40));
  tampering_port port(cam, dock_signer.public_key(), how, bad_answer);

  auto got = ingest::dock::fetch_file(port, want, dir / "spool", chunk, window);
  REQUIRE(port.tampered());  // the attack happened
  CHECK(port.most_in_flight() == window);
  REQUIRE_FALSE(got.has_value());
  CHECK(got.error().code == core::errc::malformed);
  CHECK_THAT(got.error().context, Catch::Contains("fetch cam-1 file " + name));
  const auto spool = dir / "spool" / "cam-1" / (want.sha256.to_hex() + ".part");
  auto spooled = core::read_file(spool, 1 << 24);
  REQUIRE(spooled.has_value());
  CHECK(spooled->size() == (bad_answer - 1) * chunk);
  camera_bytes.resize((bad_answer - 1) * chunk);
  CHECK(*spooled == camera_bytes);
}

TEST_CASE("a file fetched with requests in flight: the window stays full and the file matches its record",
          "[integration]") {
  const std::size_t window = GENERATE(std::size_t{1}, std::size_t{3}, std::size_t{16});
  const std::size_t size = GENERATE(std::size_t{0}, std::size_t{999}, std::size_t{1000}, std::size_t{20'500});
  INFO("window " << window << ", file of " << size << " bytes");
  temp_dir dir;
  camera_fixture cam("cam-1", 1, dir / "cam");
  const auto name = cam.add_segment(size);
  const auto want = expectation_of(cam, name);
  crypto::software_signer dock_signer(tests::fixed_key(40));
  tampering_port port(cam, dock_signer.public_key(), tamper::none, 0);
  auto got = ingest::dock::fetch_file(port, want, dir / "spool", 1000, window);
  REQUIRE(got.has_value());
  CHECK(got->matches);
  CHECK(got->bytes_received == size);
  CHECK(port.in_flight() == 0);  // every answer taken: the port is ready for the next request
  const std::size_t requests = (size + 999) / 1000;
  CHECK(port.most_in_flight() == std::min(window, requests));
}

TEST_CASE("a file longer on the camera than its record: answers past the end are drained, the fetch mismatches",
          "[integration]") {
  temp_dir dir;
  camera_fixture cam("cam-1", 1, dir / "cam");
  const auto name = cam.add_segment(5000);
  auto want = expectation_of(cam, name);
  want.byte_length = 2500;  // the record says less than the camera serves
  crypto::software_signer dock_signer(tests::fixed_key(40));
  tampering_port port(cam, dock_signer.public_key(), tamper::none, 0);
  auto got = ingest::dock::fetch_file(port, want, dir / "spool", 1000, 16);
  REQUIRE(got.has_value());
  CHECK_FALSE(got->matches);
  CHECK(got->actual_length == 3500);  // the record's length + one chunk, no more
  CHECK(port.in_flight() == 0);
}

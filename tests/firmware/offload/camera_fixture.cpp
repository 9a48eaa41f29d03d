#include "tests/firmware/offload/camera_fixture.hpp"

#include "common/core/durable_file.hpp"
#include "tests/support/chain_scenario.hpp"

#include <catch2/catch.hpp>

#include <cstdio>

namespace bodycam::tests {

namespace core = common::core;
namespace ledger = common::ledger;
namespace record = common::record;

common::record::nanoseconds stepping_clock::monotonic() const {
  ticks_.fetch_add(1);
  return std::chrono::milliseconds(boot_ticks_.fetch_add(1) + 1);
}

common::record::utc_claim stepping_clock::utc() const {
  record::utc_claim c;
  boot_ticks_.fetch_add(1);
  c.time = record::utc_time(std::chrono::milliseconds(1'795'000'000'000 + ticks_.fetch_add(1) + utc_offset_ms_.load()));
  c.source = record::utc_source::rtc_only;
  c.error_bound = std::chrono::seconds(2);
  return c;
}

camera_fixture::camera_fixture(const std::string& device, std::uint8_t key_seed, const std::filesystem::path& dir)
    : signer_(fixed_key(key_seed)),
      recording_dir_(dir / "segments"),
      ledger_path_(dir / "ledger.db"),
      device_(*record::device_id::parse(device)) {
  std::filesystem::create_directories(recording_dir_);
  ledger::open_options options;
  options.create_if_missing = true;
  auto l = ledger::open(ledger_path_, options);
  REQUIRE(l.has_value());
  REQUIRE(l->set_device_id(device).has_value());
  writer_ = std::make_unique<firmware::records::chain_writer>(device_, std::move(*l), signer_, clock_);
  reclaimer_ = std::make_unique<firmware::offload::space_reclaimer>(*writer_, recording_dir_);
  REQUIRE(writer_->begin_boot().has_value());
  REQUIRE(writer_->append(record::boot_payload{"test", record::shutdown_kind::first_boot}).has_value());
  session_.bytes.fill(key_seed);
}

void camera_fixture::reboot() {
  handler_.reset();
  reclaimer_.reset();
  writer_.reset();
  clock_.restart_monotonic();
  auto l = ledger::open(ledger_path_, {});
  REQUIRE(l.has_value());
  writer_ = std::make_unique<firmware::records::chain_writer>(device_, std::move(*l), signer_, clock_);
  reclaimer_ = std::make_unique<firmware::offload::space_reclaimer>(*writer_, recording_dir_);
  REQUIRE(writer_->begin_boot().has_value());
  REQUIRE(writer_->append(record::boot_payload{"test", record::shutdown_kind::clean}).has_value());
}

firmware::offload::offload_handler& camera_fixture::handler() {
  if (!handler_)
    handler_ = std::make_unique<firmware::offload::offload_handler>(*writer_, signer_, recording_dir_, docks_,
                                                                    [] { return firmware::offload::camera_state{80, 1000}; });
  return *handler_;
}

void camera_fixture::trust_dock(const std::string& dock_id, const common::crypto::public_key& key) {
  docks_.add(dock_id, key);
  handler_.reset();
}

std::string camera_fixture::add_segment(std::size_t size) {
  if (!session_started_) {
    record::session_start_payload s;
    s.session = session_;
    s.officer_id = "ofc-1";
    REQUIRE(writer_->append(s).has_value());
    session_started_ = true;
  }
  char name[32];
  std::snprintf(name, sizeof name, "%06u.mp4", ++file_counter_);
  core::byte_buffer bytes(size);
  for (std::size_t i = 0; i < size; ++i)
    bytes[i] = static_cast<std::uint8_t>((i * 131 + file_counter_ * 7 + session_.bytes[0]) & 0xFF);
  REQUIRE(core::write_file_durably(recording_dir_ / name, bytes).has_value());
  auto added = writer_->with_ledger([&](ledger::ledger& l) {
    return l.add_file({name, ledger::file_kind::segment, session_.to_hex()});
  });
  REQUIRE(added.has_value());
  record::segment_payload p;
  p.session = session_;
  p.index = segment_index_++;
  p.file_name = name;
  p.byte_length = size;
  p.file_sha256 = common::crypto::sha256(bytes);
  const std::string file = name;
  const ledger::file_seal seal{size, p.file_sha256};
  auto appended = writer_->append(std::move(p), [&](ledger::transaction& tx, std::uint64_t seq) {
    return tx.set_file_state(file, {ledger::file_state::sealed, seq, seal});
  });
  REQUIRE(appended.has_value());
  return file;
}

std::vector<std::string> camera_fixture::files_in(ledger::file_state state) {
  std::vector<std::string> out;
  auto ok = writer_->with_ledger([&](ledger::ledger& l) -> core::status {
    auto files = l.files_in_state(state);
    if (!files) return std::unexpected(files.error());
    for (const auto& f : *files) out.push_back(f.name);
    return {};
  });
  REQUIRE(ok.has_value());
  return out;
}

std::uint64_t camera_fixture::record_count() {
  std::uint64_t n = 0;
  auto ok = writer_->with_ledger([&](ledger::ledger& l) -> core::status {
    auto c = l.record_count();
    if (!c) return std::unexpected(c.error());
    n = *c;
    return {};
  });
  REQUIRE(ok.has_value());
  return n;
}

}  // namespace bodycam::tests

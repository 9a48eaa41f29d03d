#include "tests/tools/copy/recorded_footage.hpp"

#include "firmware/media/posix_segment_storage.hpp"
#include "firmware/media/recording_pipeline.hpp"
#include "tests/firmware/media/test_support.hpp"
#include "tests/support/files.hpp"
#include "common/crypto/footage_buffer.hpp"

extern "C" {
#include <libavutil/log.h>
}

#include <mutex>
#include <stdexcept>
#include <thread>

namespace bodycam::tests {

namespace media = bodycam::firmware::media;
namespace core = bodycam::common::core;
namespace crypto = bodycam::common::crypto;
namespace record = bodycam::common::record;
namespace fs = std::filesystem;

namespace {

class sealed_sink final : public media::segment_sink {
 public:
  void on_segment_opened(const media::segment_opened&) override {}
  void on_fragment_durable(const media::fragment_info&) override {}
  void on_segment_sealed(const media::segment_summary& summary) override {
    std::lock_guard lock(mutex_);
    names_.push_back(summary.file_name);
  }
  void on_pipeline_event(const media::pipeline_event& event) override {
    std::lock_guard lock(mutex_);
    if (event.kind == media::pipeline_event_kind::fault && event.error) fault_ = event.error->context;
  }
  std::vector<std::string> names() const {
    std::lock_guard lock(mutex_);
    return names_;
  }
  std::string fault() const {
    std::lock_guard lock(mutex_);
    return fault_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> names_;
  std::string fault_;
};

media::pipeline_config footage_config(const fs::path& dir) {
  auto c = bodycam::firmware::media::test::small_config(dir);
  c.device_id = "cam-0001";
  return c;
}

}  // namespace

std::vector<fs::path> record_segments(const fs::path& dir, std::size_t count) {
  av_log_set_level(AV_LOG_ERROR);
  sealed_sink sink;
  media::posix_segment_storage storage;
  auto pipeline = media::recording_pipeline::open(footage_config(dir), sink, storage);
  if (!pipeline) throw std::runtime_error("open the recording pipeline: " + pipeline.error().context);
  if (auto ok = (*pipeline)->start("S1"); !ok) throw std::runtime_error("start recording: " + ok.error().context);
  const auto limit = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (sink.names().size() + 1 < count && sink.fault().empty() && std::chrono::steady_clock::now() < limit)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  if (auto ok = (*pipeline)->stop(media::close_reason::stop); !ok)
    throw std::runtime_error("stop recording: " + ok.error().context);
  if (auto ok = (*pipeline)->shutdown(); !ok) throw std::runtime_error("shut down: " + ok.error().context);
  if (!sink.fault().empty()) throw std::runtime_error("the recording failed: " + sink.fault());
  std::vector<fs::path> files;
  for (const auto& name : sink.names()) files.push_back(dir / name);
  if (files.size() < count)
    throw std::runtime_error("recorded " + std::to_string(files.size()) + " segments, wanted " + std::to_string(count));
  return files;
}

void store_session(evidence_camera& cam, const std::vector<fs::path>& files) {
  cam.boot().precheck().start();
  for (const auto& f : files) cam.after(std::chrono::minutes(1)).segment(slurp(f));
  cam.stop();
  cam.receipt(cam.now() + std::chrono::minutes(30));
}

std::vector<record::footage_plaintext> store_encrypted_session(evidence_camera& cam, const std::vector<fs::path>& files,
                                                              const crypto::footage_public_key& agency) {
  std::vector<record::footage_plaintext> out;
  const std::vector<crypto::footage_public_key> to{agency};
  cam.boot().precheck().start();
  for (const auto& f : files) {
    const std::string plain = slurp(f);
    auto sealed = crypto::seal_footage_buffer(
        core::byte_view(reinterpret_cast<const std::uint8_t*>(plain.data()), plain.size()), to, crypto::system_random(),
        std::size_t{16} * 1024);
    if (!sealed) throw std::runtime_error("encrypt " + f.string() + ": " + sealed.error().context);
    const record::footage_plaintext p{sealed->digests.plaintext_bytes, sealed->digests.plaintext_sha256};
    out.push_back(p);
    cam.after(std::chrono::minutes(1))
        .encrypted_segment(std::string(reinterpret_cast<const char*>(sealed->ciphertext.data()), sealed->ciphertext.size()),
                           p);
  }
  cam.stop();
  cam.receipt(cam.now() + std::chrono::minutes(30));
  return out;
}

}  // namespace bodycam::tests

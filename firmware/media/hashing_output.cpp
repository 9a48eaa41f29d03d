#include "firmware/media/hashing_output.hpp"

#include <cerrno>

namespace bodycam::firmware::media {

namespace core = common::core;
namespace crypto = common::crypto;

namespace {
constexpr int io_buffer_size = 64 * 1024;

int averror_for(const core::error& e) noexcept {
  switch (e.code) {
    case core::errc::no_space: return av_error_from_errno(ENOSPC);
    case core::errc::permission: return av_error_from_errno(EACCES);
    default: return av_error_from_errno(EIO);
  }
}
}  // namespace

core::expected<std::unique_ptr<hashing_output>> hashing_output::create(
    std::unique_ptr<segment_file> file, std::span<const crypto::footage_public_key> recipients,
    const crypto::random_fill& random) {
  std::unique_ptr<hashing_output> out(new hashing_output(std::move(file)));
  if (!recipients.empty()) {
    auto started = crypto::footage_writer::start(out->sink_, recipients, random ? random : crypto::system_random());
    if (!started) return core::wrap("encrypt segment " + out->file_->path().filename().string(), started.error());
    out->encryptor_.emplace(std::move(*started));
  }
  auto* buffer = static_cast<unsigned char*>(av_malloc(io_buffer_size));
  if (!buffer) return core::fail(core::errc::internal, "allocate AVIO buffer: out of memory");
  // No seek callback: the context is not seekable, so the muxer cannot rewrite hashed bytes.
  out->context_.reset(avio_alloc_context(buffer, io_buffer_size, 1, out.get(), nullptr, &write_callback, nullptr));
  if (!out->context_) {
    av_free(buffer);
    return core::fail(core::errc::internal, "allocate AVIOContext: out of memory");
  }
  return out;
}

int hashing_output::write_callback(void* opaque, std::uint8_t* buffer, int size) noexcept {
  return static_cast<hashing_output*>(opaque)->write(buffer, size);
}

int hashing_output::write(std::uint8_t* buffer, int size) noexcept {
  if (error_) return error_code_;  // invariant 3
  const core::byte_view bytes(buffer, static_cast<std::size_t>(size));
  if (encryptor_) {
    pending_.insert(pending_.end(), bytes.begin(), bytes.end());
    return size;
  }
  if (!write_to_file(bytes)) return error_code_;
  return size;
}

core::status hashing_output::write_to_file(core::byte_view bytes) {
  if (error_) return std::unexpected(*error_);
  if (auto ok = file_->write(bytes); !ok) {
    error_ = ok.error();
    error_code_ = averror_for(ok.error());
    return ok;
  }
  file_hasher_.update(bytes);  // invariant 1
  region_hasher_.update(bytes);
  written_ += bytes.size();
  return {};
}

core::status hashing_output::encrypt_pending() {
  if (!encryptor_ || pending_.empty()) return {};
  auto written = encryptor_->append_fragment(pending_);
  if (!written) {
    if (!error_) error_ = written.error();  // a sink failure already latched the file's own error
    error_code_ = averror_for(*error_);
    return std::unexpected(*error_);
  }
  plaintext_hasher_.update(pending_);  // invariant 5
  plaintext_written_ += pending_.size();
  pending_.clear();
  return {};
}

core::expected<stream_end> hashing_output::finish_stream() {
  auto before_final = mark_region();  // invariant 6: what is pending (the mfra message) is not the final message
  if (!before_final) return std::unexpected(before_final.error());
  if (encryptor_) {
    auto digests = encryptor_->finish();
    if (!digests) {
      if (!error_) error_ = digests.error();
      return std::unexpected(*error_);
    }
  }
  auto final_message = mark_region();
  if (!final_message) return std::unexpected(final_message.error());
  return stream_end{*before_final, *final_message};
}

core::expected<byte_region> hashing_output::mark_region() {
  avio_flush(context_.get());
  if (auto ok = encrypt_pending(); !ok) return std::unexpected(ok.error());  // invariant 5
  if (error_) return std::unexpected(*error_);
  if (context_->error < 0) return fail_av("write segment", file_->path().filename().string(), context_->error);
  byte_region region{region_start_, written_ - region_start_, region_hasher_.finish()};
  region_start_ = written_;
  return region;
}

core::status hashing_output::datasync() { return file_->datasync(); }
core::status hashing_output::sync() { return file_->sync(); }

void hashing_output::mark_durable() noexcept {
  durable_hasher_ = file_hasher_;
  durable_length_ = written_;
  durable_plaintext_hasher_ = plaintext_hasher_;
  durable_plaintext_length_ = plaintext_written_;
}

std::optional<plaintext_digest> hashing_output::durable_plaintext() const noexcept {
  if (!encryptor_) return std::nullopt;
  crypto::sha256_hasher copy = durable_plaintext_hasher_;
  return plaintext_digest{durable_plaintext_length_, copy.finish()};
}

crypto::sha256_digest hashing_output::file_sha256() const noexcept {
  crypto::sha256_hasher copy = file_hasher_;
  return copy.finish();
}

crypto::sha256_digest hashing_output::durable_file_sha256() const noexcept {
  crypto::sha256_hasher copy = durable_hasher_;
  return copy.finish();
}

}  // namespace bodycam::firmware::media

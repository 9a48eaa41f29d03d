// The dock's HTTP client for witnesses (Boost.Beast over TCP): one POST per call on its own io_context, with one
// deadline over connect, write and read, and a bound on the answer's size, so a witness that is down, silent or
// flooding costs the calling worker at most `timeout` and a bounded buffer.
#pragma once

#include "ingest/dockd/witness_submitter.hpp"

#include <chrono>

namespace bodycam::ingest::dockd {

class http_witness_transport final : public witness_transport {
 public:
  explicit http_witness_transport(std::chrono::milliseconds timeout, std::size_t max_answer_bytes = 64 * 1024) noexcept
      : timeout_(timeout), max_answer_bytes_(max_answer_bytes) {}
  // Errors: timeout, closed or io naming the witness's url (no HTTP answer); an answer too large is malformed.
  [[nodiscard]] common::core::expected<witness_answer> post(const witness_endpoint& witness,
                                                            const std::string& body) override;

 private:
  std::chrono::milliseconds timeout_;
  std::size_t max_answer_bytes_;
};

}  // namespace bodycam::ingest::dockd

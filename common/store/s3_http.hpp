// The HTTP/1.1 client the S3 backend talks through: Boost.Beast over plain TCP or TLS, a pool of keep-alive
// connections to one host, a timeout on every connect, handshake, write and read. With TLS the server's
// certificate is verified against the system's CAs or one CA file, and must name the host (its DNS name, or
// its IP address for an address); a server that fails either is refused before any request is sent. Requests and responses are whole
// strings (a create sends one signed payload; reads ask for bounded ranges). Guarantees: a call returns a
// complete response or an error naming the operation and the endpoint (errc::timeout when the time ran out,
// errc::closed when the server went away, errc::closed also when nothing listens, errc::io otherwise); a connection is reused only after a complete
// exchange the server did not ask to close; a request that fails on a reused connection before any byte of a
// response arrived is sent once more on a fresh one (the server may have closed the idle connection). Safe to
// call from several threads: each call has a connection of its own.
#pragma once

#include "common/core/error.hpp"

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bodycam::common::store {

using http_headers = std::vector<std::pair<std::string, std::string>>;

struct http_request {
  std::string method;  // "GET", "PUT", "HEAD", "DELETE", "POST"
  std::string target;  // path and query, already encoded: "/bucket/key?versionId=…"
  http_headers headers;
  std::string_view body;  // sent as it is, not copied: the caller keeps these bytes until send returns
};

struct http_response {
  unsigned status = 0;
  http_headers headers;
  std::string body;

  // The value of the first header called `name` (case-insensitive).
  [[nodiscard]] std::optional<std::string> header(std::string_view name) const;
};

class http_connection;
struct http_tls_context;

// TLS for a client: `ca_file` empty means the system's trusted CAs.
struct http_tls_options {
  std::string ca_file;
};

class http_client {
 public:
  // `host` and `port` of the server; `describe` is how messages name it ("http://127.0.0.1:8080").
  http_client(std::string host, std::string port, std::string describe, std::chrono::milliseconds timeout);
  // The same over TLS; errc::invalid_argument (naming the file) when the CA file cannot be loaded.
  [[nodiscard]] static core::expected<std::unique_ptr<http_client>> make_tls(std::string host, std::string port,
                                                                             std::string describe,
                                                                             std::chrono::milliseconds timeout,
                                                                             const http_tls_options& tls);
  ~http_client();
  http_client(const http_client&) = delete;
  http_client& operator=(const http_client&) = delete;

  [[nodiscard]] core::expected<http_response> send(const http_request& request);
  [[nodiscard]] const std::string& describe() const noexcept { return describe_; }

 private:
  [[nodiscard]] core::expected<std::unique_ptr<http_connection>> take_connection(bool& reused);
  void give_back(std::unique_ptr<http_connection> connection);

  std::string host_;
  std::string port_;
  std::string describe_;
  std::chrono::milliseconds timeout_;
  std::shared_ptr<http_tls_context> tls_;  // null: plain TCP
  std::mutex mutex_;
  std::vector<std::unique_ptr<http_connection>> idle_;  // guarded by mutex_
};

}  // namespace bodycam::common::store

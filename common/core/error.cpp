#include "common/core/error.hpp"

#include <cerrno>
#include <cstring>

namespace bodycam::common::core {

std::string_view to_string(errc code) noexcept {
  switch (code) {
    case errc::io: return "io";
    case errc::no_space: return "no_space";
    case errc::not_found: return "not_found";
    case errc::already_exists: return "already_exists";
    case errc::permission: return "permission";
    case errc::malformed: return "malformed";
    case errc::unsupported: return "unsupported";
    case errc::invalid_argument: return "invalid_argument";
    case errc::corrupt: return "corrupt";
    case errc::bad_signature: return "bad_signature";
    case errc::conflict: return "conflict";
    case errc::timeout: return "timeout";
    case errc::closed: return "closed";
    case errc::internal: return "internal";
  }
  return "unknown";
}

std::unexpected<error> fail_errno(std::string_view operation, std::string_view object, int err) {
  errc code = errc::io;
  switch (err) {
    case ENOSPC:
    case EDQUOT: code = errc::no_space; break;
    case ENOENT: code = errc::not_found; break;
    case EEXIST: code = errc::already_exists; break;
    case EACCES:
    case EPERM:
    case EROFS: code = errc::permission; break;
    case ETIMEDOUT: code = errc::timeout; break;
    default: break;
  }
  std::string context(operation);
  context += ' ';
  context += object;
  context += ": ";
  context += std::strerror(err);
  return fail(code, std::move(context));
}

}  // namespace bodycam::common::core

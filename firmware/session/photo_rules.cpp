#include "firmware/session/photo_rules.hpp"

namespace bodycam::firmware::session {

namespace core = common::core;

core::status check_photo_space(std::uint64_t free_bytes, std::uint64_t reserve_bytes, std::uint64_t photo_bytes) {
  if (free_bytes >= photo_bytes && free_bytes - photo_bytes >= reserve_bytes) return {};
  return core::fail(core::errc::no_space,
                    "photo refused: storage full (" + std::to_string(free_bytes) + " bytes free, a photo of " +
                        std::to_string(photo_bytes) + " bytes would cut into the " + std::to_string(reserve_bytes) +
                        "-byte reserve the footage needs); recording goes on");
}

std::string photo_file_name(std::string_view session_hex, std::uint32_t boot, std::string_view run_tag,
                            std::int64_t pts) {
  return std::string(session_hex) + "-photo-b" + std::to_string(boot) + std::string(run_tag) + "-" +
         std::to_string(pts) + ".jpg";
}

}  // namespace bodycam::firmware::session

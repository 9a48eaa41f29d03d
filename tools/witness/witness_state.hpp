// A witness's memory of one store log: the origin and the size and root it last cosigned. Kept in a small text
// file that survives restarts, written durably (temp file, fsync, rename, fsync directory) before the witness
// publishes any cosignature, so a witness that crashes never forgets a checkpoint it cosigned:
//   bodycam-witness-state/v1\norigin <origin>\nsize <decimal>\nroot <64 lower-case hex>\n
// Guarantees: parse accepts exactly that shape; a missing file is a log never seen (size 0, the empty root).
#pragma once

#include "common/tlog/witness.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace bodycam::tools::witness {

struct witness_state {
  std::string origin;
  common::tlog::witnessed_state last;
};

[[nodiscard]] std::string format_witness_state(const witness_state& s);
[[nodiscard]] common::core::expected<witness_state> parse_witness_state(std::string_view text);
// nullopt if the file does not exist.
[[nodiscard]] common::core::expected<std::optional<witness_state>> load_witness_state(const std::filesystem::path& path);
[[nodiscard]] common::core::status save_witness_state(const std::filesystem::path& path, const witness_state& s);

}  // namespace bodycam::tools::witness

// The add-checkpoint wire format; shape and guarantees in witness_protocol.hpp.
#include "common/tlog/witness_protocol.hpp"

#include "common/tlog/base64.hpp"

#include <charconv>

namespace bodycam::common::tlog {

namespace {

constexpr std::string_view em_dash_space = "\xE2\x80\x94 ";

core::expected<std::uint64_t> parse_decimal(std::string_view text, std::string_view what) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || (text.size() > 1 && text[0] == '0'))
    return core::fail(core::errc::malformed, std::string(what) + " is not a decimal number without leading zeros");
  return value;
}

}  // namespace

std::string format_add_checkpoint(const add_checkpoint_request& request) {
  std::string out = "old " + std::to_string(request.old_size) + "\n";
  for (const auto& h : request.consistency) out += encode_base64(h.bytes) + "\n";
  out += "\n";
  out += request.note;
  return out;
}

core::expected<add_checkpoint_request> parse_add_checkpoint(std::string_view body) {
  const auto bad = [](const std::string& why) {
    return core::fail(core::errc::malformed, "add-checkpoint request: " + why);
  };
  if (body.size() > max_add_checkpoint_bytes)
    return bad("larger than " + std::to_string(max_add_checkpoint_bytes) + " bytes");
  add_checkpoint_request out;
  std::size_t line_number = 0;
  bool blank_seen = false;
  while (!blank_seen) {
    const auto nl = body.find('\n');
    if (nl == std::string_view::npos) return bad("ends before the blank line that precedes the checkpoint");
    const auto line = body.substr(0, nl);
    body.remove_prefix(nl + 1);
    ++line_number;
    if (line_number == 1) {
      if (!line.starts_with("old ")) return bad("line 1 is not \"old <size>\"");
      auto size = parse_decimal(line.substr(4), "line 1's old size");
      if (!size) return bad(size.error().context);
      out.old_size = *size;
      continue;
    }
    if (line.empty()) {
      blank_seen = true;
      continue;
    }
    if (out.consistency.size() == max_witness_proof_hashes)
      return bad("more than " + std::to_string(max_witness_proof_hashes) + " proof lines");
    auto bytes = decode_base64(line, "proof line " + std::to_string(line_number));
    if (!bytes) return bad(bytes.error().context);
    if (bytes->size() != hash_size) return bad("proof line " + std::to_string(line_number) + " is not 32 bytes");
    hash h;
    std::copy(bytes->begin(), bytes->end(), h.bytes.begin());
    out.consistency.push_back(h);
  }
  if (body.empty()) return bad("no checkpoint after the blank line");
  out.note = std::string(body);
  return out;
}

std::string format_witness_size(std::uint64_t size) { return std::to_string(size) + "\n"; }

core::expected<std::uint64_t> parse_witness_size(std::string_view body) {
  if (!body.ends_with('\n')) return core::fail(core::errc::malformed, "witness size answer: no final newline");
  body.remove_suffix(1);
  auto size = parse_decimal(body, "witness size answer");
  if (!size) return std::unexpected(size.error());
  return *size;
}

core::expected<std::vector<std::string>> split_cosignature_lines(std::string_view body) {
  std::vector<std::string> lines;
  while (!body.empty()) {
    const auto nl = body.find('\n');
    if (nl == std::string_view::npos)
      return core::fail(core::errc::malformed, "witness answer: a line without its newline");
    const auto line = body.substr(0, nl + 1);
    body.remove_prefix(nl + 1);
    if (!line.starts_with(em_dash_space) || line.substr(em_dash_space.size()).find(' ') == std::string_view::npos)
      return core::fail(core::errc::malformed, "witness answer: line " + std::to_string(lines.size() + 1) +
                                                   " is not a signature line");
    lines.emplace_back(line);
  }
  if (lines.empty()) return core::fail(core::errc::malformed, "witness answer: no cosignature line");
  return lines;
}

}  // namespace bodycam::common::tlog

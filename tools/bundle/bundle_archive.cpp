// A bundle folder as one ustar archive (bundle_archive.hpp).
#include "tools/bundle/bundle_archive.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <vector>

namespace bodycam::tools::bundle {

namespace core = common::core;
namespace fs = std::filesystem;

namespace {

constexpr std::size_t block = 512;

void put_field(std::array<char, block>& h, std::size_t at, std::size_t width, std::string_view text) {
  std::copy_n(text.begin(), std::min(width, text.size()), h.begin() + static_cast<std::ptrdiff_t>(at));
}

// Octal, zero-padded to width-1 digits and a NUL.
void put_octal(std::array<char, block>& h, std::size_t at, std::size_t width, std::uint64_t value) {
  std::string digits(width - 1, '0');
  for (std::size_t i = width - 1; i-- > 0 && value != 0; value >>= 3) digits[i] = static_cast<char>('0' + (value & 7));
  put_field(h, at, width, digits);
}

core::expected<std::array<char, block>> header(const std::string& name, bool folder, std::uint64_t size) {
  std::array<char, block> h{};
  std::string prefix, tail = name;
  if (tail.size() > 100) {  // split at a '/' so that prefix <= 155 and name <= 100
    const auto slash = name.find('/', name.size() > 101 ? name.size() - 101 : 0);
    if (slash == std::string::npos || slash > 155 || name.size() - slash - 1 > 100 || slash == 0)
      return core::fail(core::errc::invalid_argument, "archive bundle: path too long for ustar: " + name);
    prefix = name.substr(0, slash);
    tail = name.substr(slash + 1);
  }
  put_field(h, 0, 100, tail);
  put_octal(h, 100, 8, folder ? 0755 : 0644);
  put_octal(h, 108, 8, 0);
  put_octal(h, 116, 8, 0);
  if (size >= (std::uint64_t{1} << 33))
    return core::fail(core::errc::invalid_argument, "archive bundle: file larger than 8 GiB: " + name);
  put_octal(h, 124, 12, size);
  put_octal(h, 136, 12, 0);
  std::fill_n(h.begin() + 148, 8, ' ');
  h[156] = folder ? '5' : '0';
  put_field(h, 257, 6, std::string_view("ustar\0", 6));
  put_field(h, 263, 2, "00");
  put_field(h, 345, 155, prefix);
  unsigned sum = 0;
  for (char c : h) sum += static_cast<unsigned char>(c);
  put_octal(h, 148, 7, sum);
  h[154] = '\0';
  h[155] = ' ';
  return h;
}

}  // namespace

core::expected<std::string> archive_bundle(const fs::path& bundle, const std::string& top_folder) {
  std::error_code ec;
  std::vector<fs::path> entries;
  for (fs::recursive_directory_iterator it(bundle, ec), end; !ec && it != end; it.increment(ec))
    entries.push_back(it->path());
  if (ec) return core::fail(core::errc::io, "archive bundle " + bundle.string() + ": " + ec.message());
  std::sort(entries.begin(), entries.end());
  std::string out;
  const auto append = [&out](const std::array<char, block>& h) { out.append(h.data(), h.size()); };
  auto top = header(top_folder + "/", true, 0);
  if (!top) return std::unexpected(top.error());
  append(*top);
  for (const auto& path : entries) {
    const auto status = fs::symlink_status(path, ec);
    if (ec) return core::fail(core::errc::io, "archive bundle: stat " + path.string() + ": " + ec.message());
    const std::string name = top_folder + "/" + fs::relative(path, bundle).generic_string();
    if (fs::is_directory(status)) {
      auto h = header(name + "/", true, 0);
      if (!h) return std::unexpected(h.error());
      append(*h);
      continue;
    }
    if (!fs::is_regular_file(status))
      return core::fail(core::errc::invalid_argument, "archive bundle: " + path.string() + " is not a regular file");
    std::ifstream in(path, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad() || !in.is_open()) return core::fail(core::errc::io, "archive bundle: read " + path.string());
    auto h = header(name, false, bytes.size());
    if (!h) return std::unexpected(h.error());
    append(*h);
    out += bytes;
    out.append((block - bytes.size() % block) % block, '\0');
  }
  out.append(2 * block, '\0');
  return out;
}

}  // namespace bodycam::tools::bundle

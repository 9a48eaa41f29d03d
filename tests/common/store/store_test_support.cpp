#include "tests/common/store/store_test_support.hpp"

#include "common/core/durable_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <stdexcept>

namespace bodycam::tests::store {

namespace fs = std::filesystem;
namespace st = common::store;

directory_harness::directory_harness(st::directory_store_options options)
    : dir_(std::make_shared<temp_dir>("bodycam-store")), root_(fs::path(dir_->path()) / "store") {
  options.create = true;
  auto s = st::open_directory_store(root_, std::move(options));
  if (!s) throw std::runtime_error("directory_harness: " + s.error().context);
  store_ = std::make_unique<st::store>(std::move(*s));
}

st::store directory_harness::open_again(st::directory_store_options options) const {
  auto s = st::open_directory_store(root_, std::move(options));
  if (!s) throw std::runtime_error("directory_harness: " + s.error().context);
  return std::move(*s);
}

store_fixture make_directory_fixture() {
  auto dir = std::make_shared<temp_dir>("bodycam-store");
  const fs::path root = fs::path(dir->path()) / "store";
  auto s = st::open_directory_store(root, true);
  if (!s) throw std::runtime_error("make_directory_fixture: " + s.error().context);
  return store_fixture{std::move(*s), [root](const st::store_key& key) { corrupt_file(root / key.str()); },
                       [root] { return st::open_directory_store(root, false); }, dir};
}

void corrupt_file(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw std::runtime_error("corrupt_file: no " + path.string());
  ::chmod(path.c_str(), 0644);
  auto bytes = common::core::read_file(path, std::size_t{1} << 30).value();
  if (bytes.empty())
    bytes.push_back(0x42);
  else
    bytes[bytes.size() / 2] ^= 0x20;
  const int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("corrupt_file: cannot open " + path.string());
  const bool ok = ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
  ::close(fd);
  ::chmod(path.c_str(), st.st_mode & 07777);
  if (!ok) throw std::runtime_error("corrupt_file: cannot write " + path.string());
}

std::vector<std::string> files_under(const fs::path& root) {
  std::vector<std::string> out;
  for (const auto& entry : fs::recursive_directory_iterator(root))
    out.push_back(fs::relative(entry.path(), root).string() + (entry.is_directory() ? "/" : ""));
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> temp_files_under(const fs::path& root) {
  std::vector<std::string> out;
  for (const auto& entry : fs::recursive_directory_iterator(root))
    if (entry.path().filename().string().starts_with(st::temp_name_prefix))
      out.push_back(fs::relative(entry.path(), root).string());
  std::sort(out.begin(), out.end());
  return out;
}

std::string sha256sum(const fs::path& path) {
  return common::crypto::sha256(common::core::read_file(path, std::size_t{1} << 30).value()).to_hex();
}

}  // namespace bodycam::tests::store

// The real segment_storage: file_segment_storage over posix_file_system. create() is open(O_CREAT|O_EXCL);
// datasync() is fdatasync; rename_no_replace() is renameat2(RENAME_NOREPLACE) (link + unlink where the file
// system lacks it).
#pragma once

#include "common/core/posix_file_system.hpp"
#include "firmware/media/file_segment_storage.hpp"

namespace bodycam::firmware::media {

namespace detail {
struct posix_files_holder {  // a base, so the port exists before file_segment_storage is given it
  common::core::posix_file_system posix_files;
};
}  // namespace detail

class posix_segment_storage final : private detail::posix_files_holder, public file_segment_storage {
 public:
  posix_segment_storage() : file_segment_storage(posix_files) {}
  posix_segment_storage(const posix_segment_storage&) = delete;
  posix_segment_storage& operator=(const posix_segment_storage&) = delete;
};

}  // namespace bodycam::firmware::media

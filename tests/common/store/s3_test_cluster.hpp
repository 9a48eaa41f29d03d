// The Ceph RGW the s3 tier runs against, shared by the suite's test files: one cluster per test process,
// started by scripts/ceph-dev in a temp directory on first use and stopped at exit; if it cannot start the
// tests FAIL (never skip). BODYCAM_TEST_CEPH_DIR names an already running `ceph-dev up` directory to use
// instead (left running). Also fresh buckets, tampering through `rados` (under RGW) and raw signed calls.
#pragma once

#include "common/store/s3_backend.hpp"
#include "tests/common/store/store_conformance.hpp"
#include "tests/support/temp_dir.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace bodycam::tests::store {

class ceph_cluster {
 public:
  // The cluster, started on first use; FAILs the calling test if it could not start.
  static ceph_cluster& get();
  ceph_cluster(const ceph_cluster&) = delete;
  ceph_cluster& operator=(const ceph_cluster&) = delete;
  ~ceph_cluster();

  [[nodiscard]] const std::filesystem::path& dir() const { return dir_; }
  [[nodiscard]] const std::string& endpoint() const { return endpoint_; }
  [[nodiscard]] const common::store::sigv4_credentials& credentials() const { return credentials_; }

  // `rados ARGS` or `radosgw-admin ARGS` on this cluster; REQUIREs success.
  std::string admin(const std::string& tool, std::vector<std::string> args) const;

 private:
  ceph_cluster();

  std::unique_ptr<temp_dir> temp_;
  std::filesystem::path dir_;
  bool owned_ = false;
  std::string error_;
  std::string endpoint_;
  common::store::sigv4_credentials credentials_;
};

[[nodiscard]] std::string read_text(const std::filesystem::path& path);
[[nodiscard]] std::string fresh_bucket_name();
// Options for `bucket` on the cluster (retention one day, timeout 60 s).
[[nodiscard]] common::store::s3_store_options options_for(const std::string& bucket);
// A new bucket (with Object Lock if asked); REQUIREs success.
[[nodiscard]] common::store::s3_store_options fresh_bucket(bool object_lock);
// Flips one byte of a stored object in RADOS, under RGW.
void corrupt_in_rados(const std::string& bucket, const common::store::store_key& key);
// A conformance fixture on a fresh locked bucket.
[[nodiscard]] store_fixture make_s3_fixture();
// A signed client for raw calls, kept alive for the process.
[[nodiscard]] common::store::s3_client& raw_client(const common::store::s3_store_options& options);

}  // namespace bodycam::tests::store

// The Ceph RGW the [s3] tests run against, one per test process: started by scripts/ceph-dev (plain HTTP and
// HTTPS, with a CA and a certificate for 127.0.0.1 the test makes with the `openssl` command) in a temp
// directory and stopped at exit; if it cannot start the tests FAIL, never skip. BODYCAM_TEST_CEPH_DIR names an
// already running `ceph-dev up --tls` directory to use instead (left running), with BODYCAM_TEST_CEPH_CA the CA
// file that signed its certificate. Also: fresh buckets, unsigned access through a raw client, a test PKI.
#pragma once

#include "common/store/s3_client.hpp"
#include "common/store/store_key.hpp"
#include "tests/support/temp_dir.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace bodycam::tests::store {

namespace st = bodycam::common::store;

class ceph_cluster {
 public:
  // The cluster, started on first use; FAILs the calling test if it could not start.
  static ceph_cluster& get();
  ceph_cluster(const ceph_cluster&) = delete;
  ceph_cluster& operator=(const ceph_cluster&) = delete;
  ~ceph_cluster();

  [[nodiscard]] const std::filesystem::path& dir() const { return dir_; }
  [[nodiscard]] const std::string& endpoint() const { return endpoint_; }
  [[nodiscard]] const st::sigv4_credentials& credentials() const { return credentials_; }
  [[nodiscard]] const std::string& tls_endpoint() const { return tls_endpoint_; }
  [[nodiscard]] const std::string& ca_file() const { return ca_file_; }

  // `rados ARGS` or `radosgw-admin ARGS` on this cluster; REQUIREs success.
  std::string admin(const std::string& tool, std::vector<std::string> args) const;
  // `scripts/ceph-dev VERB DIR ARGS` on this cluster (kill-rgw, start-rgw, set-full); REQUIREs success.
  std::string ceph_dev(const std::string& verb, std::vector<std::string> args = {}) const;
  // Sets the OSD full ratios so low (full) or back to Ceph's defaults (not full), and waits until the OSD
  // reports itself full or not; REQUIREs that it did within a minute.
  void set_full(bool full) const;

 private:
  ceph_cluster();

  std::unique_ptr<temp_dir> temp_;
  std::filesystem::path dir_;
  bool owned_ = false;
  std::string error_;
  std::string endpoint_;
  std::string tls_endpoint_;
  std::string ca_file_;
  st::sigv4_credentials credentials_;
};

// The cluster made full (set_full) for the lifetime of this object; the destructor makes it not full again, so a
// failing test leaves the next one a writable cluster.
class full_cluster {
 public:
  full_cluster() { ceph_cluster::get().set_full(true); }
  ~full_cluster() { ceph_cluster::get().set_full(false); }
  full_cluster(const full_cluster&) = delete;
  full_cluster& operator=(const full_cluster&) = delete;
};

// The port of the cluster's plain endpoint.
[[nodiscard]] std::uint16_t cluster_port();

[[nodiscard]] std::string read_text(const std::filesystem::path& path);
// A CA (ca.pem, ca.key) and a server certificate it signed for IP 127.0.0.1 only (server.pem, server.key) in
// `dir`; "" on success, else what failed.
[[nodiscard]] std::string make_pki(const std::filesystem::path& dir);
// Options for `bucket` on the cluster's plain endpoint, retention 1 day.
[[nodiscard]] st::s3_store_options options_for(const std::string& bucket);
[[nodiscard]] std::string fresh_bucket_name();
// A new bucket (with Object Lock if asked); REQUIREs success.
[[nodiscard]] st::s3_store_options fresh_bucket(bool object_lock);
// A fresh Object Lock bucket, addressed over HTTPS with the test CA.
[[nodiscard]] st::s3_store_options fresh_tls_bucket();
// Flips one byte of a stored object in RADOS, under RGW (the head of the key's one version).
void corrupt_in_rados(const std::string& bucket, const st::store_key& key);
// A signed client on the bucket that bypasses the store (to look at or tamper with what it stored).
[[nodiscard]] st::s3_client& raw_client(const st::s3_store_options& options);
// Versions per key under `prefix`, as RGW lists them (every PUT that landed is one).
[[nodiscard]] std::map<std::string, int> versions_under(const st::s3_store_options& options, const std::string& prefix);
// The store's records and objects: CHECKs that each key listed by RGW has exactly one version (nothing stored
// twice) and that there are at least `min_keys`; returns how many keys there are.
std::size_t check_one_version_each(const st::s3_store_options& options, std::size_t min_keys);

}  // namespace bodycam::tests::store

// The test cluster of s3_test_cluster.hpp.
#include "tests/common/store/s3_test_cluster.hpp"

#include "common/store/s3_backend.hpp"
#include "common/store/s3_credentials.hpp"
#include "common/store/s3_xml.hpp"
#include "tests/support/process.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <atomic>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <thread>

namespace bodycam::tests::store {

namespace {

std::string script() { return std::string(BODYCAM_SOURCE_DIR) + "/scripts/ceph-dev"; }

}  // namespace

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

namespace {

// `openssl CMD…`; "" on success, else what failed.
std::string run_openssl(std::vector<std::string> args) {
  args.insert(args.begin(), "openssl");
  const auto r = run_process(args, std::chrono::seconds(60));
  return r.exit_code == 0 ? "" : "openssl " + args.at(1) + " failed: " + r.err;
}

}  // namespace

// A CA (ca.pem, ca.key) and a server certificate it signed for IP 127.0.0.1 only (server.pem, server.key) in
// `dir`; "" on success, else what failed.
std::string make_pki(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  const auto at = [&](const char* name) { return (dir / name).string(); };
  std::ofstream(at("ext.cnf")) << "subjectAltName=IP:127.0.0.1\n";
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", at("ca.key"), "-out", at("ca.pem"), "-days",
            "2", "-subj", "/CN=bodycam test CA"},
           {"req", "-newkey", "rsa:2048", "-nodes", "-keyout", at("server.key"), "-out", at("server.csr"), "-subj",
            "/CN=bodycam test gateway"},
           {"x509", "-req", "-in", at("server.csr"), "-CA", at("ca.pem"), "-CAkey", at("ca.key"), "-CAcreateserial",
            "-out", at("server.pem"), "-days", "2", "-extfile", at("ext.cnf")}})
    if (auto failed = run_openssl(args); !failed.empty()) return failed;
  return "";
}

// The cluster for this process: started on first use, stopped when the process ends normally.

ceph_cluster& ceph_cluster::get() {
  static ceph_cluster cluster;
  if (!cluster.error_.empty()) FAIL(cluster.error_);
  return cluster;
}

ceph_cluster::~ceph_cluster() {
  if (owned_) (void)run_process({script(), "down", dir_.string()}, std::chrono::seconds(60));
}

std::string ceph_cluster::admin(const std::string& tool, std::vector<std::string> args) const {
  std::vector<std::string> argv{tool, "-c", (dir_ / "ceph.conf").string()};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto r = run_process(argv, std::chrono::seconds(60));
  INFO(tool << " failed: " << r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

std::string ceph_cluster::ceph_dev(const std::string& verb, std::vector<std::string> args) const {
  args.insert(args.begin(), {script(), verb, dir_.string()});
  const auto r = run_process(args, std::chrono::seconds(240));
  INFO("scripts/ceph-dev " << verb << " failed: " << r.out << r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

void ceph_cluster::set_full(bool full) const {
  if (full) ceph_dev("set-full", {"0.001", "0.002", "0.003"});
  else ceph_dev("set-full", {"0.85", "0.90", "0.95"});
  // The OSD compares its use with the ratios at its next statfs tick (about every 5 s) and tells the monitor.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  std::string osd;
  while (std::chrono::steady_clock::now() < deadline) {
    std::istringstream dump(admin("ceph", {"osd", "dump"}));
    for (std::string line; std::getline(dump, line);)
      if (line.starts_with("osd.0 ")) osd = line;
    if ((osd.find(",full,") != std::string::npos || osd.find(" full,") != std::string::npos) == full) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  FAIL("the OSD did not become " << (full ? "full" : "not full") << " within 60 s: " << osd);
}

std::uint16_t cluster_port() {
  const auto& endpoint = ceph_cluster::get().endpoint();
  return static_cast<std::uint16_t>(std::stoi(endpoint.substr(endpoint.rfind(':') + 1)));
}

ceph_cluster::ceph_cluster() {
  if (const char* given = std::getenv("BODYCAM_TEST_CEPH_DIR"); given && *given) {
    dir_ = given;
    if (const char* ca = std::getenv("BODYCAM_TEST_CEPH_CA"); ca && *ca) ca_file_ = ca;
  } else {
    temp_ = std::make_unique<temp_dir>("bodycam-ceph");
    dir_ = temp_->path() / "ceph";
    const auto pki = temp_->path() / "pki";
    if (error_ = make_pki(pki); !error_.empty()) return;
    ca_file_ = (pki / "ca.pem").string();
    const auto started = std::chrono::steady_clock::now();
    const auto r = run_process({script(), "up", dir_.string(), "--tls", (pki / "server.pem").string(),
                                (pki / "server.key").string()},
                               std::chrono::seconds(300));
    owned_ = true;
    if (r.exit_code != 0) {
      error_ = "scripts/ceph-dev up could not start Ceph (exit " + std::to_string(r.exit_code) + "):\n" + r.out +
               r.err;
      return;
    }
    WARN("Ceph RGW ready in " << std::chrono::duration_cast<std::chrono::seconds>(
                                     std::chrono::steady_clock::now() - started)
                                     .count()
                              << " s: " << r.out);
  }
  endpoint_ = read_text(dir_ / "endpoint");
  while (!endpoint_.empty() && endpoint_.back() == '\n') endpoint_.pop_back();
  auto creds = st::load_s3_credentials(dir_ / "credentials");
  if (endpoint_.empty() || !creds) {
    error_ = "no endpoint or credentials under " + dir_.string() + (creds ? "" : ": " + creds.error().context);
    return;
  }
  credentials_ = *creds;
  tls_endpoint_ = read_text(dir_ / "tls-endpoint");
  while (!tls_endpoint_.empty() && tls_endpoint_.back() == '\n') tls_endpoint_.pop_back();
  if (tls_endpoint_.empty() || ca_file_.empty())
    error_ = "no " + std::string(tls_endpoint_.empty() ? "tls-endpoint under " + dir_.string() : "CA file") +
             ": the gateway must serve HTTPS (ceph-dev up --tls CERT KEY; BODYCAM_TEST_CEPH_CA names the CA)";
}

std::string fresh_bucket_name() {
  static std::atomic<int> counter{0};
  static const unsigned salt = std::random_device{}();
  return "bodycam-" + std::to_string(::getpid()) + "-" + std::to_string(salt % 100000) + "-" +
         std::to_string(counter++);
}

st::s3_store_options options_for(const std::string& bucket) {
  const auto& cluster = ceph_cluster::get();
  st::s3_store_options o;
  o.endpoint = cluster.endpoint();
  o.bucket = bucket;
  o.credentials = cluster.credentials();
  o.retention = std::chrono::days(1);
  o.timeout = std::chrono::seconds(60);
  return o;
}

st::s3_store_options fresh_bucket(bool object_lock) {
  auto o = options_for(fresh_bucket_name());
  const auto made = st::create_s3_bucket(o, object_lock);
  INFO((made ? "" : made.error().context));
  REQUIRE(made);
  return o;
}

// A fresh Object Lock bucket, addressed over HTTPS with the test CA.
st::s3_store_options fresh_tls_bucket() {
  auto o = fresh_bucket(true);
  o.endpoint = ceph_cluster::get().tls_endpoint();
  o.ca_file = ceph_cluster::get().ca_file();
  return o;
}

st::s3_client& raw_client(const st::s3_store_options& options) {
  static std::vector<std::shared_ptr<st::s3_client>> clients;
  clients.push_back(st::s3_client::make(options).value());
  return *clients.back();
}


// Flips one byte of a stored object in RADOS, under RGW: the head of the key's one version in the bucket's data
// pool ("<marker>__:<version>_<key>"; "<marker>_<key>" is the versioned key's head pointer and holds no data).
void corrupt_in_rados(const std::string& bucket, const st::store_key& key) {
  const auto& cluster = ceph_cluster::get();
  const auto stats = nlohmann::json::parse(cluster.admin("radosgw-admin", {"bucket", "stats", "--bucket", bucket}));
  const std::string marker = stats.at("marker").get<std::string>();
  std::istringstream names(cluster.admin("rados", {"-p", "default.rgw.buckets.data", "ls"}));
  std::vector<std::string> heads;
  for (std::string line; std::getline(names, line);)
    if (line.starts_with(marker + "__:") && line.ends_with("_" + key.str())) heads.push_back(line);
  INFO("the versions of " << key.str() << " in RADOS for bucket " << bucket);
  REQUIRE(heads.size() == 1);
  const std::string& oid = heads.front();
  temp_dir scratch("bodycam-rados");
  const auto file = (scratch.path() / "head").string();
  cluster.admin("rados", {"-p", "default.rgw.buckets.data", "get", oid, file});
  std::string bytes = read_text(file);
  REQUIRE_FALSE(bytes.empty());
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x20);
  std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
  cluster.admin("rados", {"-p", "default.rgw.buckets.data", "put", oid, file});
}

std::map<std::string, int> versions_under(const st::s3_store_options& options, const std::string& prefix) {
  std::map<std::string, int> per_key;
  std::string key_marker;
  for (;;) {
    st::query_params query{{"versions", ""}, {"prefix", prefix}};
    if (!key_marker.empty()) query.push_back({"key-marker", key_marker});
    const auto listed = raw_client(options).call("GET", "", query).value();
    REQUIRE(listed.status == 200);
    const auto xml = st::parse_xml(listed.body, "versions").value();
    std::string last;
    for (const auto& child : xml.children)
      if (child.name == "Version") {
        last = std::string(child.child_text("Key"));
        ++per_key[last];
      }
    if (xml.child_text("IsTruncated") != "true") break;
    key_marker = std::string(xml.child_text("NextKeyMarker"));
    REQUIRE_FALSE(key_marker.empty());
  }
  return per_key;
}

std::size_t check_one_version_each(const st::s3_store_options& options, std::size_t min_keys) {
  std::size_t keys = 0;
  for (const std::string prefix : {"records/", "objects/"}) {
    for (const auto& [key, n] : versions_under(options, prefix)) {
      INFO(key);
      CHECK(n == 1);
      ++keys;
    }
  }
  CHECK(keys >= min_keys);
  return keys;
}

}  // namespace bodycam::tests::store

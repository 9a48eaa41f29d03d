#!/usr/bin/env bash
# The one Ceph cluster every `s3`-tier ctest entry shares (a ctest fixture, tests/CMakeLists.txt): `up DIR`
# makes a test CA and a certificate for 127.0.0.1 with openssl in DIR/pki and starts `scripts/ceph-dev up
# DIR/ceph --tls … [OPTIONS]` (a cluster left from an earlier run in DIR is stopped and removed first; OPTIONS are
# more of ceph-dev up's, e.g. scripts/s3-drill's --osds 3 --gateways 2); `down DIR` stops it.
# The suites find it through BODYCAM_TEST_CEPH_DIR=DIR/ceph and BODYCAM_TEST_CEPH_CA=DIR/pki/ca.pem; run alone
# (outside ctest) each suite starts a cluster of its own instead.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: tests/s3_cluster_fixture.sh up DIR [CEPH-DEV UP OPTIONS] | down DIR" >&2; exit 2; }
here=$(cd "$(dirname "$0")/.." && pwd)
verb=$1
dir=$2
shift 2
case "$verb" in
  up)
    "$here/scripts/ceph-dev" down "$dir/ceph" >/dev/null
    rm -rf "$dir"
    mkdir -p "$dir/pki"
    cd "$dir/pki"
    echo "subjectAltName=IP:127.0.0.1" >ext.cnf
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj "/CN=bodycam test CA" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=bodycam test gateway" 2>/dev/null
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 \
      -extfile ext.cnf 2>/dev/null
    exec "$here/scripts/ceph-dev" up "$dir/ceph" --tls server.pem server.key "$@"
    ;;
  down) exec "$here/scripts/ceph-dev" down "$dir/ceph" ;;
  *) echo "usage: tests/s3_cluster_fixture.sh up|down DIR" >&2; exit 2 ;;
esac

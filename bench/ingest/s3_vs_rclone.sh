#!/usr/bin/env bash
# Dock ingest into Ceph RGW against `rclone copy --checksum` of the same files into the same kind of bucket.
# Figures go to docs/performance.md with this command:
#   bench/ingest/s3_vs_rclone.sh [BUILD_DIR] [RUNS=3] [PAUSE_SECONDS=0]
# Starts a single-node Ceph with one gateway on 127.0.0.1 (scripts/ceph-dev up, in a temporary folder), then for
# 1 camera (8 segments of 16 MiB) and 8 cameras (4 segments of 16 MiB each: about the default 60 s segment at
# 2.5 Mbit/s video and 64 kbit/s audio, 19 MB), RUNS times: bench_ingest makes the
# cameras' footage once, rclone copies every camera's segments (all cameras at once) into an Object Lock bucket
# of its own under a fresh prefix, and the dock (in process, full verification) stores the same bytes into a
# fresh Object Lock bucket through the S3 backend: create-only PUT with If-None-Match, Content-MD5, payload
# SHA-256, COMPLIANCE retention. The dock is timed as in service: its store opened (the write-once probes, once
# per daemon start) and its key put (once per store handle) before the clock starts; both are printed on their
# own ("store open", "dock key put"). rclone is configured by environment variables only (path-style, the local
# gateway, no other config file read). Each line ends with the load average at its end: record it with the figure.
# PAUSE_SECONDS: a pause before each case, so that what the cluster still does after the last case (an 8-camera
# case leaves it busy) falls into neither tool's time. Everything it starts (the cluster, its folder) is removed
# on exit, also on failure.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$here/build}
runs=${2:-3}
pause=${3:-0}
command -v rclone >/dev/null || { echo "s3_vs_rclone: rclone is missing; run scripts/install-deps" >&2; exit 1; }
cmake --build "$build" --target bench_ingest >/dev/null

work=$(mktemp -d /var/tmp/bodycam-s3-bench.XXXXXX)
cleanup() {
  "$here/scripts/ceph-dev" down "$work/ceph" >/dev/null 2>&1 || true
  rm -rf -- "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$here/scripts/ceph-dev" up "$work/ceph" >/dev/null
endpoint=$(cat "$work/ceph/endpoint")
credentials=$work/ceph/credentials
access=$(sed -n 's/^access_key_id = "\(.*\)"$/\1/p' "$credentials")
secret=$(sed -n 's/^secret_access_key = "\(.*\)"$/\1/p' "$credentials")

# An Object Lock bucket, made with a SigV4-signed PUT (curl --aws-sigv4; RGW wants the empty body's SHA-256 said).
make_bucket() {
  curl -sS --fail-with-body -X PUT --aws-sigv4 "aws:amz:us-east-1:s3" --user "$access:$secret" \
    -H "x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" \
    -H "x-amz-bucket-object-lock-enabled: true" "$endpoint/$1" >/dev/null ||
    { echo "s3_vs_rclone: cannot make bucket $1 at $endpoint" >&2; exit 1; }
}

export RCLONE_CONFIG=$work/rclone.conf  # empty: the remote "rgw" below comes from the environment only
# rclone refuses to start when AWS_CA_BUNDLE names a bundle ("unsupported transport"); the gateway is plain HTTP
# on 127.0.0.1, so no CA is needed.
unset AWS_CA_BUNDLE
: >"$RCLONE_CONFIG"
export RCLONE_CONFIG_RGW_TYPE=s3 RCLONE_CONFIG_RGW_PROVIDER=Ceph RCLONE_CONFIG_RGW_ENDPOINT=$endpoint \
  RCLONE_CONFIG_RGW_ACCESS_KEY_ID=$access RCLONE_CONFIG_RGW_SECRET_ACCESS_KEY=$secret \
  RCLONE_CONFIG_RGW_FORCE_PATH_STYLE=true RCLONE_CONFIG_RGW_REGION=us-east-1
make_bucket rclone-bench
# A fresh gateway answers its first requests slowly (about 2 s): warm it up with a copy that is not measured, so
# the first case does not charge that to whichever tool runs first (rclone).
warm=$work/warm-up
mkdir -p "$warm" && head -c 1048576 /dev/urandom >"$warm/warm-up.bin"
rclone copy --checksum "$warm" rgw:rclone-bench/warm-up

echo "$(date -u +%Y-%m-%dT%H:%MZ) $(rclone version | head -n 1); $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
case_number=0
for run in $(seq "$runs"); do
  for shape in "1 8 16" "8 4 16"; do
    case_number=$((case_number + 1))
    sleep "$pause"
    bucket=dock-bench-$case_number
    make_bucket "$bucket"
    printf '[store]\nkind = "s3"\nendpoint = "%s"\nbucket = "%s"\ncredentials_file = "%s"\nretention_days = 1\n' \
      "$endpoint" "$bucket" "$credentials" >"$work/store.toml"
    # shellcheck disable=SC2086 # shape is three numbers
    "$build/bin/bench_ingest" $shape "$work/cameras" --store-config "$work/store.toml" \
      --rclone "rgw:rclone-bench/run-$case_number"
    echo "  rclone's copy in the bucket: $(rclone size "rgw:rclone-bench/run-$case_number" | tr '\n' ' ')"
  done
done
# rclone with one transfer at a time (RCLONE_TRANSFERS=1; its default is 4 files in parallel), as the dock stores
# one camera's files one after another.
case_number=$((case_number + 1))
sleep "$pause"
make_bucket "dock-bench-$case_number"
sed -i "s/^bucket = .*/bucket = \"dock-bench-$case_number\"/" "$work/store.toml"
echo -n "RCLONE_TRANSFERS=1: "
RCLONE_TRANSFERS=1 "$build/bin/bench_ingest" 1 8 16 "$work/cameras" --store-config "$work/store.toml" \
  --rclone "rgw:rclone-bench/run-$case_number"

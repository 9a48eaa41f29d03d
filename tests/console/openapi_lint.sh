#!/bin/sh
# The OpenAPI file through a real validator (@apidevtools/swagger-cli, installed by scripts/install-deps into
# scripts/test-tools). Fails, never skips, when the validator is missing; and checks that the validator
# really refuses a broken copy, so a validator that accepts anything cannot pass this test.
set -u
source_dir=$1
work=$2
cli="$source_dir/scripts/test-tools/node_modules/.bin/swagger-cli"
file="$source_dir/docs/api/openapi.yaml"
if [ ! -x "$cli" ]; then
  echo "openapi_lint: $cli is missing: run scripts/install-deps (npm ci in scripts/test-tools)" >&2
  exit 1
fi
"$cli" validate "$file" || { echo "openapi_lint: $file is not a valid OpenAPI document" >&2; exit 1; }
mkdir -p "$work"
broken="$work/openapi-broken.yaml"
# A path parameter that is not required: invalid in every OpenAPI version.
sed -e '0,/required: true/s//required: false/' "$file" > "$broken"
if "$cli" validate "$broken" >/dev/null 2>&1; then
  echo "openapi_lint: the validator accepted a broken copy ($broken): it does not validate" >&2
  exit 1
fi
echo "openapi_lint: $file is valid; a broken copy is refused"

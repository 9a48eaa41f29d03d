#!/usr/bin/env python3
"""Checks the console's JSON API against its OpenAPI file (docs/api/openapi.yaml).

Usage: check_openapi.py OPENAPI_YAML MANIFEST_JSON

The manifest is written by the console test "openapi: ..." (tests/console/statistics_api_test.cpp):
  {"routes": ["/api/v1/...", ...],                       every API path of the route table (api_path)
   "responses": [{"path": "/api/v1/...", "status": 200, "content_type": "...", "file": "..."}, ...]}
It fails (exit 1) unless:
  1. the route table's API paths and the OpenAPI file's paths are the same set;
  2. each response's (path, GET, status, content type) is described in the file;
  3. each JSON response validates against the described schema (JSON Schema 2020-12, as OpenAPI 3.1 says),
     with every $ref resolved inside the OpenAPI document.
"""
import json
import os
import sys

import jsonschema
import yaml


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    with open(sys.argv[2], encoding="utf-8") as f:
        manifest = json.load(f)
    problems = []
    spec_paths = set(doc.get("paths", {}))
    table_paths = set(manifest["routes"])
    for p in sorted(table_paths - spec_paths):
        problems.append(f"route table path {p} is not in the OpenAPI file")
    for p in sorted(spec_paths - table_paths):
        problems.append(f"OpenAPI path {p} is not a route of the route table")
    checked = 0
    for r in manifest["responses"]:
        where = f'GET {r["path"]} {r["status"]} ({r["file"]})'
        op = doc.get("paths", {}).get(r["path"], {}).get("get")
        if op is None:
            problems.append(f"{where}: no GET operation in the OpenAPI file")
            continue
        answer = op.get("responses", {}).get(str(r["status"]))
        if answer is None:
            problems.append(f"{where}: status {r['status']} is not described")
            continue
        if "$ref" in answer:
            answer = doc["components"]["responses"][answer["$ref"].rsplit("/", 1)[1]]
        media = r["content_type"].split(";")[0].strip()
        content = answer.get("content", {})
        if media not in content:
            problems.append(f"{where}: content type {media} is not described (only {sorted(content)})")
            continue
        with open(os.path.join(os.path.dirname(sys.argv[2]), r["file"]), encoding="utf-8") as f:
            text = f.read()
        if media != "application/json":
            checked += 1
            continue
        instance = json.loads(text)
        schema = dict(content[media]["schema"])
        schema["components"] = doc["components"]  # so "#/components/..." resolves inside this document
        validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
        errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
        for e in errors:
            problems.append(f"{where}: at /{'/'.join(map(str, e.absolute_path))}: {e.message}")
        checked += 1
    for p in problems:
        print("check_openapi:", p, file=sys.stderr)
    print(f"check_openapi: {checked} responses checked, {len(table_paths)} routes, {len(problems)} problems")
    if checked == 0:
        print("check_openapi: no response was checked", file=sys.stderr)
        return 1
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

#!/bin/bash
# Regenerates the cost processor's embedded price snapshot from the
# @pydantic/genai-prices npm package (MIT). Needs node >= 20 and npm; the Go
# build itself needs neither, because the result is committed.
#
#   scripts/update-prices/update.sh [version]     (default: the pinned one below)
#
# Writes, under components/processor/costprocessor/internal/prices/:
#   snapshot.json              trimmed providers/models/prices plus provenance
#   LICENSE.genai-prices       the package's licence, kept beside its data
#   testdata/vectors.json      prices computed by the package's own calcPrice,
#                              which the Go tests must reproduce
set -euo pipefail

VERSION="${1:-${GENAI_PRICES_VERSION:-0.1.8}}"
PACKAGE="@pydantic/genai-prices"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="$repo/components/processor/costprocessor/internal/prices"

command -v node >/dev/null || { echo "update-prices: node is required" >&2; exit 1; }
command -v npm >/dev/null || { echo "update-prices: npm is required" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "update-prices: fetching $PACKAGE@$VERSION" >&2
(cd "$tmp" && npm pack --silent "$PACKAGE@$VERSION" >pack.txt)
tarball="$tmp/$(tail -n1 "$tmp/pack.txt")"
integrity="$(npm view "$PACKAGE@$VERSION" dist.integrity 2>/dev/null || true)"
tar -xzf "$tarball" -C "$tmp"

mkdir -p "$out/testdata"
node "$here/convert.mjs" \
  --package-dir "$tmp/package" \
  --integrity "$integrity" \
  --snapshot "$out/snapshot.json" \
  --vectors "$out/testdata/vectors.json"
cp "$tmp/package/LICENSE" "$out/LICENSE.genai-prices"
echo "update-prices: wrote $out/snapshot.json" >&2

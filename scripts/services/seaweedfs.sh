#!/usr/bin/env bash
# SeaweedFS (Apache-2.0), the real S3 server: it enforces conditional writes (If-None-Match: *),
# which s3rver ignores. `go install ...weed@<version>` is refused for this module (its go.mod has
# replace directives), so: download the pinned module with `go mod download -json`, then
# `go build ./weed` inside it. Module and build caches live under <root>/.go so a re-install (or a
# new version) reuses them; GOFLAGS=-modcacherw keeps the cache deletable.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# A pseudo-version newer than 2026-03 (atomic If-None-Match).
VERSION=v0.0.0-20261109003541-7506e5f91cd6
MODULE=github.com/seaweedfs/seaweedfs
dir="$CHAOS_SERVICES_DIR/seaweedfs"

if already_installed seaweedfs "$VERSION"; then
  log "seaweedfs $VERSION already installed in $dir ($(size_of "$dir/bin/weed")): skipped"
  exit 0
fi
need go "install Go 1.24+ (https://go.dev/dl or apt-get install golang)"

export GOMODCACHE="$CHAOS_SERVICES_DIR/.go/mod"
export GOCACHE="$CHAOS_SERVICES_DIR/.go/cache"
export GOPATH="$CHAOS_SERVICES_DIR/.go/path"
export GOFLAGS=-modcacherw
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
mkdir -p "$GOMODCACHE" "$GOCACHE" "$GOPATH"

log "seaweedfs: downloading $MODULE@$VERSION"
src="$(go mod download -json "$MODULE@$VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
[ -n "$src" ] && [ -d "$src/weed" ] || { log "seaweedfs: go mod download gave no module directory"; exit 1; }

log "seaweedfs: building weed (minutes on a small machine; cached for next time)"
rm -rf "$dir"
mkdir -p "$dir/bin"
(cd "$src" && go build -o "$dir/bin/.weed.tmp" ./weed)
mv -f "$dir/bin/.weed.tmp" "$dir/bin/weed"
"$dir/bin/weed" version >/dev/null
write_ready seaweedfs "$VERSION" "{\"weed\":\"$dir/bin/weed\"}"
log "seaweedfs $VERSION installed: $dir/bin/weed ($(size_of "$dir/bin/weed"); Go caches $(size_of "$CHAOS_SERVICES_DIR/.go"))"

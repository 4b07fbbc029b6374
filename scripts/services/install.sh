#!/usr/bin/env bash
# `npm run services:install`: installs the real services the harness runs as local processes
# (Kafka broker, SeaweedFS S3 server, Spark, ...) under ${CHAOS_SERVICES_DIR:-<project>/.services}.
# Runs every component script beside this file (scripts/services/<component>.sh), or only the
# components named as arguments. Idempotent and pinned: each component skips what is already
# installed at its pinned version. Prints what each did and how long it took; exits non-zero when
# any component failed (the others still run).
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
project="$(cd "$here/../.." && pwd)"
export CHAOS_SERVICES_DIR="${CHAOS_SERVICES_DIR:-$project/.services}"
mkdir -p "$CHAOS_SERVICES_DIR"
export CHAOS_SERVICES_DIR="$(cd "$CHAOS_SERVICES_DIR" && pwd)"

if [ "$#" -gt 0 ]; then
  components=("$@")
else
  components=()
  for f in "$here"/*.sh; do
    name="$(basename "$f" .sh)"
    case "$name" in install | lib) continue ;; esac
    components+=("$name")
  done
fi

echo "services: installing into $CHAOS_SERVICES_DIR: ${components[*]}" >&2
failed=()
total_start=$(date +%s)
for c in "${components[@]}"; do
  script="$here/$c.sh"
  if [ ! -f "$script" ]; then
    echo "services: $c: no such component (scripts/services/$c.sh)" >&2
    failed+=("$c")
    continue
  fi
  start=$(date +%s)
  if bash "$script"; then
    echo "services: $c: done in $(( $(date +%s) - start )) s" >&2
  else
    echo "services: $c: FAILED after $(( $(date +%s) - start )) s" >&2
    failed+=("$c")
  fi
done
echo "services: all done in $(( $(date +%s) - total_start )) s; root $CHAOS_SERVICES_DIR ($(du -sh "$CHAOS_SERVICES_DIR" 2>/dev/null | cut -f1))" >&2
if [ "${#failed[@]}" -gt 0 ]; then
  echo "services: failed: ${failed[*]}" >&2
  exit 1
fi

# Shared by the component scripts of scripts/services/ (sourced, never run on its own).
# A component installs into "$CHAOS_SERVICES_DIR/<component>/" and writes ready.json there LAST,
# only when everything is in place: the harness finds a service only through that file, so a
# half-finished install (killed, failed) is simply "not installed" and the next run redoes it.

: "${CHAOS_SERVICES_DIR:?run through scripts/services/install.sh (npm run services:install)}"

log() { printf '%s\n' "services: $*" >&2; }

# already_installed COMPONENT VERSION: true when ready.json exists and names this version.
already_installed() {
  local file="$CHAOS_SERVICES_DIR/$1/ready.json"
  [ -f "$file" ] && grep -q "\"version\": *\"$2\"" "$file"
}

# write_ready COMPONENT VERSION PATHS_JSON: the last step of a component, atomically (temp + rename).
write_ready() {
  local dir="$CHAOS_SERVICES_DIR/$1"
  # installSeconds: how long this install took (bash's SECONDS since the component script started).
  printf '{"component":"%s","version":"%s","installedAt":"%s","installSeconds":%s,"paths":%s}\n' \
    "$1" "$2" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "${SECONDS:-0}" "$3" > "$dir/.ready.json.tmp"
  mv -f "$dir/.ready.json.tmp" "$dir/ready.json"
}

# need COMMAND HINT: fail with the fix when a tool is missing.
need() {
  command -v "$1" >/dev/null 2>&1 || { log "$1 not found: $2"; exit 2; }
}

size_of() { du -sh "$1" 2>/dev/null | cut -f1; }

#!/bin/sh
# Entrypoint of the local Grafana container, managed by create-grafana-plugin.
#
# With DEV=true (the default for `docker compose up`) it adds three conveniences before starting
# Grafana:
#   - the livereload script, so the browser refreshes after each `npm run dev` rebuild;
#   - for a plugin with a backend (PLUGIN_EXECUTABLE, or "executable" in dist/plugin.json), it
#     waits until dist/ holds the backend for this machine before starting Grafana: Grafana loads
#     plugins once at startup and never retries one whose executable was missing, so
#     `docker compose up` and `create-grafana-plugin dev` may be started in either order;
#   - a watcher that stops the plugin's backend process whenever its binary in dist/ changes.
#     Grafana notices the exit and starts the new binary, so rebuilding the Rust backend on the
#     host is enough to run the new code.
# With DEV=false (used by CI) Grafana starts unchanged.
set -eu

PLUGIN_DIR="${GF_PATHS_PLUGINS:-/var/lib/grafana/plugins}/${PLUGIN_ID:?PLUGIN_ID must be set}"
# The Grafana image's own start script; tests replace it with a stand-in.
GRAFANA_RUN="${GRAFANA_RUN:-/run.sh}"
INDEX_HTML=/usr/share/grafana/public/views/index.html
LIVERELOAD_TAG='<script src="http://localhost:35729/livereload.js"></script>'

log() {
  echo "[plugin-dev] $*"
}

add_livereload() {
  if [ -w "$INDEX_HTML" ] && ! grep -q 'livereload.js' "$INDEX_HTML"; then
    sed -i "s|</body>|${LIVERELOAD_TAG}</body>|" "$INDEX_HTML"
  fi
}

# Prints the backend's executable name: PLUGIN_EXECUTABLE (set by the compose file), else the
# "executable" field of dist/plugin.json, else nothing (a frontend-only plugin).
backend_executable() {
  if [ -n "${PLUGIN_EXECUTABLE:-}" ]; then
    echo "$PLUGIN_EXECUTABLE"
    return 0
  fi
  [ -f "$PLUGIN_DIR/plugin.json" ] || return 0
  sed -n 's/.*"executable"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' "$PLUGIN_DIR/plugin.json" | head -n 1
}

# The suffix Grafana looks for on this machine: <executable>_linux_<GOARCH>.
linux_arch() {
  case "$(uname -m)" in
    x86_64 | amd64) echo amd64 ;;
    aarch64 | arm64) echo arm64 ;;
    arm*) echo arm ;;
    *) uname -m ;;
  esac
}

wait_for_backend() {
  executable=$(backend_executable)
  [ -n "$executable" ] || return 0
  binary="$PLUGIN_DIR/${executable}_linux_$(linux_arch)"
  [ -x "$binary" ] && return 0
  log "waiting for dist/${binary##*/}, run \`create-grafana-plugin build\` or \`dev\`"
  while [ ! -x "$binary" ]; do
    sleep 1
  done
  log "found dist/${binary##*/}, starting Grafana"
}

# Size and modification time of the backend binary for this container's architecture; changes
# when a new build lands (builds arrive by rename, so a half-written file is never seen).
binary_fingerprint() {
  executable=$(backend_executable)
  [ -n "$executable" ] || return 0
  file="$PLUGIN_DIR/${executable}_linux_$(linux_arch)"
  [ -f "$file" ] && stat -c '%n %s %Y' "$file"
  return 0
}

# One pgrep (busybox and procps both have it) rather than a `tr` per /proc entry.
stop_backend() {
  for pid in $(pgrep -f "^$PLUGIN_DIR/$1_linux_"); do
    log "backend binary changed, stopping $pid so Grafana starts the new one"
    kill "$pid" 2>/dev/null || true
  done
}

# $1: the fingerprint of the binary Grafana is about to start, taken before it starts, so that
# a build landing in the first seconds is not mistaken for the first one.
watch_backend() {
  previous=$1
  while true; do
    sleep 2
    current=$(binary_fingerprint)
    if [ -n "$previous" ] && [ "$current" != "$previous" ]; then
      stop_backend "$(backend_executable)"
    fi
    previous=$current
  done
}

if [ "${DEV:-false}" = "true" ]; then
  log "development mode: livereload and backend restarts enabled"
  add_livereload
  wait_for_backend
  # Taken here, not in the argument of the background command: that expansion would run in the
  # new process, possibly after Grafana started and a new build landed.
  started_with=$(binary_fingerprint)
  watch_backend "$started_with" &
else
  log "test mode"
fi

exec "$GRAFANA_RUN" "$@"

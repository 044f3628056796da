#!/bin/sh
# Entrypoint of the local Grafana container, managed by create-grafana-plugin.
#
# With DEV=true (the default for `docker compose up`) it adds two conveniences before starting
# Grafana:
#   - the livereload script, so the browser refreshes after each `npm run dev` rebuild;
#   - a watcher that stops the plugin's backend process whenever its binary in dist/ changes.
#     Grafana notices the exit and starts the new binary, so rebuilding the Rust backend on the
#     host is enough to run the new code.
# With DEV=false (used by CI) Grafana starts unchanged.
set -eu

PLUGIN_DIR="${GF_PATHS_PLUGINS:-/var/lib/grafana/plugins}/${PLUGIN_ID:?PLUGIN_ID must be set}"
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

# Prints the "executable" field of dist/plugin.json, or nothing for a frontend-only plugin.
backend_executable() {
  [ -f "$PLUGIN_DIR/plugin.json" ] || return 0
  sed -n 's/.*"executable"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' "$PLUGIN_DIR/plugin.json" | head -n 1
}

# Size and modification time of every built backend binary; changes when a new build lands.
binary_fingerprint() {
  for file in "$PLUGIN_DIR/$1"_linux_*; do
    [ -f "$file" ] && stat -c '%n %s %Y' "$file"
  done
  return 0
}

stop_backend() {
  for proc in /proc/[0-9]*; do
    # The process may exit between listing /proc and reading it.
    cmdline=$(tr '\0' ' ' 2>/dev/null <"$proc/cmdline") || continue
    case "$cmdline" in
      "$PLUGIN_DIR/$1"_linux_*)
        log "backend binary changed, stopping ${proc#/proc/} so Grafana starts the new one"
        kill "${proc#/proc/}" 2>/dev/null || true
        ;;
    esac
  done
}

watch_backend() {
  previous=''
  while true; do
    executable=$(backend_executable)
    if [ -n "$executable" ]; then
      current=$(binary_fingerprint "$executable")
      if [ -n "$previous" ] && [ "$current" != "$previous" ]; then
        stop_backend "$executable"
      fi
      previous=$current
    fi
    sleep 2
  done
}

if [ "${DEV:-false}" = "true" ]; then
  log "development mode: livereload and backend restarts enabled"
  add_livereload
  watch_backend &
else
  log "test mode"
fi

exec /run.sh "$@"

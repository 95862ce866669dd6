#!/usr/bin/env bash
# One counsellor save, from the tap on Save to the durable commit (issue 14): the real kiosk
# window alone on a private 1920x1080 Xvfb, run with --trace-frames (kiosk/ui/frame_trace.hpp).
#   1. a kiosk folder enrolled with a local sync-server (stopped once enrolled: the kiosk works
#      offline, so no sync competes with the saves) and its first-setup counsellor account,
#      made with the kiosk's command line;
#   2. by xdotool taps: Staff, the name on the on-screen keyboard, the PIN on the PIN pad,
#      Sign in, then one new case (number, name, status, Save: not measured);
#   3. SAVES times: "Edit case details", the name by the on-screen keyboard ("a" -> "ab" -> "a":
#      every save writes a change), Save; back on the case screen before the next.
# Per save: from the Save tap's release event to the trace's `saved` line, which the Shell
# writes once the store has returned (synchronous=FULL: the commit is durable). Prints median
# and p99 in ms.
#
#   bench/touch/save.sh KIOSK_BINARY [--saves 50] [--server SYNC_SERVER] [--allow-busy]
# SYNC_SERVER defaults to the build's sync-server beside the kiosk's folder. Skipped (exit 0)
# with a message when Xvfb or xdotool is missing. Waits for, then refuses to run above, a
# load average of 1.0 unless --allow-busy (procstat.sh's load_gate).
set -euo pipefail
kiosk=${1:?usage: save.sh KIOSK_BINARY [--saves N] [--server SYNC_SERVER] [--allow-busy]}
shift
saves=50
allow_busy=0
server=$(dirname "$kiosk")/../sync-server/sync-server
while [ $# -gt 0 ]; do
  case "$1" in
    --saves) saves=$2; shift 2 ;;
    --server) server=$2; shift 2 ;;
    --allow-busy) allow_busy=1; shift ;;
    *) echo "save: unknown option $1" >&2; exit 2 ;;
  esac
done
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../footprint/procstat.sh"
. "$here/taps.sh"
precheck save "$allow_busy" "$kiosk"
[ -x "$server" ] || { echo "save: no sync-server binary at $server (give --server)" >&2; exit 2; }

work=$(mktemp -d)
trap cleanup EXIT
frames=$work/frames   # KIOSK_DEBUG_FRAMES readout: frames and widget rectangles
trace=$work/trace     # --trace-frames
pin=582047            # fictional, as is everyone here
cli() { "$kiosk" --data-dir "$work/data" "$@"; }
server_listening() { grep -q '"port"' "$work/server.out"; }

"$server" serve --db "$work/server.db" --listen 127.0.0.1:0 --forms "$here/../../assets/forms" --quiet \
  > "$work/server.out" 2>/dev/null &
server_pid=$!
wait_until "a listening sync-server" server_listening
port=$(sed -n 's/.*"port":\([0-9]*\).*/\1/p' "$work/server.out" | head -n 1)
code=$("$server" enroll-code --db "$work/server.db" --centre OSLO | sed 's/.*"code":"\([^"]*\)".*/\1/')
cli enroll --server "http://127.0.0.1:$port" --code "$code" --name save-bench > /dev/null
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=
printf '%s\n' "$pin" | cli counsellor-add --name "Ali Noor" > /dev/null

start_display 1920 1080
KIOSK_DEBUG_FRAMES=1 "$kiosk" --data-dir "$work/data" --trace-frames "$trace" > "$frames" 2>/dev/null &
app_pid=$!
wait_until "the attract screen" has_widget staff
window=$(xdotool search --sync --name '^Waystation$' | head -n 1)
wait_until "a still attract screen" asleep_after 0

tap staff
wait_until "the sign-in screen" has_widget login_name
tap login_name
wait_until "the on-screen keyboard" has_widget kb_u0061
for key in kb_u0061 kb_u006c kb_u0069 kb_space kb_u006e kb_u006f kb_u006f kb_u0072 kb_enter; do tap "$key"; done
for digit in $(echo "$pin" | fold -w1); do
  if [ "$digit" = 0 ]; then tap pin_key10; else tap "pin_key$((digit - 1))"; fi
done
tap sign_in
wait_until "the case list" has_widget new_case
# One case, made as a counsellor does (number "a", name "a"): not measured.
tap new_case
for field in case_number name_latin; do
  wait_until "the case form's $field" has_widget "$field"
  tap "$field"
  wait_until "the on-screen keyboard" has_widget kb_u0061
  tap kb_u0061
  tap kb_enter
done
tap save_form
wait_until "the new case" has_widget edit_case
for i in $(seq 1 "$saves"); do
  tap edit_case
  wait_until "the case form" has_widget save_form
  tap name_latin
  wait_until "the on-screen keyboard" has_widget kb_backspace
  if [ $((i % 2)) = 1 ]; then tap kb_u0062; else tap kb_backspace; fi
  tap kb_enter
  tap save_form
  wait_until "the case after save $i" has_widget edit_case
done

# Per save: the last release before each `saved` line (the Save tap's) to that line; the
# first save (the new case) is not one of them.
awk '$1 == "input" && $3 == "release" {rel = $2}
     $1 == "saved" && ++n > 1 {print ($2 - rel) / 1000}' "$trace" > "$work/saves.txt"
measured=$(wc -l < "$work/saves.txt")
[ "$measured" = "$saves" ] || { echo "save: $measured durable saves traced for $saves Save taps" >&2; exit 1; }

echo
echo "kiosk window, 1920x1080 Xvfb: $measured saves of a case (its name changed each time)"
printf '%-40s %10s %10s\n' "" median p99
printf '%-40s %7s ms %7s ms\n' "Save tap to durable commit" "$(pct "$work/saves.txt" 50)" "$(pct "$work/saves.txt" 99)"

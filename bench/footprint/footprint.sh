#!/usr/bin/env bash
# Footprint bench (issue 14): the real kiosk window against `chromium --kiosk` showing an
# equivalent static page (the attract screen: a title, a line of text, four topic buttons),
# each alone on a private Xvfb at 1920x1080, alternating, medians of RUNS:
#   - PSS: the sum of Pss over the process and its children (/proc/PID/smaps_rollup), 10 s
#     after start;
#   - first painted frame: from exec to the kiosk's first "frame 1" line (KIOSK_DEBUG_FRAMES)
#     or to the page's title change in the frame after its first paint (double
#     requestAnimationFrame), seen through the X window name. Neither is polled: the kiosk's
#     line is read from a pipe as it comes, the title by x_wait_title (built beside the kiosk,
#     build/*/bench/footprint/), which waits for the X server's events. Until session 33 a
#     loop started grep or xdotool every 5 ms, which took about half a core from the app timed;
#   - idle CPU: utime + stime (/proc/PID/stat, process tree) over 20 s with nothing moving.
#
#   bench/footprint/footprint.sh KIOSK_BINARY [--runs 5] [--waiter X_WAIT_TITLE] [--allow-busy]
# X_WAIT_TITLE defaults to the one in the kiosk binary's build tree.
# Skipped (exit 0) with a message when chromium or Xvfb is missing. Waits for, then
# refuses to run above, a load average of 1.0 unless --allow-busy (procstat.sh's load_gate).
set -euo pipefail
kiosk=${1:?usage: footprint.sh KIOSK_BINARY [--runs N] [--waiter X_WAIT_TITLE] [--allow-busy]}
shift
runs=5
allow_busy=0
waiter=$(dirname "$kiosk")/../bench/footprint/x_wait_title
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --waiter) waiter=$2; shift 2 ;;
    --allow-busy) allow_busy=1; shift ;;
    *) echo "footprint: unknown option $1" >&2; exit 2 ;;
  esac
done

. "$(dirname "$0")/procstat.sh"
load_gate footprint "$allow_busy"
browser=$(command -v chromium || command -v chromium-browser || true)
command -v Xvfb >/dev/null || { echo "footprint: Xvfb is not installed: skipped"; exit 0; }
[ -n "$browser" ] || { echo "footprint: chromium is not installed: skipped (apt-get install chromium)"; exit 0; }
[ -x "$kiosk" ] || { echo "footprint: no kiosk binary at $kiosk" >&2; exit 2; }
[ -x "$waiter" ] || { echo "footprint: no x_wait_title at $waiter (build the tree: make release; or --waiter PATH)" >&2; exit 2; }

work=$(mktemp -d)
xvfb_pid=
app_pid=
watch_pid=
cleanup() {
  [ -n "$watch_pid" ] && kill "$watch_pid" 2>/dev/null && wait "$watch_pid" 2>/dev/null
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null && wait "$app_pid" 2>/dev/null
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null && wait "$xvfb_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

cat > "$work/page.html" <<'HTML'
<!doctype html>
<html><head><meta charset="utf-8"><title>loading</title>
<style>
  body { margin: 0; background: #f4f1ea; font-family: sans-serif; color: #1d2b36; }
  main { display: flex; flex-direction: column; align-items: center; justify-content: center; height: 100vh; }
  h1 { font-size: 56px; margin: 0 0 16px; }
  p { font-size: 28px; margin: 0 0 48px; }
  .topics { display: grid; grid-template-columns: repeat(2, 420px); gap: 24px; }
  button { font-size: 28px; padding: 36px; border-radius: 16px; border: 0; background: #1f5f8b; color: #fff; }
</style></head>
<body><main>
  <h1>Welcome</h1><p>Touch a topic to start. Velg et tema for å begynne.</p>
  <div class="topics"><button>What happens next</button><button>Your rights</button>
  <button>Health</button><button>Appointments</button></div>
</main>
<script>requestAnimationFrame(() => requestAnimationFrame(() => { document.title = "painted"; }));</script>
</body></html>
HTML

stop_app() {
  kill "$app_pid" 2>/dev/null || true
  wait "$app_pid" 2>/dev/null || true
  app_pid=
  # The kiosk's output drain or Chromium's title waiter.
  if [ -n "$watch_pid" ]; then
    kill "$watch_pid" 2>/dev/null || true
    wait "$watch_pid" 2>/dev/null || true
    watch_pid=
  fi
  kill "$xvfb_pid" 2>/dev/null || true
  wait "$xvfb_pid" 2>/dev/null || true
  xvfb_pid=
}

# Starts the app on a fresh display and waits for its first painted frame: sets $t0 and $first
# (microseconds; $first empty when nothing was painted) and $why (the reason then). Stops
# waiting as soon as the app has exited: a browser that cannot reach the display quits at once
# (seen in 4 of ~170 Chromium starts on a fresh Xvfb here, "Missing X server or $DISPLAY").
# Times are bash's $EPOCHREALTIME (now_us): reading the clock starts no process.
start_app() {
  local which=$1 line status=0 ended=
  first=
  why=
  start_display
  rm -rf "$work/data" "$work/chromium" "$work/out.pipe"
  mkfifo "$work/out.pipe"
  if [ "$which" = kiosk ]; then
    t0=$(now_us)
    KIOSK_DEBUG_FRAMES=1 "$kiosk" --data-dir "$work/data" > "$work/out.pipe" 2> "$work/app.err" &
    app_pid=$!
    exec 8< "$work/out.pipe"
    # Its first frame's line arrives through the pipe; the pipe's end means the app exited.
    while true; do
      IFS= read -r -u 8 -t 60 line || { status=$?; break; }
      case "$line" in "frame 1 "*) first=$(now_us); break ;; esac
    done
    # The rest is drained, so that the kiosk never blocks on (or dies of) a pipe nobody reads.
    cat <&8 > /dev/null &
    watch_pid=$!
    exec 8<&-
    [ -n "$first" ] && return
    if [ "$status" -gt 128 ]; then why="it painted nothing within 60 s"; else why="it exited before painting"; fi
    return
  fi
  # The window is named after the page's title ("painted - Chromium"). The waiter says
  # "watching" once it follows the X server's windows, then the time the title changed.
  "$waiter" painted 60 > "$work/out.pipe" &
  watch_pid=$!
  exec 9< "$work/out.pipe"
  IFS= read -r -u 9 line || true
  if [ "$line" != watching ]; then
    exec 9<&-
    echo "footprint: x_wait_title did not start" >&2
    exit 1
  fi
  t0=$(now_us)
  "$browser" --kiosk --no-first-run --no-default-browser-check --disable-extensions --no-sandbox \
    --user-data-dir="$work/chromium" "file://$work/page.html" >/dev/null 2> "$work/app.err" &
  app_pid=$!
  wait -n -p ended "$watch_pid" "$app_pid" || status=$?
  if [ "$ended" = "$watch_pid" ]; then
    watch_pid=
    if [ "$status" = 0 ]; then IFS= read -r -u 9 first || true; fi
    [ -n "$first" ] || why="it painted nothing within 60 s"
  else
    why="it exited before painting"
  fi
  exec 9<&-
}

# One measurement: prints "first_frame_ms pss_kb idle_ms_per_20s". A start that paints nothing
# is tried again, up to three times, and said on stderr with the app's last words: it is the
# display or the browser failing to start, not a figure.
measure() {
  local which=$1 attempt
  for attempt in 1 2 3; do
    start_app "$which"
    [ -n "$first" ] && break
    stop_app
    echo "footprint: $which, attempt $attempt: $why; the end of its stderr:" >&2
    tail -n 3 "$work/app.err" | sed 's/^/  /' >&2
  done
  [ -n "$first" ] || return 1
  sleep 10  # settle: the figure is the idle state after start-up, not start-up itself
  local pss idle
  pss=$(pss_kb "$app_pid")
  idle=$(idle_ms_per_20s "$app_pid")
  stop_app
  echo "$(((first - t0) / 1000)) $pss $idle"
}

: > "$work/kiosk.txt"
: > "$work/chromium.txt"
for i in $(seq 1 "$runs"); do
  k=$(measure kiosk); echo "run $i kiosk:    first frame ${k%% *} ms, PSS / idle CPU: ${k#* }" ; echo "$k" >> "$work/kiosk.txt"
  c=$(measure chromium); echo "run $i chromium: first frame ${c%% *} ms, PSS / idle CPU: ${c#* }"; echo "$c" >> "$work/chromium.txt"
done
col() { awk -v c="$2" '{print $c}' "$work/$1.txt" | median; }
kf=$(col kiosk 1); kp=$(col kiosk 2); ki=$(col kiosk 3)
cf=$(col chromium 1); cp=$(col chromium 2); ci=$(col chromium 3)
echo
echo "medians of $runs (1920x1080 Xvfb; idle CPU resolution $((1000 / $(getconf CLK_TCK))) ms)"
printf '%-22s %12s %12s %10s\n' "" kiosk chromium ratio
printf '%-22s %9d ms %9d ms %10s\n' "first painted frame" "$kf" "$cf" "$(awk "BEGIN{printf \"%.2f\", $kf/$cf}")"
printf '%-22s %9d MB %9d MB %10s\n' "PSS" "$((kp / 1024))" "$((cp / 1024))" "$(awk "BEGIN{printf \"%.2f\", $kp/$cp}")"
printf '%-22s %9d ms %9d ms\n' "idle CPU per 20 s" "$ki" "$ci"

# Sourced by the tap benches (touch.sh, save.sh): the kiosk window read through its
# KIOSK_DEBUG_FRAMES readout ($frames) and its --trace-frames file ($trace), tapped by xdotool.
# Needs procstat.sh sourced first, then precheck, and $work, $frames, $trace and $window (the
# X window, once it is up); `trap cleanup EXIT` ends the processes started ($app_pid,
# $server_pid, $xvfb_pid).
# shellcheck shell=bash disable=SC2154  # those come from the bench

# The load gate (procstat.sh), then an exit 0 with a message when Xvfb or xdotool is missing:
# $1 names the bench in messages, $2 is 1 for --allow-busy, $3 the kiosk binary.
precheck() {
  bench=$1
  load_gate "$bench" "$2"
  local tool
  for tool in Xvfb xdotool; do
    command -v "$tool" >/dev/null || { echo "$bench: $tool is not installed: skipped"; exit 0; }
  done
  [ -x "$3" ] || { echo "$bench: no kiosk binary at $3" >&2; exit 2; }
}

xvfb_pid=
app_pid=
server_pid=
cleanup() {
  local pid
  for pid in $app_pid $server_pid $xvfb_pid; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true  # its exit status (killed) is not the bench's
  done
  rm -rf "$work"
}

# The centre of widget $1 on the last frame of the readout ("" when it is not there).
centre() {
  awk -v id="$1" '$1 == "frame" {c = ""} $1 == "item" && $2 == id {c = int(($3 + $5) / 2) " " int(($4 + $6) / 2)}
                  END {print c}' "$frames"
}
releases() { grep -c '^input [0-9]* release' "$trace" || true; }
# The loop has gone to sleep (nothing left to draw) after at least $1 releases.
asleep_after() { [ "$(releases)" -ge "$1" ] && [ "$(tail -n 1 "$trace" | cut -d' ' -f1)" = sleep ]; }
has_widget() { [ -n "$(centre "$1")" ]; }
# Polls a condition (bounded generously for a busy machine); never a fixed wait.
wait_until() {
  local what=$1 end=$(( $(date +%s) + 120 ))
  shift
  until "$@"; do
    [ "$(date +%s)" -lt "$end" ] || { echo "$bench: the kiosk never reached: $what" >&2; exit 1; }
    sleep 0.02
  done
}
tap() {
  local xy n
  xy=$(centre "$1")
  [ -n "$xy" ] || { echo "$bench: no widget $1 on screen" >&2; exit 1; }
  n=$(releases)
  # shellcheck disable=SC2086  # "x y"
  xdotool mousemove --window "$window" $xy click 1
  wait_until "the frames after tapping $1" asleep_after $((n + 1))
}
# Percentile $2 of the numbers in file $1, one a line, with one decimal.
pct() { sort -n "$1" | awk -v p="$2" '{a[NR] = $1} END {i = int(NR * p / 100 + 0.999999); if (i < 1) i = 1; printf "%.1f", a[i]}'; }

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
# The trace is followed as it grows with shell builtins only: starting grep, tail, cut and
# date on every poll (until session 33) took CPU from the window drawing the frames being
# timed. follow_trace reads the lines written since its last call and keeps the number of
# releases and the first word of the last whole line.
trace_fd=
trace_releases=0
trace_last=
trace_partial=
follow_trace() {
  if [ -z "$trace_fd" ]; then
    [ -e "$trace" ] || return 0
    exec {trace_fd}< "$trace"
  fi
  local line
  while IFS= read -r -u "$trace_fd" line; do
    line=$trace_partial$line
    trace_partial=
    case $line in "input "*" release"*) trace_releases=$((trace_releases + 1)) ;; esac
    trace_last=${line%% *}
  done
  trace_partial=$trace_partial$line  # a line the kiosk has not finished writing yet
}
# The loop has gone to sleep (nothing left to draw) after at least $1 releases.
asleep_after() { follow_trace; [ "$trace_releases" -ge "$1" ] && [ -z "$trace_partial" ] && [ "$trace_last" = sleep ]; }
has_widget() { [ -n "$(centre "$1")" ]; }
# Polls a condition (bounded generously for a busy machine); never a fixed wait. The pause is
# a read that times out on a pipe nobody writes to: no process is started for it.
pause_fd=
wait_until() {
  local what=$1 end=$((SECONDS + 120))
  shift
  if [ -z "$pause_fd" ]; then
    mkfifo "$work/pause"
    exec {pause_fd}<> "$work/pause"
  fi
  until "$@"; do
    [ "$SECONDS" -lt "$end" ] || { echo "$bench: the kiosk never reached: $what" >&2; exit 1; }
    read -r -t 0.02 -u "$pause_fd" || true
  done
}
tap() {
  local xy n
  xy=$(centre "$1")
  [ -n "$xy" ] || { echo "$bench: no widget $1 on screen" >&2; exit 1; }
  follow_trace
  n=$trace_releases
  # shellcheck disable=SC2086  # "x y"
  xdotool mousemove --window "$window" $xy click 1
  wait_until "the frames after tapping $1" asleep_after $((n + 1))
}
# Percentile $2 of the numbers in file $1, one a line, with one decimal.
pct() { sort -n "$1" | awk -v p="$2" '{a[NR] = $1} END {i = int(NR * p / 100 + 0.999999); if (i < 1) i = 1; printf "%.1f", a[i]}'; }

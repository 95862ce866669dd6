# shellcheck shell=bash
# Shared by the window benches (footprint.sh, ../touch/touch.sh); sourced, not run.
# Needs $work (a scratch folder); start_display sets $xvfb_pid and DISPLAY.
# shellcheck disable=SC2154,SC2034  # $work comes from, and $xvfb_pid goes to, the bench

# Above a load average of 1.0, waits (polling every 5 s) up to $BENCH_LOAD_WAIT seconds
# (default 600) for it to fall to 1.0, then refuses to measure unless $2 is 1 (--allow-busy).
# The same rule as check_load in ../bench_common.hpp, for the shell benches.
above_one() { awk "BEGIN{exit !($1 > 1.0)}"; }
load_gate() {
  local name=$1 allow_busy=$2 load wait_s waited=0
  load=$(cut -d' ' -f1 /proc/loadavg)
  echo "load average (1 min): $load"
  if above_one "$load" && [ "$allow_busy" = 0 ]; then
    wait_s=${BENCH_LOAD_WAIT:-600}
    [[ $wait_s =~ ^[0-9]+$ ]] || wait_s=600
    echo "waiting up to $wait_s s for the load average to fall to 1.0 (BENCH_LOAD_WAIT)"
    while above_one "$load" && [ "$waited" -lt "$wait_s" ]; do
      sleep 5
      waited=$((waited + 5))
      load=$(cut -d' ' -f1 /proc/loadavg)
    done
    above_one "$load" || echo "load average (1 min): $load"
  fi
  if above_one "$load"; then
    if [ "$allow_busy" = 0 ]; then
      echo "$name: the load average is $load (> 1.0) after waiting: the machine is busy and the figures would be noise." \
           "Wait for a quiet machine, or pass --allow-busy." >&2
      exit 3
    fi
    echo "WARNING: load average $load > 1.0: BUSY MACHINE, these figures are not comparable."
  fi
}

# Microseconds of the wall clock (CLOCK_REALTIME), read without starting a process.
now_us() { local t=$EPOCHREALTIME; echo "${t/[.,]/}"; }

# The pids of a process and all its descendants.
tree() {
  local pids=$1 frontier=$1 next
  while [ -n "$frontier" ]; do
    next=$(for p in $frontier; do cat /proc/"$p"/task/*/children 2>/dev/null; done | tr '\n' ' ')
    frontier=$next
    pids="$pids $next"
  done
  echo "$pids"
}
pss_kb() {
  local total=0 kb
  for p in $(tree "$1"); do
    kb=$(awk '/^Pss:/ {print $2}' /proc/"$p"/smaps_rollup 2>/dev/null || true)
    total=$((total + ${kb:-0}))
  done
  echo $total
}
cpu_ticks() {
  local total=0 t
  for p in $(tree "$1"); do
    # Fields 14 and 15 (utime, stime), counted after the command name's closing parenthesis.
    t=$(sed 's/.*) //' /proc/"$p"/stat 2>/dev/null | awk '{print $12 + $13}' || true)
    total=$((total + ${t:-0}))
  done
  echo $total
}
# CPU time (ms) the process tree of $1 used in 20 s of wall time, by definition of the figure.
idle_ms_per_20s() {
  local before after
  before=$(cpu_ticks "$1")
  sleep 20
  after=$(cpu_ticks "$1")
  echo $(( (after - before) * 1000 / $(getconf CLK_TCK) ))
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# A private Xvfb of $1x$2 (default 1920x1080) on a free display number.
start_display() {
  local fifo="$work/displayfd" n
  rm -f "$fifo"; mkfifo "$fifo"
  Xvfb -displayfd 8 -screen 0 "${1:-1920}x${2:-1080}x24" -nolisten tcp 8>"$fifo" 2>/dev/null &
  xvfb_pid=$!
  read -r n < "$fifo"
  export DISPLAY=":$n"
}

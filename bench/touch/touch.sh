#!/usr/bin/env bash
# Tap-to-photon bench (issue 12): the real kiosk window alone on a private 1920x1080 Xvfb, run
# with --trace-frames (kiosk/ui/frame_trace.hpp: each input event's arrival as GLFW delivers
# it, each presented frame's time after SwapBuffers + glFinish and a hash of its draw data).
#   1. attract screen, once the window loop sleeps: PSS and idle CPU per 20 s;
#   2. by xdotool taps to the appointment form, its name field focused and the on-screen
#      keyboard open; TAPS taps on keyboard keys, alternately "a" and backspace, one at a time
#      (the next once the loop sleeps again), each press and release sent back to back;
#   3. the same form, still: PSS and idle CPU per 20 s.
# Per tap, from its release event:
#   - tap to photon: to the first presented frame whose draw data differs from the frame on
#     screen when the release arrived;
#   - tap to effect: to the first presented frame showing the state the tap ends in.
# Prints median and p99 of both, in ms.
#
#   bench/touch/touch.sh KIOSK_BINARY [--taps 100] [--allow-busy]
# Skipped (exit 0) with a message when Xvfb or xdotool is missing. Waits for, then refuses to run
# above, a load average of 1.0 unless --allow-busy (procstat.sh's load_gate).
set -euo pipefail
kiosk=${1:?usage: touch.sh KIOSK_BINARY [--taps N] [--allow-busy]}
shift
taps=100
allow_busy=0
while [ $# -gt 0 ]; do
  case "$1" in
    --taps) taps=$2; shift 2 ;;
    --allow-busy) allow_busy=1; shift ;;
    *) echo "touch: unknown option $1" >&2; exit 2 ;;
  esac
done
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../footprint/procstat.sh"
. "$here/taps.sh"
precheck touch "$allow_busy" "$kiosk"

work=$(mktemp -d)
trap cleanup EXIT

frames=$work/frames   # KIOSK_DEBUG_FRAMES readout: frames and widget rectangles
trace=$work/trace     # --trace-frames

start_display 1920 1080
KIOSK_DEBUG_FRAMES=1 "$kiosk" --data-dir "$work/data" --trace-frames "$trace" > "$frames" 2>/dev/null &
app_pid=$!
wait_until "the attract screen" has_widget touch_to_start
window=$(xdotool search --sync --name '^Waystation$' | head -n 1)
wait_until "a still attract screen" asleep_after 0
attract_pss=$(pss_kb "$app_pid")
attract_idle=$(idle_ms_per_20s "$app_pid")

tap touch_to_start
wait_until "the language list" has_widget lang_en
tap lang_en
wait_until "the information screen" has_widget appointment_button
tap appointment_button
wait_until "the appointment form" has_widget appointment_name
tap appointment_name
wait_until "the on-screen keyboard" has_widget kb_u0061
follow_trace
first_tap=$((trace_releases + 1))
for i in $(seq 1 "$taps"); do
  if [ $((i % 2)) = 1 ]; then tap kb_u0061; else tap kb_backspace; fi
done
form_pss=$(pss_kb "$app_pid")
form_idle=$(idle_ms_per_20s "$app_pid")

# Per tap (from its release on): the hash on screen when the release arrived, the first frame
# that differs from it, and the first frame showing the hash the tap settles on: the one on
# screen when the loop goes to sleep. Frames after that sleep belong to the next tap, whose
# press can be drawn before its release arrives (until session 34 such a frame was taken for
# this tap's final state, and its time for this tap's effect).
awk -v first="$first_tap" -v out="$work" '
  $1 == "frame" { shown = $4; if (k >= first && !slept[k]) { n[k]++; t[k, n[k]] = $3; h[k, n[k]] = $4 } }
  $1 == "sleep" { slept[k] = 1 }
  $1 == "input" && $3 == "release" { k++; rel[k] = $2; before[k] = shown }
  END {
    for (i = first; i <= k; i++) {
      settled = h[i, n[i]]
      if (n[i] == 0 || settled == before[i]) { lost++; continue }
      photon = ""; effect = ""
      for (j = 1; j <= n[i]; j++) {
        if (photon == "" && h[i, j] != before[i]) photon = t[i, j] - rel[i]
        if (effect == "" && h[i, j] == settled) effect = t[i, j] - rel[i]
      }
      print photon / 1000 > (out "/photon.txt"); print effect / 1000 > (out "/effect.txt")
    }
    print lost + 0 > (out "/lost.txt")
  }' "$trace"
measured=$(wc -l < "$work/photon.txt")

echo
echo "kiosk window, 1920x1080 Xvfb (Mesa llvmpipe): $measured taps measured, $(cat "$work/lost.txt") without effect"
printf '%-34s %10s %10s\n' "" median p99
printf '%-34s %7s ms %7s ms\n' "tap to photon (first changed frame)" "$(pct "$work/photon.txt" 50)" "$(pct "$work/photon.txt" 99)"
printf '%-34s %7s ms %7s ms\n' "tap to effect (its final state)" "$(pct "$work/effect.txt" 50)" "$(pct "$work/effect.txt" 99)"
echo "idle CPU resolution $((1000 / $(getconf CLK_TCK))) ms"
printf '%-34s %10s %14s\n' "" PSS "idle CPU/20 s"
printf '%-34s %7d MB %11d ms\n' "attract screen" "$((attract_pss / 1024))" "$attract_idle"
printf '%-34s %7d MB %11d ms\n' "appointment form, keyboard open" "$((form_pss / 1024))" "$form_idle"

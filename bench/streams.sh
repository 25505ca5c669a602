#!/usr/bin/env bash
# Memory of many concurrent slow LLM streams, and the time to first token the gateway adds (this machine only, all
# traffic on 127.0.0.1).
#
# Starts `./gatewaystack demo` with a capped heap (HEAP, default 512m) and the fake LLM sending one chunk every
# CHUNK_DELAY_MS, then:
#   1. opens STREAMS (1000) streamed /v1/chat/completions at once (bench/streams/SlowStreams.java, JDK HttpClient on
#      virtual threads); when every stream has received content (all are open at the same time), it forces a full GC
#      in the demo JVM and records its heap (jcmd GC.heap_info) and resident memory (VmRSS, VmHWM);
#   2. waits for every stream to end and counts the complete ones;
#   3. measures the time to the first event, TTFT_COUNT streams one after another, against the fake LLM
#      directly and through the gateway.
# The demo JVM also holds the fake LLM and the dev issuer, so its heap is an upper bound for the gateway's.
# Every wait is bounded; the demo is stopped on exit. Output in bench/target/streams-<time>/.
#
# Environment (all optional): STREAMS=1000 WORDS=400 CHUNK_DELAY_MS=300 HEAP=512m TTFT_COUNT=200 TIMEOUT=120
#   GATEWAY_PORT=18090 ISSUER_PORT=15061 ECHO_PORT=13343 LLM_PORT=13344 TOOLS_PORT=13345 STARTUP_TIMEOUT=300
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

STREAMS="${STREAMS:-1000}"
WORDS="${WORDS:-400}"
CHUNK_DELAY_MS="${CHUNK_DELAY_MS:-300}"
HEAP="${HEAP:-512m}"
TTFT_COUNT="${TTFT_COUNT:-200}"
TIMEOUT="${TIMEOUT:-120}"
GATEWAY_PORT="${GATEWAY_PORT:-18090}"
ISSUER_PORT="${ISSUER_PORT:-15061}"
ECHO_PORT="${ECHO_PORT:-13343}"
LLM_PORT="${LLM_PORT:-13344}"
TOOLS_PORT="${TOOLS_PORT:-13345}"
STARTUP_TIMEOUT="${STARTUP_TIMEOUT:-300}"
for v in STREAMS WORDS CHUNK_DELAY_MS TTFT_COUNT TIMEOUT GATEWAY_PORT ISSUER_PORT ECHO_PORT LLM_PORT TOOLS_PORT STARTUP_TIMEOUT; do
  case "${!v}" in ''|*[!0-9]*) echo "streams.sh: $v must be a whole number, got '${!v}'" >&2; exit 2 ;; esac
done

log() { echo "streams.sh: $*" >&2; }
command -v curl >/dev/null 2>&1 || { log "curl is needed"; exit 1; }

# JDK as in the launcher: JAVA_HOME, else /usr/lib/jvm/temurin-25*, else PATH
java_home="${JAVA_HOME:-}"
if [ -z "$java_home" ]; then
  for d in /usr/lib/jvm/temurin-25* /usr/lib/jvm/*25*; do [ -x "$d/bin/jcmd" ] && { java_home="$d"; break; }; done
fi
[ -n "$java_home" ] && [ -x "$java_home/bin/jcmd" ] || java_home="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
java="$java_home/bin/java"; jcmd="$java_home/bin/jcmd"
[ -x "$jcmd" ] || { log "needs a JDK with jcmd (set JAVA_HOME)"; exit 1; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in "$GATEWAY_PORT" "$ISSUER_PORT" "$ECHO_PORT" "$LLM_PORT" "$TOOLS_PORT"; do
  if port_in_use "$p"; then log "port $p on 127.0.0.1 is in use; choose others"; exit 1; fi
done

out="$root/bench/target/streams-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"

demo_pid=""
client_pid=""
stop_all() {
  if [ -n "$client_pid" ] && kill -0 "$client_pid" 2>/dev/null; then kill -TERM "$client_pid" 2>/dev/null || true; fi
  [ -n "$demo_pid" ] || return 0
  if kill -0 "$demo_pid" 2>/dev/null; then
    log "stopping the demo (process group $demo_pid)"
    kill -TERM -- "-$demo_pid" 2>/dev/null || kill -TERM "$demo_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$demo_pid" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$demo_pid" 2>/dev/null; then kill -KILL -- "-$demo_pid" 2>/dev/null || kill -KILL "$demo_pid" 2>/dev/null || true; fi
  fi
  demo_pid=""
}
trap stop_all EXIT
trap 'exit 130' INT TERM

log "starting the demo (heap $HEAP, a chunk every ${CHUNK_DELAY_MS} ms); logs in $out"
GATEWAY_JAVA_OPTS="-Xmx$HEAP -Xms$HEAP" PORT="$GATEWAY_PORT" DEMO_ISSUER_PORT="$ISSUER_PORT" DEMO_ECHO_PORT="$ECHO_PORT" \
  DEMO_LLM_PORT="$LLM_PORT" DEMO_TOOLS_PORT="$TOOLS_PORT" DEMO_LLM_CHUNK_DELAY_MS="$CHUNK_DELAY_MS" \
  setsid "$root/gatewaystack" demo >/dev/null 2>"$out/demo.stderr" </dev/null &
demo_pid=$!
deadline=$(( SECONDS + STARTUP_TIMEOUT ))
until curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$GATEWAY_PORT/health"; do
  if ! kill -0 "$demo_pid" 2>/dev/null; then log "the demo exited during start-up"; tail -20 "$out/demo.stderr" >&2; exit 1; fi
  [ "$SECONDS" -lt "$deadline" ] || { log "no /health after ${STARTUP_TIMEOUT}s"; exit 1; }
  sleep 1
done
TOKEN="$(curl -sf --max-time 5 -X POST "http://127.0.0.1:$ISSUER_PORT/mint" -H 'Content-Type: application/json' \
  -d '{"sub":"bench-user","scope":"tool:read"}' | sed -n 's/.*"access_token" *: *"\([^"]*\)".*/\1/p')"
[ -n "$TOKEN" ] || { log "could not mint a token"; exit 1; }

memory() { # label: full GC, then heap and RSS of the demo JVM
  "$jcmd" "$demo_pid" GC.run >/dev/null
  local heap; heap="$("$jcmd" "$demo_pid" GC.heap_info | awk '/garbage-first heap|total/ { for (i = 1; i <= NF; i++) if ($i == "used") { print $(i+1); exit } }')"
  local rss hwm; rss="$(awk '/^VmRSS/ { print $2 }' "/proc/$demo_pid/status")"; hwm="$(awk '/^VmHWM/ { print $2 }' "/proc/$demo_pid/status")"
  printf '%-34s heap used after full GC %10s   RSS %7d KiB   peak RSS %7d KiB\n' "$1" "$heap" "$rss" "$hwm"
}

# warm the path once (class loading, JIT of the first requests) so the baseline is a running gateway
"$java" "$root/bench/streams/SlowStreams.java" concurrent "http://127.0.0.1:$GATEWAY_PORT/v1/chat/completions" "$TOKEN" 20 20 60 >/dev/null
memory "idle (after 20 warm-up streams)" | tee "$out/memory.txt"

log "opening $STREAMS streams at once"
"$java" -Xmx256m "$root/bench/streams/SlowStreams.java" concurrent "http://127.0.0.1:$GATEWAY_PORT/v1/chat/completions" \
  "$TOKEN" "$STREAMS" "$WORDS" "$TIMEOUT" >"$out/client.txt" 2>&1 &
client_pid=$!
deadline=$(( SECONDS + TIMEOUT + 10 ))
until grep -q '^ALL_OPEN' "$out/client.txt" 2>/dev/null; do
  kill -0 "$client_pid" 2>/dev/null || { log "the client ended early"; cat "$out/client.txt" >&2; exit 1; }
  [ "$SECONDS" -lt "$deadline" ] || { log "streams did not open in time"; exit 1; }
  sleep 0.2
done
memory "$STREAMS streams open" | tee -a "$out/memory.txt"
wait "$client_pid" || true
client_pid=""
memory "after they ended" | tee -a "$out/memory.txt"

log "time to first token: $TTFT_COUNT streams one after another, direct and through the gateway"
# the fake sends the first (role) event at once and each content chunk after CHUNK_DELAY_MS: compare the first event
{
  printf 'direct  '; "$java" "$root/bench/streams/SlowStreams.java" ttft "http://127.0.0.1:$LLM_PORT/v1/chat/completions" "Bearer demo-provider-key" "$TTFT_COUNT"
  printf 'gateway '; "$java" "$root/bench/streams/SlowStreams.java" ttft "http://127.0.0.1:$GATEWAY_PORT/v1/chat/completions" "Bearer $TOKEN" "$TTFT_COUNT"
} | tee "$out/ttft.txt"

{
  echo
  echo "GatewayStack slow streams: $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "$STREAMS streams of $WORDS words, a chunk every ${CHUNK_DELAY_MS} ms, demo JVM -Xmx$HEAP"
  cat "$out/client.txt" "$out/memory.txt" "$out/ttft.txt"
  echo "output: $out"
} | tee "$out/summary.txt"

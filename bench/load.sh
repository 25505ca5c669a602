#!/usr/bin/env bash
# Bounded HTTP load test of the gateway in demo mode, on this machine only (all traffic to 127.0.0.1).
#
# Starts `./gatewaystack demo` on unusual ports, mints a token at the dev issuer, warms up, then runs wrk against
#   direct  http://127.0.0.1:$ECHO_PORT/echo           (the echo backend, no gateway)
#   gateway http://127.0.0.1:$GATEWAY_PORT/proxy/echo  (identity + header injection + reverse proxy to the echo)
#   ping    http://127.0.0.1:$GATEWAY_PORT/protected/ping (identity only, answered by the gateway)
# at $CONNECTIONS connections and at 1 connection, prints requests/s, p50 and p99 and the latency the gateway adds,
# and stops the demo on exit. Every wait is bounded; the script always ends by itself.
#
# Environment (all optional):
#   DURATION=15          seconds per measured wrk run
#   WARMUP=10            seconds of warm-up load through the gateway before measuring
#   CONNECTIONS=32       connections of the "many" runs (threads: THREADS=2)
#   GATEWAY_PORT=18080 ISSUER_PORT=15051 ECHO_PORT=13333
#   STARTUP_TIMEOUT=300  seconds to wait for /health (the launcher may build the server first)
#   GATEWAY_JAVA_OPTS    JVM options for the demo JVM (passed through by the launcher, which adds ZGC unless these
#                        name a collector); default "-Xms4g -Xmx4g -XX:+AlwaysPreTouch" (1g with under 12 GB free):
#                        a fixed, pre-touched heap,
#                        as docs/deployment.md recommends for latency (a heap growing under load touches new memory,
#                        which on a VM stalls the process for seconds); set it empty to measure the JVM's defaults
#   AUDIT=on             the demo's tamper-evident audit trail (hash chain, spool, SQLite); AUDIT=off measures the
#                        rest of the gateway alone (the access log stays on)
#   SCENARIO=proxy       or llm: POST /v1/chat/completions against the fake LLM; or mcp: POST /mcp tools/call of the
#                        starter "echo" tool (identity, MCP resource, transform, policy, limits, audit, the tool
#                        invoker with the signed assertion, the starter backend verifying it) against POST /mcp "ping"
#                        (the same chain without a tool call)
#   RATE=5000            also run an open-loop load (bench OpenLoopLoad: that many requests/s over CONNECTIONS
#                        connections, latency counted from when each request was due, so queueing is not hidden)
#                        against the scenario's direct and gateway targets; it reports the latency at that load,
#                        where wrk (closed loop) reports a saturated server
#   RESPONSE_SCANNING=on the demo's scanning of answers (off: streamed text is relayed as it comes instead of
#                        holdback_chars late; for time-to-first-token comparisons)
#   GOVERNANCE=on        with SCENARIO=llm: also a policy (one allow rule, decided per request) and a per-user rate
#                        limit too high to trip (in memory), so identity, transform, policy, limits and audit all run
#   KEEP_ACCESS_LOG=1    keep the demo's full stdout (JSON access log, ~3 MB per second of load); by default only
#                        its first 40 lines (the banner and a few access-log lines) are kept
# Raw wrk output, the demo's logs and GC log (demo-gc.log), and each open-loop run's per-100 ms timeline
# (NAME.timeline.tsv) and client GC log are kept in bench/target/load-<time>/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/bench/lib.sh"

DURATION="${DURATION:-15}"
WARMUP="${WARMUP:-10}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-2}"
GATEWAY_PORT="${GATEWAY_PORT:-18080}"
ISSUER_PORT="${ISSUER_PORT:-15051}"
ECHO_PORT="${ECHO_PORT:-13333}"
LLM_PORT="${LLM_PORT:-13334}"
TOOLS_PORT="${TOOLS_PORT:-13335}"
STARTUP_TIMEOUT="${STARTUP_TIMEOUT:-300}"
# A 4 GB heap where there is room for it (free memory of 12 GB or more), else 1 GB.
default_heap=4g
[ "$(awk '/^MemAvailable:/ { print int($2 / 1048576) }' /proc/meminfo 2>/dev/null || echo 0)" -ge 12 ] || default_heap=1g
GATEWAY_JAVA_OPTS="${GATEWAY_JAVA_OPTS--Xms$default_heap -Xmx$default_heap -XX:+AlwaysPreTouch}"
export GATEWAY_JAVA_OPTS

for v in DURATION WARMUP CONNECTIONS THREADS GATEWAY_PORT ISSUER_PORT ECHO_PORT STARTUP_TIMEOUT; do
  case "${!v}" in ''|*[!0-9]*) echo "load.sh: $v must be a whole number, got '${!v}'" >&2; exit 2 ;; esac
done
[ "$DURATION" -ge 1 ] && [ "$CONNECTIONS" -ge 1 ] && [ "$THREADS" -ge 1 ] || { echo "load.sh: DURATION, CONNECTIONS and THREADS must be >= 1" >&2; exit 2; }
[ "$THREADS" -le "$CONNECTIONS" ] || THREADS="$CONNECTIONS"

log() { echo "load.sh: $*" >&2; }

# ---- wrk -------------------------------------------------------------------------------------------------
if ! command -v wrk >/dev/null 2>&1; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  log "installing wrk (apt-get install -y wrk)"
  if ! $sudo apt-get install -y wrk >/dev/null; then
    log "install failed; running apt-get update first"
    $sudo apt-get update >/dev/null && $sudo apt-get install -y wrk >/dev/null
  fi
fi
command -v wrk >/dev/null 2>&1 || { log "wrk is not available"; exit 1; }
command -v curl >/dev/null 2>&1 || { log "curl is needed"; exit 1; }

# ---- ports must be free --------------------------------------------------------------------------------------
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in "$GATEWAY_PORT" "$ISSUER_PORT" "$ECHO_PORT" "$LLM_PORT" "$TOOLS_PORT"; do
  if port_in_use "$p"; then log "port $p on 127.0.0.1 is in use; choose others (GATEWAY_PORT, ISSUER_PORT, ECHO_PORT)"; exit 1; fi
done

out="$root/bench/target/load-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
# The demo's collections, with wall-clock times to line up with the open-loop timelines.
demo_opts="$GATEWAY_JAVA_OPTS"
GATEWAY_JAVA_OPTS="${GATEWAY_JAVA_OPTS:+$GATEWAY_JAVA_OPTS }-Xlog:gc:file=$out/demo-gc.log:time"

# ---- the demo, in its own process group, stopped on any exit ---------------------------------------------------
demo_pid=""
stop_demo() {
  [ -n "$demo_pid" ] || return 0
  if kill -0 "$demo_pid" 2>/dev/null; then
    log "stopping the demo (process group $demo_pid)"
    kill -TERM -- "-$demo_pid" 2>/dev/null || kill -TERM "$demo_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$demo_pid" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$demo_pid" 2>/dev/null; then
      kill -KILL -- "-$demo_pid" 2>/dev/null || kill -KILL "$demo_pid" 2>/dev/null || true
    fi
  fi
  demo_pid=""
}
trap stop_demo EXIT
trap 'exit 130' INT TERM

governance_env=()
if [ "${SCENARIO:-proxy}" = llm ] && [ "${GOVERNANCE:-on}" = on ]; then
  mkdir -p "$out/policy"
  printf 'rules:\n  - id: everyone\n    effect: allow\n' >"$out/policy/policy.yaml"
  governance_env=(GATEWAY_POLICY_PATH="$out/policy" RATE_LIMIT_WINDOW_MS=60000 RATE_LIMIT_MAX=1000000000)
fi

log "starting the demo (gateway :$GATEWAY_PORT, issuer :$ISSUER_PORT, echo :$ECHO_PORT); logs in $out"
# setsid: the demo (launcher, maybe a Maven build, then the JVM) gets its own process group, killed as one.
env ${governance_env[@]+"${governance_env[@]}"} \
DEMO_RESPONSE_SCANNING="${RESPONSE_SCANNING:-on}" PORT="$GATEWAY_PORT" DEMO_ISSUER_PORT="$ISSUER_PORT" DEMO_ECHO_PORT="$ECHO_PORT" DEMO_LLM_PORT="$LLM_PORT" DEMO_TOOLS_PORT="$TOOLS_PORT" DEMO_AUDIT="${AUDIT:-on}" \
  setsid "$root/gatewaystack" demo >"$out/demo.stdout" 2>"$out/demo.stderr" </dev/null &
demo_pid=$!

deadline=$(( SECONDS + STARTUP_TIMEOUT ))
until curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$GATEWAY_PORT/health"; do
  if ! kill -0 "$demo_pid" 2>/dev/null; then log "the demo exited during start-up; see $out/demo.stderr"; tail -20 "$out/demo.stderr" >&2; exit 1; fi
  if [ "$SECONDS" -ge "$deadline" ]; then log "no /health after ${STARTUP_TIMEOUT}s; see $out/demo.stderr"; exit 1; fi
  sleep 1
done
log "gateway is up"

# ---- a token from the dev issuer ---------------------------------------------------------------------------
TOKEN="$(mint_token "$ISSUER_PORT" '{"sub":"bench-user","scope":"tool:read tool:write"}')"
[ -n "$TOKEN" ] || { log "could not mint a token at the dev issuer"; exit 1; }
auth="Authorization: Bearer $TOKEN"

# Sanity: the gateway answers 200 with the token and 401 without, so the numbers below are for real work.
code_ok="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H "$auth" "http://127.0.0.1:$GATEWAY_PORT/proxy/echo")"
code_none="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$GATEWAY_PORT/proxy/echo")"
code_direct="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$ECHO_PORT/echo")"
if [ "$code_ok" != 200 ] || [ "$code_none" != 401 ] || [ "$code_direct" != 200 ]; then
  log "sanity check failed: /proxy/echo with token $code_ok (want 200), without $code_none (want 401), direct $code_direct (want 200)"
  exit 1
fi

# CPU seconds the demo JVM (gateway, echo backend, fake LLM, issuer) has used so far, from /proc: per run, the
# difference divided by the requests gives its CPU time per request, which a busy machine inflates far less than
# latency (waiting for a core is not counted).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$demo_pid/stat" 2>/dev/null || echo 0; }

# Waits (at most 60 s) until the demo JVM is nearly idle: after a run its audit sinks still store the run's events
# and the JIT may still compile, and that work would otherwise land in the next run's numbers.
wait_idle() {
  local hz; hz="$(getconf CLK_TCK)"
  for _ in $(seq 1 60); do
    local a; a="$(cpu_ticks)"; sleep 1
    [ $(( $(cpu_ticks) - a )) -le $(( hz / 10 )) ] && return 0   # under 10 % of a core for a second
  done
  log "the demo did not settle within 60 s; measuring anyway"
}

# One measured run: after the demo has settled, counting the demo JVM's CPU during it into $out/NAME.cpu.
measured() { # name command...
  local name="$1"; shift
  wait_idle
  local before; before="$(cpu_ticks)"
  "$@"
  echo $(( $(cpu_ticks) - before )) >"$out/$name.cpu"
}

# wrk with the common options, its output in $out/NAME.txt; a failed run stops the script.
wrk_to() { # name seconds url wrk-options...
  local name="$1" d="$2" url="$3"; shift 3
  log "wrk $name: $* $url"
  timeout $(( d + 30 )) wrk --latency --timeout 5s "$@" "$url" >"$out/$name.txt" 2>&1 \
    || { log "wrk $name failed"; cat "$out/$name.txt" >&2; exit 1; }
}

run_wrk() { # name threads connections seconds url [header]
  local name="$1" t="$2" c="$3" d="$4" url="$5"; shift 5
  local args=(-t"$t" -c"$c" -d"${d}s")
  [ "$#" -gt 0 ] && args+=(-H "$1")
  measured "$name" wrk_to "$name" "$d" "$url" "${args[@]}"
}

# SCENARIO=llm measures POST /v1/chat/completions (model "echo" on the fake LLM: identity, transform, audit and the
# LLM proxy) against the fake LLM called directly; the default scenario measures the reverse proxy.
if [ "${SCENARIO:-proxy}" = llm ]; then
  lua="$out/chat.lua"
  cat >"$lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"model":"echo","messages":[{"role":"user","content":"How many words are in this short question?"}]}'
LUA
  direct="http://127.0.0.1:$LLM_PORT/v1/chat/completions"
  gateway="http://127.0.0.1:$GATEWAY_PORT/v1/chat/completions"
  direct_auth="Authorization: Bearer demo-provider-key"
  code_ok="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X POST -H "$auth" -H 'Content-Type: application/json' \
    -d '{"model":"echo","messages":[{"role":"user","content":"hi"}]}' "$gateway")"
  [ "$code_ok" = 200 ] || { log "sanity check failed: /v1/chat/completions answered $code_ok"; exit 1; }
  run_lua() { # name threads connections seconds url header
    measured "$1" wrk_to "$1" "$4" "$5" -t"$2" -c"$3" -d"$4s" -s "$lua" -H "$6"
  }
  log "warming up for ${WARMUP}s"
  [ "$WARMUP" -gt 0 ] && run_lua warmup-gateway "$THREADS" "$CONNECTIONS" "$WARMUP" "$gateway" "$auth"
  run_lua "direct-c$CONNECTIONS" "$THREADS" "$CONNECTIONS" "$DURATION" "$direct" "$direct_auth"
  run_lua "gateway-c$CONNECTIONS" "$THREADS" "$CONNECTIONS" "$DURATION" "$gateway" "$auth"
  run_lua direct-c1 1 1 "$DURATION" "$direct" "$direct_auth"
  run_lua gateway-c1 1 1 "$DURATION" "$gateway" "$auth"
elif [ "${SCENARIO:-proxy}" = mcp ]; then
  TOKEN="$(mint_token "$ISSUER_PORT" '{"sub":"bench-user","scope":"starter.echo"}')"
  auth="Authorization: Bearer $TOKEN"
  mcp="http://127.0.0.1:$GATEWAY_PORT/mcp"
  session="$(mcp_session "$mcp" "$TOKEN")"
  [ -n "$session" ] || { log "sanity check failed: initialize gave no Mcp-Session-Id"; exit 1; }
  for kind in call ping; do
    if [ "$kind" = call ]; then
      body='{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"message":"hello from the load test"}}}'
    else
      body='{"jsonrpc":"2.0","id":1,"method":"ping"}'
    fi
    printf '%s' "$body" >"$out/mcp-$kind.json"
    cat >"$out/mcp-$kind.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json, text/event-stream"
wrk.headers["Mcp-Session-Id"] = "$session"
wrk.headers["MCP-Protocol-Version"] = "2025-06-18"
wrk.body = '$body'
LUA
  done
  answer="$(curl -s --max-time 5 -X POST -H "$auth" -H 'Content-Type: application/json' -H 'Accept: application/json' \
    -H "Mcp-Session-Id: $session" -H 'MCP-Protocol-Version: 2025-06-18' \
    -d '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"message":"x"}}}' "$mcp")"
  case "$answer" in *'"isError":false'*) ;; *) log "sanity check failed: tools/call echo answered $answer"; exit 1 ;; esac
  run_mcp() { # name kind threads connections seconds
    measured "$1" wrk_to "$1" "$5" "$mcp" -t"$3" -c"$4" -d"$5s" -s "$out/mcp-$2.lua" -H "$auth"
  }
  log "warming up for ${WARMUP}s"
  [ "$WARMUP" -gt 0 ] && run_mcp warmup-gateway call "$THREADS" "$CONNECTIONS" "$WARMUP"
  run_mcp "direct-c$CONNECTIONS" ping "$THREADS" "$CONNECTIONS" "$DURATION"
  run_mcp "gateway-c$CONNECTIONS" call "$THREADS" "$CONNECTIONS" "$DURATION"
  run_mcp direct-c1 ping 1 1 "$DURATION"
  run_mcp gateway-c1 call 1 1 "$DURATION"
else

log "warming up for ${WARMUP}s"
if [ "$WARMUP" -gt 0 ]; then
  run_wrk warmup-gateway "$THREADS" "$CONNECTIONS" "$WARMUP" "http://127.0.0.1:$GATEWAY_PORT/proxy/echo" "$auth"
  run_wrk warmup-direct "$THREADS" "$CONNECTIONS" $(( (WARMUP + 1) / 2 )) "http://127.0.0.1:$ECHO_PORT/echo"
fi

direct="http://127.0.0.1:$ECHO_PORT/echo"
gateway="http://127.0.0.1:$GATEWAY_PORT/proxy/echo"
ping="http://127.0.0.1:$GATEWAY_PORT/protected/ping"
run_wrk "direct-c$CONNECTIONS" "$THREADS" "$CONNECTIONS" "$DURATION" "$direct"
run_wrk "gateway-c$CONNECTIONS" "$THREADS" "$CONNECTIONS" "$DURATION" "$gateway" "$auth"
run_wrk "ping-c$CONNECTIONS" "$THREADS" "$CONNECTIONS" "$DURATION" "$ping" "$auth"
run_wrk direct-c1 1 1 "$DURATION" "$direct"
run_wrk gateway-c1 1 1 "$DURATION" "$gateway" "$auth"
fi

# ---- open loop: a fixed request rate, latency measured from when each request was due (RATE=..., optional) ----
if [ -n "${RATE:-}" ]; then
  case "$RATE" in ''|*[!0-9]*) log "RATE must be a whole number of requests per second"; exit 2 ;; esac
  bench_jar="$root/bench/target/gatewaystack-bench.jar"
  if [ ! -f "$bench_jar" ]; then
    log "building the bench jar for the open-loop runs"
    (cd "$root" && ./mvnw -B -q -DskipTests package -pl bench -am) >"$out/bench-build.log" 2>&1 \
      || { log "bench build failed; see $out/bench-build.log"; exit 1; }
  fi
  open_loop() { # name url [java args...]
    local name="$1"; shift
    log "open loop $name: $RATE requests/s over $CONNECTIONS connections for ${DURATION}s"
    measured "$name" open_loop_to "$name" "$@"
  }
  open_loop_to() { # name url [java args...]; its output in $out/NAME.open
    local name="$1" url="$2"; shift 2
    # The client's own JIT warm-up would count as the server's latency: it warms up as long as the runs do (at
    # least 5 s). Its heap holds the run's garbage (~16 KB per request): see open_loop_jvm_opts in bench/lib.sh.
    local warm=$(( WARMUP > 5 ? WARMUP : 5 ))
    # shellcheck disable=SC2046 # the options are words on purpose
    timeout $(( DURATION + WARMUP + 90 )) "$JAVA_HOME/bin/java" \
      $(open_loop_jvm_opts "$RATE" $(( warm + DURATION )) 16 "$out/$name.client-gc.log") \
      -cp "$bench_jar" io.gatewaystack.bench.OpenLoopLoad \
      --url "$url" --rate "$RATE" --connections "$CONNECTIONS" --seconds "$DURATION" \
      --warmup "$warm" --timeline "$out/$name.timeline.tsv" "$@" \
      >"$out/$name.open" 2>"$out/$name.open.err" || { log "open loop $name failed"; cat "$out/$name.open.err" >&2; exit 1; }
  }
  JAVA_HOME="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
  [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ] && JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
  if [ "${SCENARIO:-proxy}" = llm ]; then
    sed -n "s/^wrk.body = '\(.*\)'$/\1/p" "$lua" >"$out/chat.json"
    open_loop "open-direct" "$direct" --method POST --body-file "$out/chat.json" -H "Content-Type: application/json" -H "$direct_auth"
    open_loop "open-gateway" "$gateway" --method POST --body-file "$out/chat.json" -H "Content-Type: application/json" -H "$auth"
    # Streams on kept-alive connections at a tenth of the rate: the first byte of each answer is its first event.
    sed 's/^{"model":"echo",/{"model":"echo","stream":true,/' "$out/chat.json" >"$out/chat-stream.json"
    RATE_SAVED="$RATE"; RATE=$(( RATE / 10 > 0 ? RATE / 10 : 1 ))
    open_loop "open-direct-stream" "$direct" --first-content --method POST --body-file "$out/chat-stream.json" -H "Content-Type: application/json" -H "$direct_auth"
    open_loop "open-gateway-stream" "$gateway" --first-content --method POST --body-file "$out/chat-stream.json" -H "Content-Type: application/json" -H "$auth"
    RATE="$RATE_SAVED"
  elif [ "${SCENARIO:-proxy}" = mcp ]; then
    for kind in ping call; do
      name=open-direct; [ "$kind" = call ] && name=open-gateway
      open_loop "$name" "$mcp" --method POST --body-file "$out/mcp-$kind.json" -H "Content-Type: application/json" \
        -H "Accept: application/json, text/event-stream" -H "Mcp-Session-Id: $session" -H "MCP-Protocol-Version: 2025-06-18" -H "$auth"
    done
  else
    open_loop "open-direct" "$direct"
    open_loop "open-gateway" "$gateway" -H "$auth"
  fi
fi

stop_demo
if [ "${KEEP_ACCESS_LOG:-0}" != 1 ]; then
  head -n 40 "$out/demo.stdout" >"$out/demo.stdout.head" && rm -f "$out/demo.stdout"
fi

# ---- report --------------------------------------------------------------------------------------------------
# wrk prints latencies as e.g. 95.00us, 1.23ms, 1.00s; convert to milliseconds.
to_ms() { awk -v v="$1" 'BEGIN {
  n = v; sub(/[a-z]+$/, "", n); u = v; sub(/^[0-9.]+/, "", u);
  f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : (u == "m") ? 60000 : -1;
  if (f < 0 || n == "") print "nan"; else printf "%.3f", n * f }'; }
rps()   { sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$out/$1.txt"; }
pct()   { to_ms "$(awk -v p="$2%" '$1 == p { print $2; exit }' "$out/$1.txt")"; }
requests() { sed -n 's/^ *\([0-9][0-9]*\) requests in .*/\1/p' "$out/$1.txt"; }
cpu_per_request() { # µs of demo-JVM CPU per request in a run (clock ticks at getconf CLK_TCK per second)
  [ -f "$out/$1.cpu" ] || { echo nan; return; }
  awk -v t="$(cat "$out/$1.cpu" 2>/dev/null || echo 0)" -v n="$(requests "$1")" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { if (n > 0) printf "%.0f", t / hz * 1e6 / n; else print "nan" }'; }
errs()  { # non-2xx/3xx responses + socket errors + timeouts
  awk '/Non-2xx or 3xx responses:/ { e += $NF }
       /Socket errors:/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) { x = $i; sub(/,/, "", x); e += x } }
       END { print e + 0 }' "$out/$1.txt"; }

{
  echo
  echo "GatewayStack load test: $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, ${DURATION}s per run, wrk on the same machine"
  echo "demo JVM options: ${demo_opts:-(JVM defaults)} (the launcher adds -XX:+UseZGC unless these name a collector)"
  printf '%-28s %12s %10s %10s %8s %14s\n' "run" "requests/s" "p50 ms" "p99 ms" "errors" "demo CPU µs/req"
  for name in "direct-c$CONNECTIONS" "gateway-c$CONNECTIONS" "ping-c$CONNECTIONS" direct-c1 gateway-c1; do
    [ -f "$out/$name.txt" ] || continue
    printf '%-28s %12s %10s %10s %8s %14s\n' "$name" "$(rps "$name")" "$(pct "$name" 50)" "$(pct "$name" 99)" "$(errs "$name")" "$(cpu_per_request "$name")"
  done
  for name in open-direct open-gateway open-direct-stream open-gateway-stream; do
    [ -f "$out/$name.open" ] || continue
    line="$(cat "$out/$name.open")"
    field() { printf '%s\n' "$line" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
    n="$(field ok)"; t="$(cat "$out/$name.cpu" 2>/dev/null || echo 0)"
    cpu="$(awk -v t="$t" -v n="$n" -v hz="$(getconf CLK_TCK)" 'BEGIN { if (n > 0) printf "%.0f", t / hz * 1e6 / n; else print "nan" }')"
    printf '%-28s %12s %10s %10s %8s %14s   (open loop at %s/s; p99.9 %s ms, max %s ms; first byte p50 %s, p99 %s ms)\n' \
      "$name-c$CONNECTIONS" "$(field achieved_rps)" "$(field p50_ms)" "$(field p99_ms)" \
      "$(( $(field errors) + $(field unfinished) ))" "$cpu" "$(field rate)" "$(field p999_ms)" "$(field max_ms)" \
      "$(field first_byte_p50_ms)" "$(field first_byte_p99_ms)"
    [ -n "$(field first_content_p50_ms)" ] && printf '%-28s first content (first token): p50 %s ms, p99 %s ms\n' "" \
      "$(field first_content_p50_ms)" "$(field first_content_p99_ms)"
    # Where the slow requests were: 100 ms windows of the run holding any request over 5 ms (timeline file), and
    # whether the client itself collected (which would be its pause, not the gateway's).
    if [ -f "$out/$name.timeline.tsv" ]; then
      printf '%-28s 100 ms windows with a request over 5 ms: %s of %s; client GC pauses: %s (%s)\n' "" \
        "$(awk -F'\t' 'NR > 1 && $5 > 0' "$out/$name.timeline.tsv" | wc -l)" "$(( DURATION * 10 ))" \
        "$(grep -c 'Pause' "$out/$name.client-gc.log" 2>/dev/null || true)" "$name.timeline.tsv"
    fi
  done
  awk -v g50="$(pct gateway-c1 50)" -v d50="$(pct direct-c1 50)" -v g99="$(pct gateway-c1 99)" -v d99="$(pct direct-c1 99)" \
    'BEGIN { printf "added by the gateway at 1 connection: p50 %+.3f ms, p99 %+.3f ms\n", g50 - d50, g99 - d99 }'
  awk -v g="$(cpu_per_request "gateway-c$CONNECTIONS")" -v d="$(cpu_per_request "direct-c$CONNECTIONS")" \
    'BEGIN { if (g != "nan" && d != "nan") printf "gateway CPU per request at %s connections: %.0f µs (demo JVM per gateway request minus per direct request)\n", "'"$CONNECTIONS"'", g - d }'
  if [ "${SCENARIO:-proxy}" = mcp ]; then
    echo "(direct = POST /mcp ping through the /mcp chain; gateway = POST /mcp tools/call echo through the same chain"
    echo " to the starter tools backend, which verifies the signed assertion; \"added\" = the tool call's share)"
  elif [ "${SCENARIO:-proxy}" = llm ]; then
    if [ "${GOVERNANCE:-on}" = on ]; then
      echo "(direct = the fake LLM; gateway = /v1/chat/completions model echo with identity, transform, policy, limits, audit (AUDIT=${AUDIT:-on}) and the LLM proxy)"
    else
      echo "(direct = the fake LLM; gateway = /v1/chat/completions model echo with identity, transform, audit (AUDIT=${AUDIT:-on}) and the LLM proxy)"
    fi
  else
    echo "(direct = echo backend; gateway = /proxy/echo with identity and header injection; ping = /protected/ping)"
  fi
  if [ -f "$out/demo-gc.log" ]; then
    echo "demo GC over the whole test: $(grep -c -E 'M(\([0-9]+%\))?->' "$out/demo-gc.log" || true) collections, $(grep -c 'Allocation Stall' "$out/demo-gc.log" || true) allocation stalls (demo-gc.log)"
  fi
  echo "raw wrk output: $out"
} | tee "$out/summary.txt"

#!/usr/bin/env bash
# Bounded load test of MCP tools/list for a user who sees 200 tools, through the whole gateway (identity, the MCP
# session check, the scope filter and one policy decision per tool, audit), on this machine only (127.0.0.1).
#
# Starts the demo for its dev issuer only, then a second gateway (`./gatewaystack serve`) with 400 configured tools:
# t000..t199 need scope bench.a, t200..t399 need bench.b, and a policy allows tools named t*; the token holds bench.a,
# so tools/list shows 200 tools (mcp.page_size 200: one page). Checks the answer holds exactly 200 tools, then runs
# wrk at 1 connection and an open loop (bench OpenLoopLoad) at RATE requests/s over CONNECTIONS connections.
#
# Environment (all optional): DURATION=15, WARMUP=10, RATE=1000, CONNECTIONS=8, GATEWAY_PORT=18090,
#   ISSUER_PORT=15051 (the demo's other ports: 13333-13336), GATEWAY_JAVA_OPTS (default: a fixed, pre-touched heap).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/bench/lib.sh"
DURATION="${DURATION:-15}"; WARMUP="${WARMUP:-10}"; RATE="${RATE:-1000}"; CONNECTIONS="${CONNECTIONS:-8}"
GATEWAY_PORT="${GATEWAY_PORT:-18090}"; ISSUER_PORT="${ISSUER_PORT:-15051}"
for v in DURATION WARMUP RATE CONNECTIONS GATEWAY_PORT ISSUER_PORT; do
  case "${!v}" in ''|*[!0-9]*) echo "tools-list.sh: $v must be a whole number" >&2; exit 2 ;; esac
done
export GATEWAY_JAVA_OPTS="${GATEWAY_JAVA_OPTS--Xms1g -Xmx1g -XX:+AlwaysPreTouch}"
log() { echo "tools-list.sh: $*" >&2; }
command -v wrk >/dev/null 2>&1 || { log "wrk is needed (apt-get install -y wrk, or run bench/load.sh once)"; exit 1; }
JAVA_HOME="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
[ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ] && JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
bench_jar="$root/bench/target/gatewaystack-bench.jar"
[ -f "$bench_jar" ] || (cd "$root" && ./mvnw -B -q -DskipTests package -pl bench -am) >/dev/null

out="$root/bench/target/tools-list-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out/policy"
pids=()
cleanup() {
  for p in "${pids[@]+"${pids[@]}"}"; do kill -TERM -- "-$p" 2>/dev/null || true; done
  for p in "${pids[@]+"${pids[@]}"}"; do
    for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$p" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM
wait_for() { # url what pid
  for _ in $(seq 1 300); do
    curl -sf -o /dev/null --max-time 2 "$1" && return 0
    kill -0 "$3" 2>/dev/null || { log "$2 exited during start-up; logs in $out"; tail -3 "$out"/*.stderr >&2; exit 1; }
    sleep 1
  done
  log "no answer from $2 ($1) after 300 s; logs in $out"; exit 1
}

# The demo, for its dev issuer (its own gateway and backends listen on ports of their own, unused here).
PORT=18091 DEMO_ISSUER_PORT="$ISSUER_PORT" DEMO_ECHO_PORT=13333 DEMO_LLM_PORT=13334 DEMO_TOOLS_PORT=13335 DEMO_AUDIT=off \
  setsid "$root/gatewaystack" demo >"$out/demo.stdout" 2>"$out/demo.stderr" </dev/null &
pids+=($!)
wait_for "http://127.0.0.1:18091/health" "the demo" "${pids[0]}"

{
  echo "server: {port: $GATEWAY_PORT, host: 127.0.0.1}"
  echo "identity:"
  echo "  issuers:"
  echo "    - issuer: http://localhost:$ISSUER_PORT/"
  echo "      audiences: [https://gateway.local/api]"
  echo "policy: {path: $out/policy}"
  echo "audit: {dir: $out/data}"
  echo "mcp:"
  echo "  page_size: 200"
  echo "  allow_private_backends: true"
  echo "  tools:"
  for i in $(seq 0 399); do
    n=$(printf 't%03d' "$i"); scope=bench.a; [ "$i" -ge 200 ] && scope=bench.b
    echo "    - {name: $n, description: 'Tool $n of the benchmark', required_scopes: [$scope], backend_url: 'http://127.0.0.1:13335/echo',"
    echo "       input_schema: {type: object, properties: {q: {type: string, maxLength: 200}}, required: [q]}}"
  done
} >"$out/gateway.yaml"
# The protocol (initialize, tools/list) is allowed on /mcp; each listed tool then gets its own decision.
printf 'rules:\n  - id: mcp-protocol\n    effect: allow\n    when:\n      route: mcp\n      tool: {exists: false}\n  - id: bench-tools\n    effect: allow\n    when:\n      tool: {glob: "t*"}\n' >"$out/policy/policy.yaml"

setsid "$root/gatewaystack" serve --config "$out/gateway.yaml" >"$out/gateway.stdout" 2>"$out/gateway.stderr" </dev/null &
pids+=($!)
wait_for "http://127.0.0.1:$GATEWAY_PORT/health" "the gateway" "${pids[1]}"

token="$(mint_token "$ISSUER_PORT" '{"sub":"bench-user","scope":"bench.a","expires_in":3600}')"
[ -n "$token" ] || { log "could not mint a token"; exit 1; }
mcp="http://127.0.0.1:$GATEWAY_PORT/mcp"
session="$(mcp_session "$mcp" "$token")"
[ -n "$session" ] || { log "initialize gave no Mcp-Session-Id; see $out/gateway.stderr"; exit 1; }
body='{"jsonrpc":"2.0","id":1,"method":"tools/list"}'
printf '%s' "$body" >"$out/list.json"
headers=(-H 'Content-Type: application/json' -H 'Accept: application/json' -H "Mcp-Session-Id: $session"
  -H 'MCP-Protocol-Version: 2025-06-18' -H "Authorization: Bearer $token")
answer="$(curl -s --max-time 5 -X POST "${headers[@]}" -d "$body" "$mcp")"
listed="$(printf '%s' "$answer" | grep -o '"name":"t[0-9]*"' | wc -l)"
[ "$listed" = 200 ] || { log "tools/list showed $listed tools, not 200: ${answer:0:300}"; exit 1; }
printf '%s' "$answer" | grep -q '"nextCursor"' && { log "tools/list was paged; expected one page"; exit 1; }
log "tools/list shows 200 of 400 tools ($(printf '%s' "$answer" | wc -c) bytes)"

cat >"$out/list.lua" <<LUA
wrk.method = "POST"
wrk.body = '$body'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
wrk.headers["Mcp-Session-Id"] = "$session"
wrk.headers["MCP-Protocol-Version"] = "2025-06-18"
wrk.headers["Authorization"] = "Bearer $token"
LUA
log "warming up for ${WARMUP}s"
timeout $(( WARMUP + 30 )) wrk -t1 -c4 -d"${WARMUP}s" -s "$out/list.lua" "$mcp" >"$out/warmup.txt"
timeout $(( DURATION + 30 )) wrk -t1 -c1 -d"${DURATION}s" --latency -s "$out/list.lua" "$mcp" >"$out/c1.txt"
# The client's heap holds a whole run of answers (32 KB each, ~96 KB of garbage per request): no collection.
# shellcheck disable=SC2046 # the options are words on purpose
timeout $(( DURATION + 90 )) "$JAVA_HOME/bin/java" $(open_loop_jvm_opts "$RATE" $(( DURATION + 5 )) 96 "$out/client-gc.log") \
  -cp "$bench_jar" io.gatewaystack.bench.OpenLoopLoad \
  --url "$mcp" --rate "$RATE" --connections "$CONNECTIONS" --seconds "$DURATION" --warmup 5 --method POST \
  --body-file "$out/list.json" "${headers[@]}" >"$out/open.txt" 2>"$out/open.err" || { log "open loop failed"; cat "$out/open.err" >&2; exit 1; }

{
  echo
  echo "MCP tools/list of 200 tools through the gateway: $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, JVM options: ${GATEWAY_JAVA_OPTS:-(defaults)}"
  echo "wrk, 1 connection: $(sed -n 's/^Requests\/sec: *//p' "$out/c1.txt") req/s; latency $(awk '$1 == "50%" || $1 == "90%" || $1 == "99%" { printf "p%s %s  ", substr($1, 1, length($1) - 1), $2 }' "$out/c1.txt")"
  echo "open loop, $RATE/s over $CONNECTIONS connections: $(tr ' ' '\n' <"$out/open.txt" | grep -E '^(achieved_rps|errors|p50_ms|p99_ms|p999_ms|max_ms)=' | tr '\n' ' ')"
  echo "client GC pauses: $(grep -c Pause "$out/client-gc.log" || true); raw output: $out"
} | tee "$out/summary.txt"

# Shared by bench/load.sh and bench/tools-list.sh (sourced, not run): the open-loop client's JVM options, a token
# from the demo's dev issuer, and an MCP session. Every network call is bounded (curl --max-time).

# JVM options for the open-loop client (bench OpenLoopLoad): a pre-touched heap whose young generation holds a whole
# run's garbage, so the run needs no collection (a client pause would count as the server's latency; on a VM the
# first touch of a page is slow enough to show up too). Capped at 8 GB and at a quarter of the free memory (a
# smaller machine: the client may then collect, and its GC log says so).
#   open_loop_jvm_opts RATE SECONDS KB_GARBAGE_PER_REQUEST GC_LOG
open_loop_jvm_opts() {
  local young_mb=$(( $1 * $2 * $3 / 1024 )) free_mb
  [ "$young_mb" -lt 1024 ] && young_mb=1024
  [ "$young_mb" -gt 8192 ] && young_mb=8192
  free_mb=$(awk '/^MemAvailable:/ { print int($2 / 1024) }' /proc/meminfo 2>/dev/null || echo 0)
  [ "${free_mb:-0}" -gt 0 ] && [ "$young_mb" -gt $(( free_mb / 4 )) ] && young_mb=$(( free_mb / 4 > 512 ? free_mb / 4 : 512 ))
  echo "-Xms$(( young_mb + 512 ))m -Xmx$(( young_mb + 512 ))m -Xmn${young_mb}m -XX:+UseParallelGC -XX:+AlwaysPreTouch -Xlog:gc:file=$4"
}

# An access token from the dev issuer (empty when it cannot mint one).
#   mint_token ISSUER_PORT CLAIMS_JSON
mint_token() {
  curl -sf --max-time 5 -X POST "http://127.0.0.1:$1/mint" -H 'Content-Type: application/json' -d "$2" \
    | sed -n 's/.*"access_token" *: *"\([^"]*\)".*/\1/p'
}

# The Mcp-Session-Id of a new session (empty when initialize gave none).
#   mcp_session MCP_URL TOKEN
mcp_session() {
  curl -s -D - -o /dev/null --max-time 5 -X POST -H "Authorization: Bearer $2" -H 'Content-Type: application/json' \
    -H 'Accept: application/json, text/event-stream' \
    -d '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}' \
    "$1" | tr -d '\r' | sed -n 's/^[Mm]cp-[Ss]ession-[Ii]d: *//p'
}

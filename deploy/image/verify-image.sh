#!/usr/bin/env bash
# Verifies the image tarball built by `./mvnw -B -Pimage -pl server -am -DskipTests package` without a container
# runtime: it reads the manifest and config from the tar (Docker or OCI layout), unpacks the layers in order into a
# root file system, checks what a container runtime would see, and then (as root) runs the gateway from that root
# file system with chroot as uid 10001, in a private mount and PID namespace with /proc, /dev, /etc/hosts and
# /etc/resolv.conf mounted the way a runtime does:
#
#   1. `--help`;
#   2. `demo` on free loopback ports: /health, a token from the dev issuer, /proxy/echo through the gateway;
#   3. `serve` (the image's default command) against the demo's issuer: /health, an authenticated call, and the
#      audit trail written to /app/data (the image's volume), as the unprivileged user.
#
# Usage: deploy/image/verify-image.sh [IMAGE_TAR]    (default server/target/gatewaystack-image.tar)
# Prints one "ok:" line per check and ends with "N passed, N failed".
set -euo pipefail
root_dir="$(cd "$(dirname "$0")/../.." && pwd)"
tar_file="${1:-$root_dir/server/target/gatewaystack-image.tar}"
[ -f "$tar_file" ] || { echo "verify-image: no image tar at $tar_file (build it with -Pimage)" >&2; exit 1; }

work="$(mktemp -d /tmp/gatewaystack-image-verify.XXXXXX)"
pids=()
cleanup() {
  local p c
  for p in "${pids[@]:-}"; do
    [ -n "$p" ] || continue
    for c in $(ps -o pid= --ppid "$p" 2>/dev/null); do kill -KILL "$c" 2>/dev/null || true; done
  done
  for p in "${pids[@]:-}"; do [ -n "$p" ] && wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

passed=0; failed=0
ok() { echo "ok: $* [${SECONDS}s]"; passed=$((passed + 1)); }
bad() { echo "FAILED: $*"; failed=$((failed + 1)); }
check() { local what="$1"; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }

# --- manifest and config --------------------------------------------------------------------------------------
mkdir -p "$work/tar" "$work/rootfs"
tar -xf "$tar_file" -C "$work/tar"
python3 - "$work/tar" > "$work/layers.txt" 2> "$work/config-check.txt" <<'PY' || true
import json, os, sys
d = sys.argv[1]
def blob(digest):
    return os.path.join(d, "blobs", *digest.split(":", 1))
if os.path.exists(os.path.join(d, "manifest.json")):           # Docker format (docker save / Jib Docker)
    m = json.load(open(os.path.join(d, "manifest.json")))[0]
    cfg = json.load(open(os.path.join(d, m["Config"])))
    layers = [os.path.join(d, l) for l in m["Layers"]]
    tags = m.get("RepoTags") or []
    fmt = "docker"
else:                                                           # OCI image layout
    idx = json.load(open(os.path.join(d, "index.json")))
    desc = idx["manifests"][0]
    man = json.load(open(blob(desc["digest"])))
    cfg = json.load(open(blob(man["config"]["digest"])))
    layers = [blob(l["digest"]) for l in man["layers"]]
    tags = [desc.get("annotations", {}).get("org.opencontainers.image.ref.name", "")]
    fmt = "oci"
c = cfg["config"]
problems = []
def expect(cond, what):
    print(("ok: " if cond else "FAILED: ") + what, file=sys.stderr)
expect(cfg.get("os") == "linux" and cfg.get("architecture") == "amd64", f"{fmt} image for linux/amd64")
expect(any(t.endswith("gatewaystack:0.1.0") for t in tags), f"tagged gatewaystack:0.1.0 ({tags})")
expect(c.get("User") == "10001:10001", f"runs as uid:gid 10001:10001 (User={c.get('User')!r})")
expect(c.get("WorkingDir") == "/app", "working directory /app")
expect("8080/tcp" in (c.get("ExposedPorts") or {}), "exposes 8080/tcp")
expect("/app/data" in (c.get("Volumes") or {}), "declares the /app/data volume")
ep = c.get("Entrypoint") or []
expect(ep[:1] == ["/opt/java/bin/java"], "entrypoint is the image's own java")
for flag in ("-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "--enable-native-access=ALL-UNNAMED"):
    expect(flag in ep, f"entrypoint has {flag}")
expect(ep[-1:] == ["io.gatewaystack.server.cli.GatewayStackCommand"], "entrypoint ends with the main class")
expect(c.get("Cmd") == ["serve"], "default command is serve")
expect(len(layers) >= 2 and all(os.path.exists(l) for l in layers), f"{len(layers)} layers present")
print("\n".join(layers))
PY
while IFS= read -r line; do
  case "$line" in ok:*) ok "${line#ok: }" ;; *) bad "${line#FAILED: }" ;; esac
done < "$work/config-check.txt"

# --- file system --------------------------------------------------------------------------------------------
while IFS= read -r layer; do
  [ -n "$layer" ] && tar --warning=no-unknown-keyword --same-owner -xpzf "$layer" -C "$work/rootfs"
done < "$work/layers.txt"
rf="$work/rootfs"
mode() { stat -c '%a' "$1" 2>/dev/null || echo missing; }
check "java runtime is executable (755)" test "$(mode "$rf/opt/java/bin/java")" = 755
check "dynamic loader present and executable" test "$(mode "$rf/lib64/ld-linux-x86-64.so.2")" = 755
check "libc present" test -f "$rf/lib/x86_64-linux-gnu/libc.so.6"
check "/app/data is writable by the app user (777)" test "$(mode "$rf/app/data")" = 777
check "/tmp is writable by the app user (777)" test "$(mode "$rf/tmp")" = 777
check "user 10001 in /etc/passwd" grep -q '^gatewaystack:x:10001:10001:' "$rf/etc/passwd"
check "Jib classpath file present" test -s "$rf/app/jib-classpath-file"
check "application classes present" test -f "$rf/app/classes/io/gatewaystack/server/cli/GatewayStackCommand.class"
check "no setuid/setgid files" test -z "$(find "$rf" -perm /6000 -type f)"
check "no shell in the image" test ! -e "$rf/bin/sh"
echo "info: unpacked image size $(du -sh "$rf" | cut -f1), tar $(du -h "$tar_file" | cut -f1)"

if [ "$(id -u)" != 0 ]; then
  echo "skip: running the image's file system needs root (chroot, mount namespaces)"
  echo "$passed passed, $failed failed"
  [ "$failed" = 0 ]; exit
fi

# --- run the gateway from the image's file system ----------------------------------------------------------
for f in etc/hosts etc/resolv.conf; do [ -e "$rf/$f" ] || : > "$rf/$f"; done
mkdir -p "$rf/proc" "$rf/dev"
entrypoint=$(python3 -c 'import json,sys
d=sys.argv[1]; import os
p=os.path.join(d,"manifest.json")
if os.path.exists(p):
    m=json.load(open(p))[0]; c=json.load(open(os.path.join(d,m["Config"])))
else:
    i=json.load(open(os.path.join(d,"index.json"))); b=lambda g: os.path.join(d,"blobs",*g.split(":",1))
    c=json.load(open(b(json.load(open(b(i["manifests"][0]["digest"])))["config"]["digest"])))
print("\0".join(c["config"]["Entrypoint"]))' "$work/tar" | tr '\0' '\n')
mapfile -t ep <<< "$entrypoint"

# Runs the image's entrypoint with the given arguments, like `docker run --user 10001:10001 -w /app IMAGE ARGS`:
# chroot into the unpacked layers, working directory /app, uid/gid 10001, only the given environment.
# It execs, so call it in the background (`run_in_image ... &`: $! is then its pid) or in a subshell.
run_in_image() {
  exec unshare --mount --pid --fork --kill-child=SIGTERM -- /bin/sh -c '
    rf="$1"; shift
    mount -t proc proc "$rf/proc" && mount --rbind /dev "$rf/dev" &&
    mount --bind /etc/hosts "$rf/etc/hosts" && mount --bind /etc/resolv.conf "$rf/etc/resolv.conf" &&
    exec env -i JAVA_HOME=/opt/java PATH=/opt/java/bin HOME=/app "$@"
  ' sh "$rf" "${env_args[@]}" \
    "$(command -v unshare)" --root="$rf" --wd=/app --setuid=10001 --setgid=10001 -- "${ep[@]}" "$@"
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
stop_in_image() { # pid, port: SIGTERM (the JVM drains and exits), then wait for the port to close (bounded)
  local t0=$SECONDS
  # unshare --fork ignores SIGTERM itself; the gateway is its child (PID 1 of the namespace, like in a container).
  local i c; for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do kill -TERM "$c" 2>/dev/null || true; done
  wait "$1" 2>/dev/null || true
  for ((i = 0; i < 120; i++)); do
    curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$2/health" || { echo "info: stopped on SIGTERM in $((SECONDS - t0))s"; return 0; }
    sleep 0.25
  done
}
wait_health() { # url, seconds, pid
  local i; for ((i = 0; i < $2 * 4; i++)); do
    curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null && return 0
    kill -0 "$3" 2>/dev/null || return 1; sleep 0.25
  done; return 1
}

env_args=()
if (run_in_image --help) > "$work/help.out" 2>&1 && grep -q 'serve' "$work/help.out"; then ok "--help runs from the image (chroot, uid 10001)"
else bad "--help from the image"; sed 's/^/  | /' "$work/help.out"; fi

gw=$(free_port); iss=$(free_port); echo_p=$(free_port); llm=$(free_port)
env_args=(PORT="$gw" DEMO_ISSUER_PORT="$iss" DEMO_ECHO_PORT="$echo_p" DEMO_LLM_PORT="$llm")
run_in_image demo > "$work/demo.out" 2> "$work/demo.err" & pids+=($!)
demo_pid=$!
if wait_health "http://127.0.0.1:$gw/health" 90 "$demo_pid"; then
  ok "demo from the image answers /health"
  token=$(curl -fsS --max-time 5 -X POST -H 'Content-Type: application/json' -d '{"sub":"image-check"}' \
    "http://127.0.0.1:$iss/mint" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])') || token=""
  check "demo issuer mints a token" test -n "$token"
  body=$(curl -sS --max-time 5 -H "Authorization: Bearer $token" -H 'X-User-Id: spoofed' "http://127.0.0.1:$gw/proxy/echo" || true)
  check "demo /proxy/echo carries the verified user, not the spoofed one" \
    sh -c 'echo "$1" | grep -q image-check && ! echo "$1" | grep -qi "\"x-user-id\" *: *\"spoofed\""' sh "$body"
  check "demo uses the native epoll transport in the image" grep -q 'transport: native (epoll)' "$work/demo.err"
else
  bad "demo from the image did not become healthy"; tail -20 "$work/demo.err" | sed 's/^/  | /'
fi

# serve (the default command) against the demo's issuer; audit trail into /app/data as uid 10001.
if [ -n "${token:-}" ]; then
  sgw=$(free_port)
  env_args=(PORT="$sgw" OAUTH_ISSUER="http://localhost:$iss/" OAUTH_AUDIENCE="https://gateway.local/api"
            OAUTH_JWKS_URI="http://127.0.0.1:$iss/.well-known/jwks.json")
  run_in_image serve > "$work/serve.out" 2> "$work/serve.err" & pids+=($!)
  serve_pid=$!
  if wait_health "http://127.0.0.1:$sgw/health" 90 "$serve_pid"; then
    ok "serve from the image answers /health"
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H "Authorization: Bearer $token" "http://127.0.0.1:$sgw/protected/ping")
    check "serve accepts a token of the configured issuer (/protected/ping 200, got $code)" test "$code" = 200
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$sgw/protected/ping")
    check "serve refuses a request without a token (401, got $code)" test "$code" = 401
    sleep 1
    check "audit trail written to /app/data by uid 10001" \
      sh -c 'test -n "$(find "$1/app/data" -user 10001 -type f | head -1)"' sh "$rf"
  else
    bad "serve from the image did not become healthy"; tail -20 "$work/serve.err" | sed 's/^/  | /'
  fi
  stop_in_image "$serve_pid" "$sgw"
fi
stop_in_image "$demo_pid" "$gw"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]

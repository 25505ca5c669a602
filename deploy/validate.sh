#!/usr/bin/env bash
# Validates deploy/kubernetes without a cluster (no cluster and no GitHub-hosted tools such as kubeconform are
# reachable here; Debian has no Kubernetes schema validator, so the schemas come from npm):
#   1. node deploy/validate/validate.mjs: YAML parse, Kubernetes JSON schemas (kubernetes-models 5.1.0), unknown
#      fields (TypeScript 5.9.3 on the same models), and GatewayStack consistency checks;
#   2. when the server is built (server/target/gatewaystack.jar): the ConfigMap's policy through
#      `gatewaystack policy validate`, and the ConfigMap's gateway.yaml through a real `gatewaystack serve` start on
#      loopback (issuer, Redis and backend pointed at a closed loopback port, a fresh identity key from
#      gen-identity-key.sh): the config must be accepted, /health must answer, and the published gateway JWKS must
#      carry the key id of the shared key file.
# Needs node and npm (the validator's packages are installed into deploy/validate/node_modules with `npm ci`).
# Ends with "N passed, N failed"; exit code 1 on any failure.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
manifests="${1:-$here/kubernetes}"

command -v node >/dev/null && command -v npm >/dev/null || { echo "validate.sh: needs node and npm" >&2; exit 1; }
if [ ! -d "$here/validate/node_modules/kubernetes-models" ] || [ ! -d "$here/validate/node_modules/typescript" ]; then
  (cd "$here/validate" && npm ci --no-audit --no-fund --loglevel=error >&2)
fi

work="$(mktemp -d /tmp/gatewaystack-validate.XXXXXX)"
gw_pid=""
cleanup() { [ -n "$gw_pid" ] && kill "$gw_pid" 2>/dev/null; [ -n "$gw_pid" ] && wait "$gw_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

set +e
node "$here/validate/validate.mjs" "$manifests" "$work/extract" | tee "$work/manifests.out" | grep -v '^ok:' | grep -v ' passed, '
set -e
summary=$(tail -1 "$work/manifests.out")
passed=$(echo "$summary" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
failed=$(echo "$summary" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
[ -n "$passed" ] || { echo "validate.sh: the manifest validator did not finish" >&2; exit 1; }
echo "manifests: $passed checks passed, $failed failed"
ok() { echo "ok: $*"; passed=$((passed + 1)); }
bad() { echo "FAILED: $*"; failed=$((failed + 1)); }

jar="$root/server/target/gatewaystack.jar"
java=""   # a JDK 21+: JAVA_HOME, else one under /usr/lib/jvm, else java on PATH (as the ./gatewaystack launcher does)
for cand in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} /usr/lib/jvm/temurin-2[5-9]*/bin/java /usr/lib/jvm/*/bin/java "$(command -v java || true)"; do
  [ -x "$cand" ] || continue
  v=$("$cand" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -1)
  if [ -n "$v" ] && [ "${v%%.*}" -ge 21 ]; then java="$cand"; break; fi
done
if [ ! -f "$jar" ] || [ ! -f "$work/extract/gateway.yaml" ] || [ -z "$java" ]; then
  echo "skip: gateway checks of the ConfigMap (needs a JDK 21+ and the built server: ./mvnw -B -DskipTests -pl server -am package)"
else
  ex="$work/extract"
  for p in "$ex"/policies/*; do
    if "$java" -jar "$jar" policy validate "$p" > "$work/policy.out" 2>&1; then ok "policy $(basename "$p"): $(head -1 "$work/policy.out")"
    else bad "policy $(basename "$p"): $(head -3 "$work/policy.out" | tr '\n' ' ')"; fi
  done
  kid="validate-$$"
  "$here/gen-identity-key.sh" "$kid" > "$ex/identity-assertion.jwk"
  mkdir -p "$ex/data"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  closed="http://127.0.0.1:9"   # discard port: nothing listens; no traffic leaves the machine
  provider_env=()
  while IFS= read -r name; do [ -n "$name" ] && provider_env+=("$name=validate-dummy"); done < "$ex/provider-env.txt"
  env -i PATH="$PATH" HOME="$work" PORT="$port" OAUTH_ISSUER="$closed/" OAUTH_JWKS_URI="$closed/jwks.json" \
    REDIS_URL="redis://127.0.0.1:9" PROXY_TARGET="$closed" GATEWAYSTACK_AUDIT_SEAL_KEY="hex:$(openssl rand -hex 32)" \
    "${provider_env[@]}" "$java" --enable-native-access=ALL-UNNAMED -jar "$jar" serve --config "$ex/gateway.yaml" \
    > "$work/serve.out" 2> "$work/serve.err" &
  gw_pid=$!
  code=000
  for _ in $(seq 1 120); do
    code=$(curl -s -o "$work/health.json" -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/health" || true)
    [ "$code" != 000 ] && break
    kill -0 "$gw_pid" 2>/dev/null || break
    sleep 0.5
  done
  if [ "$code" = 200 ] || [ "$code" = 503 ]; then
    # 503 is expected: the issuer is deliberately unreachable, so the jwks check fails closed.
    ok "the ConfigMap's gateway.yaml starts the gateway (serve --config; /health $code with the issuer unreachable)"
    jwks=$(curl -s --max-time 2 "http://127.0.0.1:$port/.well-known/gateway-jwks.json" || true)
    if echo "$jwks" | grep -q "\"kid\":\"$kid\""; then ok "the gateway JWKS publishes the shared key file's key ($kid)"
    else bad "the gateway JWKS does not show the key file's kid: $jwks"; fi
  else
    bad "the ConfigMap's gateway.yaml did not start the gateway:"; grep -v '^{' "$work/serve.err" | tail -5 | sed 's/^/  | /'
  fi
  kill "$gw_pid" 2>/dev/null || true; wait "$gw_pid" 2>/dev/null || true; gw_pid=""
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]

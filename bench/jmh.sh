#!/usr/bin/env bash
# Builds the bench module (and what it depends on) and runs the token verification JMH benchmark.
# Extra arguments go to JMH, e.g. a quick check:  bench/jmh.sh -f 1 -wi 1 -i 2 -w 1s -r 1s
# Other JMH options: -h. Results as JSON: bench/jmh.sh -rf json -rff bench/target/jmh.json
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# JDK selection as in the ./gatewaystack launcher: JAVA_HOME, then /usr/lib/jvm (25 first), then PATH; needs 21+.
java_major() { "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -1; }

pick_java_home() {
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  for d in /usr/lib/jvm/temurin-25* /usr/lib/jvm/*25* /usr/lib/jvm/*; do [ -d "$d" ] && candidates+=("$d"); done
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for home in "${candidates[@]}"; do
    if [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ]; then
      local v; v="$(java_major "$home/bin/java")"
      if [ -n "$v" ] && [ "${v%%.*}" -ge 21 ]; then echo "$home"; return 0; fi
    fi
  done
  return 1
}

if ! JAVA_HOME="$(pick_java_home)"; then
  echo "jmh.sh: needs a JDK 21 or newer (set JAVA_HOME)" >&2
  exit 1
fi
export JAVA_HOME

echo "jmh.sh: building the bench module with $JAVA_HOME ..." >&2
(cd "$root" && ./mvnw -B -q -DskipTests -pl bench -am install) >&2

cd "$root"
exec "$JAVA_HOME/bin/java" -jar bench/target/gatewaystack-bench.jar TokenVerificationBenchmark "$@"

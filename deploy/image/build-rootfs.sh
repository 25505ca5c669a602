#!/usr/bin/env bash
# Assembles the non-application part of the GatewayStack container image into a folder, which the Maven profile
# `image` (server/pom.xml) adds on top of Jib's empty `scratch` base:
#
#   /opt/java/...                 a jlink'ed Java runtime (only the modules the gateway needs), from $JAVA_HOME
#   /lib64/ld-linux-x86-64.so.2,  the glibc dynamic loader and the shared libraries the runtime and Netty's epoll
#   /lib/x86_64-linux-gnu/*.so*   library load (found with ldd on the build machine)
#   /etc/passwd, /etc/group       the unprivileged user gatewaystack (10001) so the JVM can resolve its home
#   /etc/nsswitch.conf            files then dns, for host name lookups
#   /tmp, /app/data               writable folders (Netty extracts its native library to /tmp; the audit trail)
#
# Why not a base image from a registry: the build must work where no container registry can be reached. The price:
# the C libraries are the build machine's (glibc, x86_64 Linux), so rebuild the image on an up-to-date machine to
# pick up glibc security fixes. The Dockerfile beside this folder is the registry-based alternative.
#
# Usage: build-rootfs.sh OUTPUT_DIR [LIB_DIR]   (LIB_DIR: the server's runtime jars, default server/target/lib;
#        JAVA_HOME must be a JDK 21+ whose jlink can link a runtime)
set -euo pipefail
out="${1:?usage: build-rootfs.sh OUTPUT_DIR}"
java_home="${JAVA_HOME:?JAVA_HOME must point at a JDK}"
[ "$(uname -s)/$(uname -m)" = "Linux/x86_64" ] || { echo "build-rootfs.sh: needs a Linux x86_64 build machine" >&2; exit 1; }

# Modules: what `jdeps --print-module-deps --recursive` reports for server/target/gatewaystack.jar + lib/*.jar, plus
# modules that are only reached by reflection or service loading (logging, XML for logback, EC crypto, DNS, zipfs,
# extra charsets).
modules="java.base,java.compiler,java.desktop,java.logging,java.management,java.naming,java.net.http,java.security.jgss"
modules+=",java.sql,java.xml,jdk.crypto.ec,jdk.jfr,jdk.management,jdk.unsupported,jdk.naming.dns,jdk.zipfs,jdk.charsets"

rm -rf "$out"
mkdir -p "$out/opt" "$out/etc" "$out/tmp" "$out/app/data"
"$java_home/bin/jlink" --add-modules "$modules" --output "$out/opt/java" \
  --strip-debug --no-header-files --no-man-pages --compress=zip-6 2>&1 | grep -v '^Warning: .*deprecated' >&2 || true
[ -x "$out/opt/java/bin/java" ] || { echo "build-rootfs.sh: jlink produced no runtime" >&2; exit 1; }

# Shared libraries: everything the runtime's ELF files and Netty's epoll library need, outside the runtime itself.
# java.desktop is in the runtime only for java.beans (Jackson, SnakeYAML, the PostgreSQL driver); its X11, sound and
# splash-screen libraries are never loaded by a headless server, so their X11/ALSA dependencies are left out.
elves=$(find "$out/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' -o -name jspawnhelper \) \
  ! -name libawt_xawt.so ! -name libjsound.so ! -name libsplashscreen.so ! -name libjawt.so)
netty_so=$(mktemp -d)
trap 'rm -rf "$netty_so"' EXIT
lib_dir="${2:-$(cd "$(dirname "$0")/../.." && pwd)/server/target/lib}"
for jar in "$lib_dir"/netty-transport-native-epoll-*-linux-x86_64.jar; do
  [ -f "$jar" ] && (cd "$netty_so" && "$java_home/bin/jar" xf "$jar" META-INF/native)
done
elves+=" $(find "$netty_so" -name '*.so' 2>/dev/null || true)"
needed=$(for f in $elves; do ldd "$f" 2>/dev/null || true; done \
  | awk '/=> \// {print $3} /^\s*\/.*ld-linux/ {print $1}' | grep -v "^$out" | sort -u)
# The glibc pieces that are loaded at run time without appearing in ldd: name service modules.
for extra in libnss_files.so.2 libnss_dns.so.2 libresolv.so.2; do
  p=$(ldconfig -p | awk -v n="$extra" '$1 == n && /x86-64/ && !p {p = $NF} END {print p}')
  [ -n "$p" ] && needed+=$'\n'"$p"
done
for lib in $needed; do
  case "$lib" in "$java_home"/*) continue ;; esac
  real=$(readlink -f "$lib")
  dest="$out/lib/x86_64-linux-gnu/$(basename "$lib")"
  case "$lib" in */ld-linux-x86-64.so.2) dest="$out/lib64/ld-linux-x86-64.so.2" ;; esac
  mkdir -p "$(dirname "$dest")"
  cp "$real" "$dest"
done

cat > "$out/etc/passwd" <<'P'
root:x:0:0:root:/root:/sbin/nologin
gatewaystack:x:10001:10001:GatewayStack:/app:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
P
cat > "$out/etc/group" <<'G'
root:x:0:
gatewaystack:x:10001:
nogroup:x:65534:
G
printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$out/etc/nsswitch.conf"
echo "build-rootfs.sh: $(du -sh "$out" | cut -f1) in $out (runtime $(du -sh "$out/opt/java" | cut -f1))" >&2

#!/usr/bin/env bash
# Builds the agent's base image without Docker or a registry: a minimal Debian 12 (debootstrap) with libbpf1, plus a
# JRE 25 jlinked from the local JDK, written as a docker-archive tar that Jib takes with from.image=tar://...
# Usage: build-base-image.sh OUTPUT.tar [JDK_HOME]     (root; needs debootstrap, ~2 min the first time, then cached)
set -euo pipefail
OUT=$1
JDK=${2:-${PALISADE_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}}
SUITE=bookworm
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
command -v debootstrap >/dev/null || { echo "build-base-image: needs debootstrap (Debian package debootstrap)" >&2; exit 2; }
[ -x "$JDK/bin/jlink" ] || { echo "build-base-image: no jlink in $JDK (a JDK 25 is needed)" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "build-base-image: debootstrap needs root" >&2; exit 2; }

WORK=$(mktemp -d /tmp/palisade-base.XXXXXX)
trap 'umount "$WORK/rootfs/proc" 2>/dev/null || true; rm -rf "$WORK"' EXIT
ROOT=$WORK/rootfs

debootstrap --variant=minbase --include=libbpf1,libelf1,zlib1g,ca-certificates $SUITE "$ROOT" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 \
	|| { tail -20 "$WORK/debootstrap.log" >&2; exit 1; }
# Nothing the agent needs at run time: package caches, docs, locales.
rm -rf "$ROOT"/var/cache/apt/* "$ROOT"/var/lib/apt/lists/* "$ROOT"/usr/share/doc/* "$ROOT"/usr/share/man/* \
	"$ROOT"/usr/share/locale/* "$ROOT"/var/log/*

# The modules Pekko, Netty, fabric8, Jackson, Logback and FFM need.
"$JDK/bin/jlink" --add-modules java.base,java.logging,java.management,java.naming,java.net.http,java.security.jgss,java.sql,java.xml,java.desktop,jdk.unsupported,jdk.crypto.ec,jdk.management,jdk.zipfs \
	--strip-debug --no-header-files --no-man-pages --compress=zip-6 --output "$ROOT/opt/java"

python3 - "$ROOT" "$OUT" <<'PY'
import hashlib, io, json, os, sys, tarfile, time
root, out = sys.argv[1], sys.argv[2]
layer = io.BytesIO()
with tarfile.open(fileobj=layer, mode="w", format=tarfile.PAX_FORMAT) as t:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort(); filenames.sort()
        for name in dirnames + filenames:
            full = os.path.join(dirpath, name)
            info = t.gettarinfo(full, arcname=os.path.relpath(full, root))
            info.mtime = 0
            if info.isfile():
                with open(full, "rb") as f: t.addfile(info, f)
            else:
                t.addfile(info)
data = layer.getvalue()
diff_id = "sha256:" + hashlib.sha256(data).hexdigest()
config = {"architecture": "amd64", "os": "linux",
          "config": {"Env": ["PATH=/opt/java/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                             "JAVA_HOME=/opt/java"]},
          "rootfs": {"type": "layers", "diff_ids": [diff_id]},
          "history": [{"created_by": "palisade deploy/image/build-base-image.sh (debian bookworm minbase, libbpf1, jlinked JRE 25)"}]}
cfg = json.dumps(config, sort_keys=True).encode()
cfg_name = hashlib.sha256(cfg).hexdigest() + ".json"
manifest = json.dumps([{"Config": cfg_name, "RepoTags": ["palisade/base:local"], "Layers": ["layer.tar"]}]).encode()
with tarfile.open(out, "w") as t:
    for name, content in ((cfg_name, cfg), ("layer.tar", data), ("manifest.json", manifest)):
        info = tarfile.TarInfo(name); info.size = len(content); info.mtime = 0
        t.addfile(info, io.BytesIO(content))
print(f"base image {out}: {len(data) // (1 << 20)} MiB layer")
PY

#!/usr/bin/env bash
# Checks that the agent's image runs: unpacks the layers of a docker-archive tar (Jib's buildTar) into a root, then
# runs the image's own entrypoint there (chroot) for `--version` and `policy validate` of the seed policy.
# Usage: check-image.sh IMAGE.tar POLICY.yaml      (root, for chroot)
set -euo pipefail
IMAGE=$1 POLICY=$2
WORK=$(mktemp -d /tmp/palisade-image-check.XXXXXX)
trap 'umount "$WORK/root/proc" 2>/dev/null || true; rm -rf "$WORK"' EXIT
mkdir -p "$WORK/image" "$WORK/root"
tar -xf "$IMAGE" -C "$WORK/image"
python3 - "$WORK/image" "$WORK/root" "$WORK/entrypoint" <<'PY'
import json, os, sys, tarfile
img, root, ep = sys.argv[1:4]
manifest = json.load(open(os.path.join(img, "manifest.json")))[0]
config = json.load(open(os.path.join(img, manifest["Config"])))
for layer in manifest["Layers"]:
    with tarfile.open(os.path.join(img, layer)) as t:   # plain or gzip, tarfile detects it
        t.extractall(root, filter="tar")
c = config["config"]
open(ep, "w").write("\0".join(c.get("Entrypoint") or []))
assert "/opt/java/bin" in ":".join(c.get("Env", [])), "the image's PATH has the JRE"
print("image: entrypoint", c.get("Entrypoint"), "cmd", c.get("Cmd"), "ports", sorted(c.get("ExposedPorts", {})))
PY
mapfile -d '' ENTRY < "$WORK/entrypoint"
cp "$POLICY" "$WORK/root/tmp/policy.yaml"
# The JRE finds its libraries through $ORIGIN, which glibc resolves with /proc/self/exe: as in a container, /proc is there.
mkdir -p "$WORK/root/proc" && mount -t proc proc "$WORK/root/proc"
run() { chroot "$WORK/root" /usr/bin/env PATH=/opt/java/bin:/usr/bin:/bin "${ENTRY[@]}" "$@"; }
run --version
run policy validate /tmp/policy.yaml
echo "check-image: the image runs"

# Sourced by ./palisade and .ci/run: sets PALISADE_JAVA_HOME to a JDK 25 or newer.
# Looks at JAVA_HOME first, then /usr/lib/jvm/* and ~/.jdks/*; fails with a clear message when there is none.
palisade_jdk_major() { # $1 = JDK home; prints the feature version or nothing
	local rel="$1/release" v
	[ -f "$rel" ] && [ -x "$1/bin/java" ] || return 0
	v=$(sed -n 's/^JAVA_VERSION="\{0,1\}\([0-9]*\).*/\1/p' "$rel")
	printf '%s' "$v"
}
palisade_find_jdk() {
	local c m
	for c in "${JAVA_HOME:-}" /usr/lib/jvm/* "$HOME"/.jdks/*; do
		[ -n "$c" ] && [ -d "$c" ] || continue
		m=$(palisade_jdk_major "$c")
		if [ -n "$m" ] && [ "$m" -ge 25 ]; then PALISADE_JAVA_HOME=$c; return 0; fi
	done
	echo "palisade: no JDK 25 found (looked at JAVA_HOME, /usr/lib/jvm/*, ~/.jdks/*)." >&2
	echo "palisade: install one (e.g. Temurin 25 at /usr/lib/jvm/temurin-25-jdk-amd64) or set JAVA_HOME to it." >&2
	return 1
}

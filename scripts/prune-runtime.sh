#!/bin/sh
# Removes the Kafka client's build tree from a production node_modules, keeping only what runs: the
# package's JavaScript, its addon (build/Release/*.node) and the librdkafka shared libraries the addon
# loads through its RUNPATH ($ORIGIN/../deps, i.e. build/deps/*.so.N). The Dockerfile's build stage runs
# it after `npm prune --omit=dev`; test/unit/deploy/prune-runtime.test.ts runs it on a copy of
# node_modules. docs/docker.md, "The image", says what it saves.
#
# Usage: scripts/prune-runtime.sh [node_modules directory, default ./node_modules]
set -eu

modules=${1:-node_modules}
client="$modules/@confluentinc/kafka-javascript"
addon="$client/build/Release/confluent-kafka-javascript.node"

if [ ! -f "$addon" ]; then
  echo "prune-runtime: $addon: no such file; expected the Kafka client built by npm ci" >&2
  exit 1
fi

# librdkafka's sources and its object files from the source build (about 200 MB), the binding's C++
# sources, and the files only node-gyp and the package's install script read.
rm -rf "$client/deps" "$client/src" "$client/util" "$client/scripts" \
  "$client/binding.gyp" "$client/cpplint.py" "$client/Makefile" "$client/configure"

# In build/: everything except the addon and the versioned shared libraries it needs (librdkafka.so.1,
# librdkafka++.so.1). Gone: object files, static archives (.a), headers, pkg-config files, Makefiles
# and the unversioned development symlinks (librdkafka.so -> librdkafka.so.1), which nothing loads.
# (In find's -path, * also matches /, hence the second test: obj.target/ holds a copy of the addon.)
find "$client/build" \( -type f -o -type l \) \
  ! \( -path "$client/build/Release/*.node" ! -path "$client/build/Release/*/*" \) \
  ! -name '*.so.[0-9]*' -exec rm -f {} +
find "$client/build" -depth -type d -empty -exec rmdir {} \;

# librdkafka is compiled with -g: its DWARF debug info is three quarters of librdkafka.so.1 (13 MB -> 3 MB).
# --strip-debug keeps the symbol table, so a native backtrace still names librdkafka's functions.
# strip comes with binutils (g++ in the Dockerfile's build stage); without it the files stay as they are.
if command -v strip >/dev/null 2>&1; then
  find "$client/build" -type f \( -name '*.so.[0-9]*' -o -name '*.node' \) -exec strip --strip-debug {} +
else
  echo "prune-runtime: no strip on PATH; the libraries keep their debug info" >&2
fi

# Fail here rather than in the running container: the addon and every library it needs must still load.
# (Run from the directory that holds node_modules, so Node resolves the package the way the daemon does.)
(cd "$modules/.." && node -e "require('@confluentinc/kafka-javascript')") || {
  echo "prune-runtime: @confluentinc/kafka-javascript no longer loads after pruning $modules" >&2
  exit 1
}

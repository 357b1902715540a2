#!/usr/bin/env bash
# Installs what soakbench needs to build, test and run its local Kafka, skipping whatever is there
# already (`make deps`). Three steps:
#   1. Debian/Ubuntu packages: the libraries librdkafka is built against, kcat, prometheus, and
#      java/maven/compilers when missing (apt-get, as root; `apt-get update` only if something is missing)
#   2. npm packages (`npm ci`), when node_modules is missing or older than package-lock.json
#   3. the Apache Kafka jars (Maven Central), see scripts/kafka-env.sh
# A stamp in node_modules makes the next run return at once while nothing it depends on changed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
STAMP="node_modules/.soakbench-deps.stamp"

log() { echo "deps: $*" >&2; }
die() {
  echo "deps: $*" >&2
  exit 1
}

# What the stamp vouches for: this script, the lock file and the Kafka pom.
inputs_hash() {
  cat "${BASH_SOURCE[0]}" package.json package-lock.json kafka/pom.xml 2>/dev/null | sha256sum | cut -d' ' -f1
}

# librdkafka is built from source against these (CKJS_LINKING=dynamic below); kcat checks the broker;
# prometheus/promtool serve the monitoring checks; the compilers build the Node addon.
DEBIAN_PACKAGES=(libssl-dev libsasl2-dev zlib1g-dev libzstd-dev liblz4-dev libcurl4-openssl-dev pkg-config
  kcat prometheus g++ make python3)

java_major() {
  local java="java"
  [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]] && java="$JAVA_HOME/bin/java"
  command -v "$java" >/dev/null 2>&1 || return 1
  "$java" -version 2>&1 | awk -F'"' '/version/ {split($2, v, "."); print v[1]; exit}'
}

step_packages() {
  if ! command -v dpkg-query >/dev/null 2>&1; then
    log "not a Debian/Ubuntu system: skipping packages; install yourself: Java 17+, Maven, kcat, a C++ compiler," \
      "and the development files of OpenSSL, Cyrus SASL, zlib, zstd, lz4 and libcurl"
    return 0
  fi
  local wanted=("${DEBIAN_PACKAGES[@]}") missing=() pkg
  command -v mvn >/dev/null 2>&1 || wanted+=(maven)
  local major
  major="$(java_major || true)"
  [[ "$major" =~ ^[0-9]+$ && "$major" -ge 17 ]] || wanted+=(openjdk-17-jre-headless)
  for pkg in "${wanted[@]}"; do
    if [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" != "install ok installed" ]]; then
      missing+=("$pkg")
    fi
  done
  if ((${#missing[@]} == 0)); then
    log "Debian packages: all present"
    return 0
  fi
  if [[ "$(id -u)" -ne 0 ]]; then
    die "missing Debian packages: ${missing[*]}; install them with: sudo apt-get install -y ${missing[*]}"
  fi
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2
  apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
}

step_npm() {
  if [[ -d node_modules && ! package-lock.json -nt node_modules/.package-lock.json &&
    ! package.json -nt node_modules/.package-lock.json ]]; then
    log "node_modules: up to date"
    return 0
  fi
  local start=$SECONDS
  # @confluentinc/kafka-javascript first tries a prebuilt binary from GitHub; where that is
  # unreachable it builds its bundled librdkafka, which must then link Debian's libraries instead of
  # downloading their sources (util/configure.js in the package). With a prebuilt binary it is unused.
  if [[ -f package-lock.json ]]; then
    log "running npm ci (building librdkafka can take a few minutes)"
    CKJS_LINKING=dynamic npm ci --no-audit --no-fund >&2
  else
    log "no package-lock.json: running npm install"
    CKJS_LINKING=dynamic npm install --no-audit --no-fund >&2
  fi
  log "npm packages installed in $((SECONDS - start)) s"
}

step_jars() {
  # shellcheck source=scripts/kafka-env.sh
  source "$ROOT/scripts/kafka-env.sh"
  kafka_fetch_jars
  log "Kafka jars: present in $KAFKA_LIB_DIR"
}

# Node.js is not installed here: Debian's own is too old, and people pick theirs (nvm, NodeSource).
node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || true)"
[[ "$node_major" =~ ^[0-9]+$ && "$node_major" -ge 20 ]] ||
  die "Node.js 20 or newer is needed (found: $(node --version 2>/dev/null || echo none)); see https://nodejs.org"

want="$(inputs_hash)"
if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$want" ]] && command -v kcat >/dev/null 2>&1; then
  log "up to date (delete $STAMP to force a check)"
  exit 0
fi
step_packages
step_npm
step_jars
echo "$want" >"$STAMP"
log "done"

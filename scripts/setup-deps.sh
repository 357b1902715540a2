#!/usr/bin/env bash
# Installs what soakbench needs, skipping whatever is there already. Two parts, so that building, linting
# and unit tests need no Java, Maven or broker:
#   node   (`make deps-node`): Node.js 20+ is checked; Debian packages: the libraries librdkafka is built
#          against, compilers, and prometheus (promtool checks our metrics in the unit tests); then
#          npm packages (`npm ci`) when node_modules is missing or older than package-lock.json
#   kafka  (`make deps-kafka`): Debian packages for the local broker and the tests that use it: java 17+
#          and maven when missing, kcat (a second client to check the broker), chromium (the page tests
#          drive it with puppeteer-core); then the Apache Kafka jars (Maven Central), see scripts/kafka-env.sh
#   all    (`make deps`, the default): both
# Each part has a stamp; the next run of that part returns at once while nothing it depends on changed.
# Usage: scripts/setup-deps.sh [node|kafka|all]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

log() { echo "deps: $*" >&2; }
die() {
  echo "deps: $*" >&2
  exit 1
}

# librdkafka is built from source against these (CKJS_LINKING=dynamic below); the compilers build the Node
# addon; promtool (Debian's prometheus) lints the metrics registry in the unit tests.
NODE_PACKAGES=(libssl-dev libsasl2-dev zlib1g-dev libzstd-dev liblz4-dev libcurl4-openssl-dev pkg-config
  g++ make python3 prometheus)
# kcat checks the broker independently of soakbench; chromium runs the page tests (puppeteer-core).
KAFKA_PACKAGES=(kcat chromium)

java_major() {
  local java="java"
  [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]] && java="$JAVA_HOME/bin/java"
  command -v "$java" >/dev/null 2>&1 || return 1
  "$java" -version 2>&1 | awk -F'"' '/version/ {split($2, v, "."); print v[1]; exit}'
}

# Installs the named Debian packages that are not installed yet (apt-get, as root; `apt-get update` only
# when something is missing).
install_packages() {
  local what="$1" pkg missing=()
  shift
  if ! command -v dpkg-query >/dev/null 2>&1; then
    log "not a Debian/Ubuntu system: skipping packages; install yourself: $what"
    return 0
  fi
  for pkg in "$@"; do
    if [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" != "install ok installed" ]]; then
      missing+=("$pkg")
    fi
  done
  if ((${#missing[@]} == 0)); then
    log "Debian packages ($*): all present"
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

# The part for building, linting and unit tests. Its stamp lives in node_modules, so deleting
# node_modules also forgets it; it vouches for this script and the npm manifests.
part_node() {
  local stamp="node_modules/.soakbench-deps-node.stamp" want
  # Node.js is not installed here: Debian's own is too old, and people pick theirs (nvm, NodeSource).
  local node_major
  node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || true)"
  [[ "$node_major" =~ ^[0-9]+$ && "$node_major" -ge 20 ]] ||
    die "Node.js 20 or newer is needed (found: $(node --version 2>/dev/null || echo none)); see https://nodejs.org"
  want="$(cat "${BASH_SOURCE[0]}" package.json package-lock.json 2>/dev/null | sha256sum | cut -d' ' -f1)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]] && command -v promtool >/dev/null 2>&1; then
    log "node part up to date (delete $stamp to force a check)"
    return 0
  fi
  install_packages "a C++ compiler, make, python3, pkg-config, Prometheus (promtool), and the development files of OpenSSL, Cyrus SASL, zlib, zstd, lz4 and libcurl" "${NODE_PACKAGES[@]}"
  step_npm
  echo "$want" >"$stamp"
  log "node part done"
}

# The part for the local broker and the tests that use it. Its stamp lives in the folder that holds the jars
# (.kafka/ by default) and vouches for this script, the Kafka pom and scripts/kafka-env.sh; the jars have
# their own stamp (the pom's hash, in KAFKA_LIB_DIR), checked too, so deleting the jars is noticed.
part_kafka() {
  # shellcheck source=scripts/kafka-env.sh
  source "$ROOT/scripts/kafka-env.sh"
  local stamp want major
  stamp="$(dirname "$KAFKA_LIB_DIR")/.soakbench-deps-kafka.stamp"
  want="$(cat "${BASH_SOURCE[0]}" kafka/pom.xml scripts/kafka-env.sh | sha256sum | cut -d' ' -f1)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]] &&
    [[ "$(cat "$KAFKA_LIB_DIR/.pom.sha256" 2>/dev/null)" == "$(sha256sum "$KAFKA_POM" | cut -d' ' -f1)" ]] &&
    command -v kcat >/dev/null 2>&1 && command -v mvn >/dev/null 2>&1; then
    log "kafka part up to date (delete $stamp to force a check)"
    return 0
  fi
  local wanted=("${KAFKA_PACKAGES[@]}")
  command -v mvn >/dev/null 2>&1 || wanted+=(maven)
  major="$(java_major || true)"
  [[ "$major" =~ ^[0-9]+$ && "$major" -ge 17 ]] || wanted+=(openjdk-17-jre-headless)
  install_packages "Java 17+, Maven, kcat and Chromium" "${wanted[@]}"
  kafka_fetch_jars
  log "Kafka jars: present in $KAFKA_LIB_DIR"
  echo "$want" >"$stamp"
  log "kafka part done"
}

case "${1:-all}" in
node) part_node ;;
kafka) part_kafka ;;
all)
  part_node
  part_kafka
  ;;
*) die "unknown part '$1': expected node, kafka or all" ;;
esac

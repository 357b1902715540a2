# shellcheck shell=bash
# Sourced by scripts/kafka.sh and the Kafka tool wrappers: where things live, which java, and the jars.
#
# Environment (all optional):
#   KAFKA_DIR      broker state: server.properties, data/, logs/, kafka.pid   (default <repo>/.kafka)
#   KAFKA_LIB_DIR  the jars, shared by every KAFKA_DIR                          (default <repo>/.kafka/lib)
#   JAVA_HOME      java to run (default: `java` on PATH); Kafka 4.x needs 17+

KAFKA_REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Absolute, because the broker is found again by the server.properties path on its command line.
KAFKA_DIR="$(realpath -m "${KAFKA_DIR:-$KAFKA_REPO_ROOT/.kafka}")"
KAFKA_LIB_DIR="$(realpath -m "${KAFKA_LIB_DIR:-$KAFKA_REPO_ROOT/.kafka/lib}")"
KAFKA_POM="$KAFKA_REPO_ROOT/kafka/pom.xml"

kafka_die() {
  echo "kafka: $*" >&2
  exit 1
}

# Picks the java binary and checks it is 17 or newer (Kafka 4.x brokers and tools, KIP-1013).
kafka_java() {
  local java="java"
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then java="$JAVA_HOME/bin/java"; fi
  command -v "$java" >/dev/null 2>&1 || kafka_die "java not found: install a JDK 17+ (Debian: apt-get install openjdk-17-jre-headless)"
  local version major
  version="$("$java" -version 2>&1 | awk -F'"' '/version/ {print $2; exit}')"
  major="${version%%.*}"
  [[ "$major" =~ ^[0-9]+$ && "$major" -ge 17 ]] ||
    kafka_die "$java is version '$version'; Kafka 4.x needs Java 17+ (set JAVA_HOME)"
  echo "$java"
}

# Fetches the jars named in kafka/pom.xml into KAFKA_LIB_DIR unless they are there for this very pom.
# A stamp holds the pom's hash, so a version bump refetches into an empty directory (two Kafka
# versions on one classpath would mix classes).
kafka_fetch_jars() {
  local stamp="$KAFKA_LIB_DIR/.pom.sha256" want lock_fd
  want="$(sha256sum "$KAFKA_POM" | cut -d' ' -f1)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then return 0; fi
  mkdir -p "$(dirname "$KAFKA_LIB_DIR")"
  # One fetch at a time (a tool wrapper may race `make kafka-up`); the winner's jars serve the others.
  exec {lock_fd}>"$KAFKA_LIB_DIR.lock"
  flock "$lock_fd"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    exec {lock_fd}>&-
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || kafka_die "mvn not found: install Maven (Debian: apt-get install maven)"
  local tmp="$KAFKA_LIB_DIR.tmp.$$" start=$SECONDS
  echo "kafka: fetching Kafka jars from Maven Central into $KAFKA_LIB_DIR" >&2
  rm -rf "$tmp"
  # Maven's output is shown only when it fails (with -q it is empty but for stray colour codes).
  if ! mvn -q -B -f "$KAFKA_POM" dependency:copy-dependencies -Dkafka.lib.dir="$tmp" >"$tmp.log" 2>&1; then
    cat "$tmp.log" >&2
    rm -rf "$tmp" "$tmp.log"
    kafka_die "mvn could not fetch the Kafka jars (see above)"
  fi
  rm -f "$tmp.log"
  if [[ -d "$KAFKA_LIB_DIR" ]] && diff -rq -x .pom.sha256 "$tmp" "$KAFKA_LIB_DIR" >/dev/null 2>&1; then
    # Same jars (the pom changed elsewhere): leave them in place, a running broker loads classes lazily.
    rm -rf "$tmp"
  else
    [[ -d "$KAFKA_LIB_DIR" ]] && echo "kafka: the jars changed; restart a running broker to use them" >&2
    rm -rf "$KAFKA_LIB_DIR"
    mv "$tmp" "$KAFKA_LIB_DIR"
  fi
  echo "$want" >"$KAFKA_LIB_DIR/.pom.sha256"
  exec {lock_fd}>&-
  echo "kafka: fetched $(find "$KAFKA_LIB_DIR" -name '*.jar' | wc -l) jars in $((SECONDS - start)) s" >&2
}

# Execs one of Kafka's command-line tools (a main class) from the same jars, with tool logging
# (WARN and above, to stderr) like Kafka's bin/kafka-run-class.sh does for its tools.
kafka_exec_tool() {
  local class="$1"
  shift
  kafka_fetch_jars
  local java
  java="$(kafka_java)"
  # shellcheck disable=SC2086 # KAFKA_OPTS is a list of JVM flags, split on purpose
  exec "$java" -Xmx512m -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$KAFKA_REPO_ROOT/kafka/tools-log4j2.xml" \
    ${KAFKA_OPTS:-} -cp "$KAFKA_LIB_DIR/*" "$class" "$@"
}

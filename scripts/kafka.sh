#!/usr/bin/env bash
# A local single-node Apache Kafka 4.x (KRaft, combined broker+controller) run from Maven Central jars
# with `java`, no Docker. Used by `make kafka-up|kafka-down|kafka-clean`.
#
#   scripts/kafka.sh up      start (or reuse) the broker and wait until it answers metadata requests
#   scripts/kafka.sh down    SIGTERM, then SIGKILL after KAFKA_STOP_TIMEOUT; idempotent
#   scripts/kafka.sh clean   down, then delete the broker's data and logs (keeps the jars)
#   scripts/kafka.sh status  exit 0 when our broker runs and answers, 3 otherwise
#   scripts/kafka.sh pid     print the broker's pid (exit 3 if none), e.g. for `kill -9` in fault tests
#   scripts/kafka.sh fetch   only fetch the jars
#   scripts/kafka.sh with-broker CMD [ARG...]
#                            up, run CMD, then down, unless the broker was already running before
#
# Environment (all optional):
#   KAFKA_PORT               client listener on 127.0.0.1 (default 9092)
#   KAFKA_CONTROLLER_PORT    KRaft controller listener (default KAFKA_PORT+1)
#   KAFKA_DIR, KAFKA_LIB_DIR, JAVA_HOME   see scripts/kafka-env.sh
#   KAFKA_HEAP_OPTS          default "-Xms256m -Xmx1g" (the machine is shared with the tests)
#   KAFKA_OPTS               extra JVM flags
#   KAFKA_AUTO_CREATE_TOPICS default false, see server_properties below
#   KAFKA_RETENTION_MS       default 3600000 (1 h), see server_properties below
#   KAFKA_START_TIMEOUT      seconds to wait for the broker to answer (default 60)
#   KAFKA_STOP_TIMEOUT       seconds between SIGTERM and SIGKILL (default 30)
set -euo pipefail

# shellcheck source=scripts/kafka-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/kafka-env.sh"

KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 1))}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-60}"
KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
BOOTSTRAP="127.0.0.1:$KAFKA_PORT"
PROPS="$KAFKA_DIR/server.properties"
DATA_DIR="$KAFKA_DIR/data"
LOG_DIR="$KAFKA_DIR/logs"
PID_FILE="$KAFKA_DIR/kafka.pid"
NODE_ID=1

log() { echo "kafka: $*" >&2; }

# Serializes up/down/clean on one KAFKA_DIR, so two `make kafka-up` at once start one broker.
take_lock() {
  [[ -n "${state_lock:-}" ]] && return 0
  mkdir -p "$KAFKA_DIR"
  exec {state_lock}>"$KAFKA_DIR/.state.lock"
  flock "$state_lock"
}

# Released as soon as a command's change is made: a test run by with-broker may itself restart
# the broker (fault tests), and must not wait on our lock.
release_lock() {
  if [[ -n "${state_lock:-}" ]]; then
    exec {state_lock}>&-
    unset state_lock
  fi
}

# kcat (librdkafka's CLI) is how we ask the broker for metadata; Debian and Ubuntu package it.
ensure_kcat() {
  command -v kcat >/dev/null 2>&1 && return 0
  if [[ "$(id -u)" -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
    kafka_die "kcat not found: install it (Debian/Ubuntu: sudo apt-get install kcat)"
  fi
  log "installing kcat with apt-get"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q kcat >&2 ||
    { DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q kcat >&2; } ||
    kafka_die "apt-get could not install kcat"
}

# True when PID is a live JVM running kafka.Kafka with OUR server.properties: a pid file can outlive
# its process (SIGKILL, reboot) and the number can be reused by anything.
is_our_broker() {
  local pid="$1" cmdline
  [[ "$pid" =~ ^[0-9]+$ ]] && [[ -r "/proc/$pid/cmdline" ]] || return 1
  cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmdline" == *" kafka.Kafka $PROPS"* ]]
}

# True while PID runs; unlike `kill -0`, false for a zombie (a broker we started and that died is our
# unreaped child until this script exits).
is_alive() {
  local state
  state="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" || return 1
  [[ -n "$state" && "$state" != "Z" ]]
}

# Prints the pid of our broker, from the pid file or, if that was lost, by scanning /proc.
find_broker_pid() {
  local pid
  if [[ -f "$PID_FILE" ]]; then
    pid="$(cat "$PID_FILE")"
    if is_our_broker "$pid"; then
      echo "$pid"
      return 0
    fi
  fi
  for dir in /proc/[0-9]*; do
    pid="${dir#/proc/}"
    if is_our_broker "$pid"; then
      echo "$pid"
      return 0
    fi
  done
  return 1
}

# The broker answers a metadata request and lists itself (so it is registered and unfenced).
answers_metadata() {
  timeout 10 kcat -b "$BOOTSTRAP" -L -m 3 -q 2>/dev/null | grep -q " broker $NODE_ID at 127.0.0.1:$KAFKA_PORT"
}

port_listening() {
  [[ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]]
}

port_owner() {
  ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'users:.*' | head -1
}

# Waits until PID answers, failing early if it dies. Bounded by KAFKA_START_TIMEOUT.
wait_ready() {
  local pid="$1" deadline=$((SECONDS + KAFKA_START_TIMEOUT))
  while ((SECONDS < deadline)); do
    # Not is_our_broker: for a moment after the fork the command line is still setsid's.
    if ! is_alive "$pid"; then
      log "the broker (pid $pid) exited during start-up; last lines of its logs:"
      tail -n 30 "$LOG_DIR/kafka.out" "$LOG_DIR/server.log" >&2 2>/dev/null || true
      return 1
    fi
    if answers_metadata; then return 0; fi
    sleep 0.5
  done
  log "the broker (pid $pid) did not answer on $BOOTSTRAP within ${KAFKA_START_TIMEOUT}s; see $LOG_DIR/server.log"
  return 1
}

server_properties() {
  cat <<EOF
# Written by scripts/kafka.sh on every start; edit the script, not this file.
# Single-node KRaft: one process is both broker and controller (Kafka's config/server.properties).
process.roles=broker,controller
node.id=$NODE_ID
# A static voter set, so the data directory keeps working if the controller port changes.
controller.quorum.voters=$NODE_ID@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$DATA_DIR

# One broker: every internal topic must fit on it (the defaults of 3 would leave them uncreatable).
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1

# A benchmark creates its topics through the admin API with explicit partition counts; auto-creation
# would silently turn a misspelt existing topic into a new empty one with num.partitions=1.
auto.create.topics.enable=${KAFKA_AUTO_CREATE_TOPICS:-false}
num.partitions=1
# Consumer groups start balancing at once instead of waiting 3 s for more members (tests start faster).
group.initial.rebalance.delay.ms=0

# After a kill -9 the restarted broker cannot register until the controller has expired the old
# session (DUPLICATE_BROKER_REGISTRATION): 9 s by default, measured 13 s from kill to ready. Fault
# tests restart often; a heartbeat every second still leaves room for GC pauses on a busy machine.
broker.heartbeat.interval.ms=1000
broker.session.timeout.ms=4500

# A soak run on a workstation writes gigabytes an hour: keep one hour, in 128 MiB segments, so the
# disk does not fill (Kafka's default is 7 days in 1 GiB segments).
log.retention.ms=${KAFKA_RETENTION_MS:-3600000}
log.segment.bytes=134217728
log.retention.check.interval.ms=60000
EOF
}

cmd_up() {
  take_lock
  ensure_kcat
  kafka_fetch_jars
  local java pid
  java="$(kafka_java)"

  if pid="$(find_broker_pid)"; then
    log "reusing the running broker (pid $pid)"
    if wait_ready "$pid"; then
      echo "$pid" >"$PID_FILE"
      release_lock
      log "ready; bootstrap servers: $BOOTSTRAP"
      echo "$BOOTSTRAP"
      return 0
    fi
    # A broker killed a moment ago (a fault test's kill -9) may still have looked alive.
    is_alive "$pid" && kafka_die "pid $pid runs but does not answer; 'make kafka-down' stops it"
    log "it has exited; starting a new one"
  fi
  for port in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
    if port_listening "$port"; then
      kafka_die "port $port is taken by another process ($(port_owner "$port")), not by the broker of $KAFKA_DIR; stop it or set KAFKA_PORT"
    fi
  done

  mkdir -p "$DATA_DIR" "$LOG_DIR"
  server_properties >"$PROPS"
  if [[ ! -f "$DATA_DIR/meta.properties" ]]; then
    local cluster_id
    cluster_id="$("$java" -cp "$KAFKA_LIB_DIR/*" kafka.tools.StorageTool random-uuid 2>/dev/null)"
    log "formatting $DATA_DIR (cluster id $cluster_id)"
    "$java" -Dlog4j2.configurationFile="$KAFKA_REPO_ROOT/kafka/tools-log4j2.xml" -cp "$KAFKA_LIB_DIR/*" \
      kafka.tools.StorageTool format --config "$PROPS" --cluster-id "$cluster_id" --ignore-formatted \
      >"$LOG_DIR/format.log" 2>&1 || {
      cat "$LOG_DIR/format.log" >&2
      kafka_die "could not format $DATA_DIR"
    }
  fi

  # JVM flags as Kafka's bin/kafka-run-class.sh sets them, plus a capped GC log for soak diagnostics.
  # setsid: the broker must not receive the Ctrl-C or hang-up meant for `make`.
  # shellcheck disable=SC2086 # the *_OPTS variables are lists of flags, split on purpose
  setsid "$java" ${KAFKA_HEAP_OPTS:--Xms256m -Xmx1g} \
    -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
    -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true \
    "-Xlog:gc*:file=$LOG_DIR/gc.log:time,tags:filecount=5,filesize=20M" \
    -Dkafka.logs.dir="$LOG_DIR" -Dlog4j2.configurationFile="$KAFKA_REPO_ROOT/kafka/log4j2.xml" \
    ${KAFKA_OPTS:-} -cp "$KAFKA_LIB_DIR/*" kafka.Kafka "$PROPS" \
    >>"$LOG_DIR/kafka.out" 2>&1 </dev/null {state_lock}>&- &
  pid=$!
  echo "$pid" >"$PID_FILE"
  log "started the broker (pid $pid); log: $LOG_DIR/server.log (JVM output: $LOG_DIR/kafka.out)"
  local start=$SECONDS
  if ! wait_ready "$pid"; then
    kafka_die "the broker did not become ready; 'make kafka-down' stops what is left"
  fi
  release_lock
  log "ready in $((SECONDS - start)) s; bootstrap servers: $BOOTSTRAP"
  echo "$BOOTSTRAP"
}

# Polls every 0.2 s for up to $2 seconds until PID has exited.
wait_gone() {
  local pid="$1" polls=$(($2 * 5))
  while is_our_broker "$pid"; do
    ((polls-- > 0)) || return 1
    sleep 0.2
  done
}

cmd_down() {
  take_lock
  local pid
  if ! pid="$(find_broker_pid)"; then
    rm -f "$PID_FILE"
    release_lock
    log "no broker of $KAFKA_DIR is running"
    return 0
  fi
  log "stopping the broker (pid $pid)"
  local start=$SECONDS
  kill -TERM "$pid" 2>/dev/null || true
  wait_gone "$pid" "$KAFKA_STOP_TIMEOUT" || {
    log "still running after ${KAFKA_STOP_TIMEOUT}s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    wait_gone "$pid" 10 || kafka_die "pid $pid survived SIGKILL"
  }
  rm -f "$PID_FILE"
  release_lock
  log "stopped in $((SECONDS - start)) s"
}

cmd_clean() {
  take_lock
  cmd_down
  take_lock
  # Someone may have started it again between down and the lock.
  find_broker_pid >/dev/null && kafka_die "the broker was started again meanwhile; not removing its data"
  log "removing $DATA_DIR and $LOG_DIR"
  rm -rf "$DATA_DIR" "$LOG_DIR" "$PROPS"
  release_lock
}

cmd_status() {
  local pid
  if pid="$(find_broker_pid)" && answers_metadata; then
    echo "running (pid $pid) on $BOOTSTRAP; log: $LOG_DIR/server.log"
    return 0
  fi
  echo "not running on $BOOTSTRAP (KAFKA_DIR=$KAFKA_DIR)"
  return 3
}

cmd_with_broker() {
  (($# > 0)) || kafka_die "usage: $0 with-broker CMD [ARG...]"
  if find_broker_pid >/dev/null && answers_metadata; then
    log "using the broker that was already running; leaving it running"
    "$@"
    return
  fi
  # Stop what we start however this ends (a failed start included), also on Ctrl-C or SIGTERM: bash
  # runs the EXIT trap once the foreground CMD has returned.
  trap 'cmd_down' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  cmd_up >/dev/null
  local rc=0
  "$@" || rc=$?
  return "$rc"
}

cmd_pid() {
  find_broker_pid || {
    echo "no broker of $KAFKA_DIR is running" >&2
    return 3
  }
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  clean) cmd_clean ;;
  status) cmd_status ;;
  pid) cmd_pid ;;
  fetch) kafka_fetch_jars ;;
  with-broker)
    shift
    cmd_with_broker "$@"
    ;;
  *)
    echo "usage: $0 up|down|clean|status|pid|fetch|with-broker CMD..." >&2
    exit 2
    ;;
esac

#!/usr/bin/env bash
# A local Apache Kafka 4.x (KRaft, combined broker+controller nodes) of 1 or more brokers, run from Maven
# Central jars with `java`, no Docker. Used by `make kafka-up|kafka-down|kafka-clean`.
#
#   scripts/kafka.sh up      start (or reuse) the broker(s) and wait until each answers metadata requests
#   scripts/kafka.sh down    SIGTERM every broker of KAFKA_DIR, then SIGKILL after KAFKA_STOP_TIMEOUT; idempotent
#   scripts/kafka.sh clean   down, then delete the brokers' data, logs, certificates and passwords (keeps the jars)
#   scripts/kafka.sh status  exit 0 when every broker runs and answers, 3 otherwise
#   scripts/kafka.sh pid [N] print broker N's pid (default 1; exit 3 if none), e.g. for `kill -9` in fault tests
#   scripts/kafka.sh stop-broker N    stop broker N (1..KAFKA_BROKERS) cleanly: SIGTERM, as `down` does
#   scripts/kafka.sh start-broker N   start broker N again on its data and wait until it answers
#   scripts/kafka.sh fetch   only fetch the jars
#   scripts/kafka.sh with-broker CMD [ARG...]
#                            up, run CMD, then down, unless the broker(s) already ran before
#
# Ports (all on 127.0.0.1), broker N = 1..KAFKA_BROKERS:
#   client listener       KAFKA_PORT + N - 1             (9092, 9093, 9094 with the defaults)
#   controller listener   KAFKA_CONTROLLER_PORT + N - 1  (default KAFKA_PORT+1 for one broker, as
#                         before; KAFKA_PORT+10000 for several, since KAFKA_PORT+1.. are client ports)
#
# Layout: one broker keeps its files in KAFKA_DIR itself (server.properties, data/, logs/, kafka.pid);
# several keep them in KAFKA_DIR/node-N/. KAFKA_DIR/cluster.env records the cluster that `up` started
# (size, security, ports, retention, auto-creation, heap and JVM flags, jars), and the other commands act
# on that cluster whatever the environment says then.
#
# Environment (all optional):
#   KAFKA_BROKERS            number of brokers (default 1); each is also a KRaft voter
#   KAFKA_SECURITY           plaintext (default) or sasl_ssl: SASL_SSL with SCRAM-SHA-512 on the client
#                            and inter-broker listeners; CA in KAFKA_DIR/tls/ca.pem, user `soakbench`
#                            with its password in KAFKA_DIR/secrets/soakbench.password (scripts/kafka-tls.sh)
#   KAFKA_PORT               first client port (default 9092)
#   KAFKA_CONTROLLER_PORT    first controller port (see Ports)
#   KAFKA_DIR, KAFKA_LIB_DIR, JAVA_HOME   see scripts/kafka-env.sh
#   KAFKA_HEAP_OPTS          default "-Xms256m -Xmx1g" for one broker, "-Xms128m -Xmx512m" each for several
#   KAFKA_OPTS               extra JVM flags
#   KAFKA_AUTO_CREATE_TOPICS default false, see server_properties below
#   KAFKA_RETENTION_MS       default 3600000 (1 h), see server_properties below
#   KAFKA_START_TIMEOUT      seconds to wait for the broker(s) to answer (default 60, 120 for several)
#   KAFKA_STOP_TIMEOUT       seconds between SIGTERM and SIGKILL (default 30)
set -euo pipefail

# shellcheck source=scripts/kafka-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/kafka-env.sh"

# shellcheck source=scripts/kafka-tls.sh
source "$(dirname "${BASH_SOURCE[0]}")/kafka-tls.sh"

CLUSTER_ENV="$KAFKA_DIR/cluster.env"
# Every command but `up` acts on the cluster `up` started (its size, ports and security).
if [[ "${1:-}" != "up" && "${1:-}" != "with-broker" && -f "$CLUSTER_ENV" ]]; then
  # shellcheck disable=SC1090 # written by write_cluster_env below
  source "$CLUSTER_ENV"
fi
KAFKA_BROKERS="${KAFKA_BROKERS:-1}"
KAFKA_SECURITY="${KAFKA_SECURITY:-plaintext}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
[[ "$KAFKA_BROKERS" =~ ^[1-9][0-9]*$ ]] || kafka_die "KAFKA_BROKERS must be a positive integer, got '$KAFKA_BROKERS'"
[[ "$KAFKA_SECURITY" == plaintext || "$KAFKA_SECURITY" == sasl_ssl ]] ||
  kafka_die "KAFKA_SECURITY must be plaintext or sasl_ssl, got '$KAFKA_SECURITY'"
if ((KAFKA_BROKERS == 1)); then
  KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 1))}"
  KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-60}"
  KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx1g}"
else
  KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 10000))}"
  KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-120}"
  # Three JVMs share the machine with the tests: at most 512 MiB of heap each.
  KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms128m -Xmx512m}"
fi
((KAFKA_CONTROLLER_PORT + KAFKA_BROKERS <= 65536)) ||
  kafka_die "controller ports from $KAFKA_CONTROLLER_PORT do not fit below 65536; set KAFKA_CONTROLLER_PORT"
KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
BOOTSTRAP="127.0.0.1:$KAFKA_PORT"
CLIENT_PROPS="$KAFKA_DIR/secrets/client.properties"

# Sets the per-broker globals (NODE_ID, ports, files) to broker $1.
select_node() {
  NODE_ID="$1"
  NODE_PORT=$((KAFKA_PORT + NODE_ID - 1))
  NODE_CONTROLLER_PORT=$((KAFKA_CONTROLLER_PORT + NODE_ID - 1))
  if ((KAFKA_BROKERS == 1)); then NODE_DIR="$KAFKA_DIR"; else NODE_DIR="$KAFKA_DIR/node-$NODE_ID"; fi
  PROPS="$NODE_DIR/server.properties"
  DATA_DIR="$NODE_DIR/data"
  LOG_DIR="$NODE_DIR/logs"
  PID_FILE="$NODE_DIR/kafka.pid"
}
select_node 1

# Every server.properties a broker of this KAFKA_DIR may run with, whatever the cluster size.
all_props() {
  echo "$KAFKA_DIR/server.properties"
  local dir
  for dir in "$KAFKA_DIR"/node-*; do
    [[ -d "$dir" ]] && echo "$dir/server.properties"
  done
  return 0
}

write_cluster_env() {
  # The settings a restarted broker must get again: start-broker rewrites server.properties and relaunches
  # the JVM from them (a broker restarted without them came back with 1-hour retention and no jars).
  printf '%s\n' "# Written by scripts/kafka.sh up: the cluster of this directory." \
    "KAFKA_BROKERS=$KAFKA_BROKERS" "KAFKA_SECURITY=$KAFKA_SECURITY" "KAFKA_PORT=$KAFKA_PORT" \
    "KAFKA_CONTROLLER_PORT=$KAFKA_CONTROLLER_PORT" \
    "KAFKA_RETENTION_MS=$(printf %q "${KAFKA_RETENTION_MS:-3600000}")" \
    "KAFKA_AUTO_CREATE_TOPICS=$(printf %q "${KAFKA_AUTO_CREATE_TOPICS:-false}")" \
    "KAFKA_HEAP_OPTS=$(printf %q "$KAFKA_HEAP_OPTS")" "KAFKA_OPTS=$(printf %q "${KAFKA_OPTS:-}")" \
    "KAFKA_LIB_DIR=$(printf %q "$KAFKA_LIB_DIR")" >"$CLUSTER_ENV"
}

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

# True when PID is a live JVM running kafka.Kafka with the server.properties $2 (default: the selected
# broker's): a pid file can outlive its process (SIGKILL, reboot) and the number can be reused by anything.
is_our_broker() {
  local pid="$1" props="${2:-$PROPS}" cmdline
  [[ "$pid" =~ ^[0-9]+$ ]] && [[ -r "/proc/$pid/cmdline" ]] || return 1
  cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmdline" == *" kafka.Kafka $props "* ]]
}

# True while PID runs; unlike `kill -0`, false for a zombie (a broker we started and that died is our
# unreaped child until this script exits).
is_alive() {
  local state
  state="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" || return 1
  [[ -n "$state" && "$state" != "Z" ]]
}

# Prints the pid of the broker running with server.properties $1 (default: the selected broker's), from
# its pid file or, if that was lost, by scanning /proc.
find_pid_of() {
  local props="${1:-$PROPS}" pid pid_file
  pid_file="$(dirname "$props")/kafka.pid"
  if [[ -f "$pid_file" ]]; then
    pid="$(cat "$pid_file")"
    if is_our_broker "$pid" "$props"; then
      echo "$pid"
      return 0
    fi
  fi
  # pgrep reads every command line in one process (a loop of `tr` per process took seconds on a loaded
  # machine, and a cluster looks for several brokers); each candidate is checked as above.
  local pattern
  pattern="kafka[.]Kafka $(printf '%s' "$props" | sed 's/[][\.*^$+?(){}|]/\\&/g')( |$)"
  for pid in $(pgrep -f -- "$pattern" 2>/dev/null); do
    if is_our_broker "$pid" "$props"; then
      echo "$pid"
      return 0
    fi
  done
  return 1
}

find_broker_pid() { find_pid_of "$PROPS"; }

# Prints "PID PROPS" for every running broker of this KAFKA_DIR (any cluster size).
running_brokers() {
  local props pid
  while read -r props; do
    if pid="$(find_pid_of "$props")"; then echo "$pid $props"; fi
  done < <(all_props)
  return 0
}

# The selected broker answers a metadata request and lists itself (so it is registered and unfenced).
# Secured, Kafka's own client asks (see kafka_tls_generate on kcat and SCRAM): slower, a JVM per check.
answers_metadata() {
  if [[ "$KAFKA_SECURITY" == sasl_ssl ]]; then
    timeout 20 "$(kafka_java)" -Xmx128m -XX:TieredStopAtLevel=1 \
      -Dlog4j2.configurationFile="$KAFKA_REPO_ROOT/kafka/tools-log4j2.xml" -cp "$KAFKA_LIB_DIR/*" \
      org.apache.kafka.tools.BrokerApiVersionsCommand --bootstrap-server "127.0.0.1:$NODE_PORT" \
      --command-config "$CLIENT_PROPS" 2>/dev/null | grep -q "^127.0.0.1:$NODE_PORT (id: $NODE_ID "
    return
  fi
  timeout 10 kcat -b "127.0.0.1:$NODE_PORT" -L -m 3 -q 2>/dev/null | grep -q " broker $NODE_ID at 127.0.0.1:$NODE_PORT"
}

all_answer() {
  local n
  for ((n = 1; n <= KAFKA_BROKERS; n++)); do
    select_node "$n"
    answers_metadata || return 1
  done
}

port_listening() {
  [[ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]]
}

port_owner() {
  ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'users:.*' | head -1
}

# Waits until the selected broker (pid $1) answers, failing early if it dies. Bounded by $2 seconds.
wait_ready() {
  local pid="$1" deadline=$((SECONDS + ${2:-$KAFKA_START_TIMEOUT}))
  while ((SECONDS < deadline)); do
    # Not is_our_broker: for a moment after the fork the command line is still setsid's.
    if ! is_alive "$pid"; then
      log "broker $NODE_ID (pid $pid) exited during start-up; last lines of its logs:"
      tail -n 30 "$LOG_DIR/kafka.out" "$LOG_DIR/server.log" >&2 2>/dev/null || true
      return 1
    fi
    if answers_metadata; then return 0; fi
    sleep 0.5
  done
  log "broker $NODE_ID (pid $pid) did not answer on 127.0.0.1:$NODE_PORT within ${KAFKA_START_TIMEOUT}s; see $LOG_DIR/server.log"
  return 1
}

quorum_voters() {
  local n voters=""
  for ((n = 1; n <= KAFKA_BROKERS; n++)); do
    voters+="${voters:+,}$n@127.0.0.1:$((KAFKA_CONTROLLER_PORT + n - 1))"
  done
  echo "$voters"
}

# Replication of the internal topics and the default for new topics: every broker holds a replica
# (up to 3), and with 3 or more a write needs 2 of them, so one broker may be down (a rolling restart).
replication_properties() {
  local rf=$((KAFKA_BROKERS < 3 ? KAFKA_BROKERS : 3)) isr=1
  ((rf >= 3)) && isr=2
  cat <<EOP
default.replication.factor=$rf
min.insync.replicas=$isr
offsets.topic.replication.factor=$rf
transaction.state.log.replication.factor=$rf
transaction.state.log.min.isr=$isr
share.coordinator.state.topic.replication.factor=$rf
share.coordinator.state.topic.min.isr=$isr
EOP
}

listener_properties() {
  if [[ "$KAFKA_SECURITY" == sasl_ssl ]]; then
    kafka_sasl_ssl_properties "$NODE_PORT" "$NODE_CONTROLLER_PORT"
    return
  fi
  cat <<EOP
listeners=PLAINTEXT://127.0.0.1:$NODE_PORT,CONTROLLER://127.0.0.1:$NODE_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$NODE_PORT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
EOP
}

server_properties() {
  cat <<EOP
# Written by scripts/kafka.sh on every start; edit the script, not this file.
# KRaft, $KAFKA_BROKERS node(s): each process is both broker and controller (Kafka's config/server.properties).
process.roles=broker,controller
node.id=$NODE_ID
# A static voter set, so the data directory keeps working if the controller ports change.
controller.quorum.voters=$(quorum_voters)
$(listener_properties)
log.dirs=$DATA_DIR

# With one broker every internal topic must fit on it (the defaults of 3 would leave them uncreatable).
$(replication_properties)

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
EOP
}

# Writes the selected broker's server.properties and formats its data directory unless done before.
prepare_node() {
  local java="$1" cluster_id="$2"
  mkdir -p "$DATA_DIR" "$LOG_DIR"
  (
    umask 077 # it holds the inter-broker password when secured
    server_properties >"$PROPS"
  )
  if [[ -f "$DATA_DIR/meta.properties" ]]; then
    local formatted
    formatted="$(cat "$NODE_DIR/security" 2>/dev/null || echo plaintext)"
    [[ "$formatted" == "$KAFKA_SECURITY" ]] ||
      kafka_die "$DATA_DIR was formatted for KAFKA_SECURITY=$formatted, not $KAFKA_SECURITY; 'make kafka-clean' first (or set KAFKA_SECURITY=$formatted)"
    return 0
  fi
  local -a SCRAM_FORMAT_ARGS=()
  [[ "$KAFKA_SECURITY" == sasl_ssl ]] && kafka_scram_format_args
  log "formatting $DATA_DIR (cluster id $cluster_id)"
  "$java" -Dlog4j2.configurationFile="$KAFKA_REPO_ROOT/kafka/tools-log4j2.xml" -cp "$KAFKA_LIB_DIR/*" \
    kafka.tools.StorageTool format --config "$PROPS" --cluster-id "$cluster_id" --ignore-formatted \
    "${SCRAM_FORMAT_ARGS[@]}" >"$LOG_DIR/format.log" 2>&1 || {
    cat "$LOG_DIR/format.log" >&2
    kafka_die "could not format $DATA_DIR"
  }
  echo "$KAFKA_SECURITY" >"$NODE_DIR/security"
}

# Starts the selected broker's JVM in the background; prints its pid.
launch_node() {
  local java="$1" pid
  # JVM flags as Kafka's bin/kafka-run-class.sh sets them, plus a capped GC log for soak diagnostics.
  # setsid: the broker must not receive the Ctrl-C or hang-up meant for `make`.
  # shellcheck disable=SC2086 # the *_OPTS variables are lists of flags, split on purpose
  setsid "$java" $KAFKA_HEAP_OPTS \
    -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
    -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true \
    "-Xlog:gc*:file=$LOG_DIR/gc.log:time,tags:filecount=5,filesize=20M" \
    -Dkafka.logs.dir="$LOG_DIR" -Dlog4j2.configurationFile="$KAFKA_REPO_ROOT/kafka/log4j2.xml" \
    ${KAFKA_OPTS:-} -cp "$KAFKA_LIB_DIR/*" kafka.Kafka "$PROPS" \
    >>"$LOG_DIR/kafka.out" 2>&1 </dev/null {state_lock}>&- &
  pid=$!
  echo "$pid" >"$PID_FILE"
  log "started broker $NODE_ID (pid $pid) on 127.0.0.1:$NODE_PORT; log: $LOG_DIR/server.log (JVM output: $LOG_DIR/kafka.out)"
  echo "$pid"
}

# The cluster id of an already formatted broker of this cluster, or a new one.
cluster_id_for() {
  local java="$1" n meta
  for ((n = 1; n <= KAFKA_BROKERS; n++)); do
    select_node "$n"
    meta="$DATA_DIR/meta.properties"
    if [[ -f "$meta" ]]; then
      sed -n 's/^cluster.id=//p' "$meta"
      return 0
    fi
  done
  "$java" -cp "$KAFKA_LIB_DIR/*" kafka.tools.StorageTool random-uuid 2>/dev/null
}

cmd_up() {
  take_lock
  ensure_kcat
  kafka_fetch_jars
  local java n pid props
  java="$(kafka_java)"

  # A cluster of another size from this KAFKA_DIR would hold our ports or a stale quorum.
  local -a want=()
  for ((n = 1; n <= KAFKA_BROKERS; n++)); do
    select_node "$n"
    want+=("$PROPS")
  done
  while read -r pid props; do
    [[ " ${want[*]} " == *" $props "* ]] ||
      kafka_die "a broker of another cluster size runs from $KAFKA_DIR (pid $pid, $props); 'make kafka-down' first"
  done < <(running_brokers)
  if [[ -f "$CLUSTER_ENV" ]] && [[ -n "$(running_brokers)" ]]; then
    local was
    was="$(sed -n 's/^KAFKA_SECURITY=//p' "$CLUSTER_ENV")"
    [[ "$was" == "$KAFKA_SECURITY" ]] ||
      kafka_die "the running cluster of $KAFKA_DIR uses KAFKA_SECURITY=$was, not $KAFKA_SECURITY; 'make kafka-down' first"
  fi
  [[ "$KAFKA_SECURITY" == sasl_ssl ]] && kafka_tls_generate
  write_cluster_env

  local -a started=()
  local cluster_id=""
  for ((n = 1; n <= KAFKA_BROKERS; n++)); do
    select_node "$n"
    if pid="$(find_broker_pid)"; then
      log "reusing the running broker $n (pid $pid)"
      continue
    fi
    for port in "$NODE_PORT" "$NODE_CONTROLLER_PORT"; do
      if port_listening "$port"; then
        kafka_die "port $port is taken by another process ($(port_owner "$port")), not by a broker of $KAFKA_DIR; stop it or set KAFKA_PORT"
      fi
    done
    [[ -n "$cluster_id" ]] || cluster_id="$(cluster_id_for "$java")"
    select_node "$n"
    prepare_node "$java" "$cluster_id"
    pid="$(launch_node "$java")"
    started+=("$n")
  done

  # All are started before any is waited for: a quorum of several needs a majority of voters up.
  local start=$SECONDS
  for ((n = 1; n <= KAFKA_BROKERS; n++)); do
    select_node "$n"
    pid="$(find_broker_pid || cat "$PID_FILE")"
    if wait_ready "$pid"; then continue; fi
    # A broker killed a moment ago (a fault test's kill -9) may have looked alive and been reused.
    if [[ " ${started[*]} " != *" $n "* ]] && ! is_alive "$pid"; then
      log "broker $n (pid $pid) has exited; starting a new one"
      prepare_node "$java" "$(cluster_id_for "$java")"
      select_node "$n"
      pid="$(launch_node "$java")"
      wait_ready "$pid" && continue
    fi
    kafka_die "broker $n did not become ready; 'make kafka-down' stops what is left"
  done
  release_lock
  if ((${#started[@]} > 0)); then
    log "ready in $((SECONDS - start)) s; bootstrap servers: $(bootstrap_list)"
  else
    log "ready; bootstrap servers: $(bootstrap_list)"
  fi
  echo "$BOOTSTRAP"
}

bootstrap_list() {
  local n list=""
  for ((n = 1; n <= KAFKA_BROKERS; n++)); do list+="${list:+,}127.0.0.1:$((KAFKA_PORT + n - 1))"; done
  echo "$list ($KAFKA_SECURITY)"
}

# Polls every 0.2 s for up to $3 seconds until PID (running with props $2) has exited.
wait_gone() {
  local pid="$1" props="$2" polls=$(($3 * 5))
  while is_our_broker "$pid" "$props"; do
    ((polls-- > 0)) || return 1
    sleep 0.2
  done
}

# SIGTERM (a controlled shutdown: the broker hands its leaderships over), SIGKILL after the timeout.
stop_pid() {
  local pid="$1" props="$2" start=$SECONDS
  log "stopping the broker of $props (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  wait_gone "$pid" "$props" "$KAFKA_STOP_TIMEOUT" || {
    log "still running after ${KAFKA_STOP_TIMEOUT}s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    wait_gone "$pid" "$props" 10 || kafka_die "pid $pid survived SIGKILL"
  }
  rm -f "$(dirname "$props")/kafka.pid"
  log "stopped pid $pid in $((SECONDS - start)) s"
}

cmd_down() {
  take_lock
  local -a pids=() props=()
  local pid p
  while read -r pid p; do
    pids+=("$pid")
    props+=("$p")
  done < <(running_brokers)
  if ((${#pids[@]} == 0)); then
    release_lock
    log "no broker of $KAFKA_DIR is running"
    return 0
  fi
  # All at once: stopped one by one, the last ones would wait for a quorum that is already gone.
  local i
  for i in "${!pids[@]}"; do kill -TERM "${pids[$i]}" 2>/dev/null || true; done
  for i in "${!pids[@]}"; do stop_pid "${pids[$i]}" "${props[$i]}"; done
  release_lock
}

cmd_clean() {
  take_lock
  cmd_down
  take_lock
  # Someone may have started it again between down and the lock.
  [[ -z "$(running_brokers)" ]] || kafka_die "a broker was started again meanwhile; not removing its data"
  log "removing the data, logs, certificates and passwords of $KAFKA_DIR"
  rm -rf "$KAFKA_DIR/data" "$KAFKA_DIR/logs" "$KAFKA_DIR/server.properties" "$KAFKA_DIR/security" \
    "$KAFKA_DIR"/node-* "$KAFKA_DIR/tls" "$KAFKA_DIR/secrets" "$CLUSTER_ENV"
  release_lock
}

cmd_status() {
  local n pid rc=0
  for ((n = 1; n <= KAFKA_BROKERS; n++)); do
    select_node "$n"
    if pid="$(find_broker_pid)" && answers_metadata; then
      echo "broker $n running (pid $pid) on 127.0.0.1:$NODE_PORT ($KAFKA_SECURITY); log: $LOG_DIR/server.log"
    else
      echo "broker $n not running on 127.0.0.1:$NODE_PORT (KAFKA_DIR=$KAFKA_DIR)"
      rc=3
    fi
  done
  return "$rc"
}

cmd_with_broker() {
  (($# > 0)) || kafka_die "usage: $0 with-broker CMD [ARG...]"
  if [[ -n "$(running_brokers)" ]] && all_answer; then
    log "using the broker(s) that were already running; leaving them running"
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

# Checks N of `pid N`, `stop-broker N`, `start-broker N` and selects that broker.
select_arg_node() {
  local n="${1:-}"
  [[ "$n" =~ ^[0-9]+$ ]] && ((n >= 1 && n <= KAFKA_BROKERS)) ||
    kafka_die "broker number must be 1..$KAFKA_BROKERS (the cluster of $KAFKA_DIR), got '${n}'"
  select_node "$n"
}

cmd_pid() {
  select_arg_node "${1:-1}"
  find_broker_pid || {
    echo "broker $NODE_ID of $KAFKA_DIR is not running" >&2
    return 3
  }
}

cmd_stop_broker() {
  select_arg_node "${1:-}"
  take_lock
  local pid
  if ! pid="$(find_broker_pid)"; then
    release_lock
    log "broker $NODE_ID of $KAFKA_DIR is not running"
    return 0
  fi
  stop_pid "$pid" "$PROPS"
  release_lock
}

cmd_start_broker() {
  select_arg_node "${1:-}"
  take_lock
  local java pid
  [[ -f "$DATA_DIR/meta.properties" ]] || kafka_die "broker $NODE_ID has no data in $DATA_DIR; 'make kafka-up' first"
  if pid="$(find_broker_pid)"; then
    log "broker $NODE_ID already runs (pid $pid)"
  else
    for port in "$NODE_PORT" "$NODE_CONTROLLER_PORT"; do
      port_listening "$port" && kafka_die "port $port is taken by another process ($(port_owner "$port"))"
    done
    # Without the jars the JVM only says "Could not find or load main class kafka.Kafka".
    compgen -G "$KAFKA_LIB_DIR/*.jar" >/dev/null ||
      kafka_die "no Kafka jars in $KAFKA_LIB_DIR (where 'up' found them, recorded in $CLUSTER_ENV): fetch them there with 'KAFKA_DIR=$KAFKA_DIR $0 fetch'"
    java="$(kafka_java)"
    prepare_node "$java" unused
    pid="$(launch_node "$java")"
  fi
  local start=$SECONDS
  wait_ready "$pid" || kafka_die "broker $NODE_ID did not become ready"
  release_lock
  log "broker $NODE_ID ready in $((SECONDS - start)) s on 127.0.0.1:$NODE_PORT"
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  clean) cmd_clean ;;
  status) cmd_status ;;
  pid) cmd_pid "${2:-1}" ;;
  stop-broker) cmd_stop_broker "${2:-}" ;;
  start-broker) cmd_start_broker "${2:-}" ;;
  fetch) kafka_fetch_jars ;;
  with-broker)
    shift
    cmd_with_broker "$@"
    ;;
  *)
    echo "usage: $0 up|down|clean|status|pid [N]|stop-broker N|start-broker N|fetch|with-broker CMD..." >&2
    exit 2
    ;;
esac

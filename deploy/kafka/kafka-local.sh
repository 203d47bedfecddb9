#!/usr/bin/env bash
# A real Apache Kafka (KRaft, combined broker+controller nodes) on loopback, for the demo and the tests.
#
#   kafka-local.sh start [--nodes 1|3] [--port P] [--controller-port P] [--data-dir D]
#   kafka-local.sh stop | status | logs [NODE] | bootstrap
#   kafka-local.sh tool MAIN_CLASS [ARGS...]   run a Kafka CLI class (e.g. org.apache.kafka.tools.TransactionsCommand)
#
# The jars come from Maven Central through deploy/kafka/pom.xml and are cached in
# ~/.cache/txform/kafka-<version>/. Node i listens on PORT+i-1 (clients) and CONTROLLER_PORT+i-1 (quorum).
# Every setting also reads an environment variable, so tests can run their own cluster on free ports:
#   TXFORM_KAFKA_NODES, TXFORM_KAFKA_PORT, TXFORM_KAFKA_CONTROLLER_PORT, TXFORM_KAFKA_DATA_DIR,
#   TXFORM_KAFKA_HEAP (default 512m per node), TXFORM_KAFKA_START_TIMEOUT (seconds, default 120).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
kafka_version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/pom.xml")
cache_dir="${XDG_CACHE_HOME:-$HOME/.cache}/txform/kafka-$kafka_version"
libs="$cache_dir/libs"

nodes=${TXFORM_KAFKA_NODES:-1}
port=${TXFORM_KAFKA_PORT:-9092}
controller_port=${TXFORM_KAFKA_CONTROLLER_PORT:-}
data_dir=${TXFORM_KAFKA_DATA_DIR:-/tmp/txform-kafka}
heap=${TXFORM_KAFKA_HEAP:-512m}
start_timeout=${TXFORM_KAFKA_START_TIMEOUT:-120}

die() { echo "kafka-local: $*" >&2; exit 1; }
log() { echo "kafka-local: $*"; }

# Fetches the broker, tools and log4j2 jars once; the marker file makes a half-finished fetch retry.
ensure_jars() {
  [ -f "$libs/.complete" ] && return 0
  command -v mvn >/dev/null || die "maven is not installed (run deploy/install-deps.sh)"
  log "fetching Apache Kafka $kafka_version from Maven Central into $libs"
  rm -rf "$libs"
  mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$libs" >"$cache_dir.mvn.log" 2>&1 ||
    { tail -n 30 "$cache_dir.mvn.log" >&2; die "maven could not fetch the Kafka jars (log: $cache_dir.mvn.log)"; }
  touch "$libs/.complete"
}

java_cmd() { java -cp "$libs/*" "$@"; }

node_dir() { echo "$data_dir/node-$1"; }
pid_of() { local f; f="$(node_dir "$1")/kafka.pid"; [ -f "$f" ] && cat "$f"; }
is_running() { local pid; pid=$(pid_of "$1") && kill -0 "$pid" 2>/dev/null; }

# The cluster's shape is saved at start so stop/status/logs need no flags.
load_cluster() {
  [ -f "$data_dir/cluster.env" ] || die "no cluster in $data_dir (start it first)"
  # shellcheck source=/dev/null
  . "$data_dir/cluster.env"
}

bootstrap_servers() {
  local i list=""
  for ((i = 1; i <= nodes; i++)); do list+="${list:+,}127.0.0.1:$((port + i - 1))"; done
  echo "$list"
}

write_node_config() {
  local id=$1 dir rf isr voters="" i
  dir=$(node_dir "$id")
  for ((i = 1; i <= nodes; i++)); do voters+="${voters:+,}$i@127.0.0.1:$((controller_port + i - 1))"; done
  # One node can only hold one replica; three nodes keep every internal topic on all of them and
  # refuse writes that fewer than two replicas acknowledged.
  if [ "$nodes" -ge 3 ]; then rf=3 isr=2; else rf=1 isr=1; fi
  mkdir -p "$dir/data"
  cat >"$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=$id
controller.quorum.voters=$voters
listeners=PLAINTEXT://127.0.0.1:$((port + id - 1)),CONTROLLER://127.0.0.1:$((controller_port + id - 1))
advertised.listeners=PLAINTEXT://127.0.0.1:$((port + id - 1))
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$dir/data
offsets.topic.replication.factor=$rf
transaction.state.log.replication.factor=$rf
transaction.state.log.min.isr=$isr
min.insync.replicas=$isr
default.replication.factor=$rf
# Fewer internal partitions than the default 50 keep first use fast on small machines.
offsets.topic.num.partitions=10
transaction.state.log.num.partitions=10
# Tests join groups constantly; the 3 s default delay would only slow them down.
group.initial.rebalance.delay.ms=0
# KIP-848 groups keep Kafka's defaults (45 s session, 5 s heartbeat); these lower bounds only let
# a test's group choose short ones (kafka-configs --entity-type groups, as the chaos harness does).
group.consumer.min.session.timeout.ms=3000
group.consumer.min.heartbeat.interval.ms=500
num.partitions=1
auto.create.topics.enable=false
PROPS
  cat >"$dir/log4j2.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<Configuration status="warn">
  <Appenders>
    <File name="file" fileName="$dir/server.log">
      <PatternLayout pattern="[%d] %p %m (%c)%n"/>
    </File>
  </Appenders>
  <Loggers>
    <Root level="info"><AppenderRef ref="file"/></Root>
    <Logger name="kafka.request.logger" level="warn"/>
    <Logger name="org.apache.kafka.controller" level="info"/>
  </Loggers>
</Configuration>
XML
}

start_node() {
  local id=$1 dir
  dir=$(node_dir "$id")
  if is_running "$id"; then log "node $id already running (pid $(pid_of "$id"))"; return 0; fi
  write_node_config "$id"
  if [ ! -f "$dir/data/meta.properties" ]; then
    java_cmd -Dlog4j2.configurationFile="$dir/log4j2.xml" kafka.tools.StorageTool format \
      --cluster-id "$cluster_id" --config "$dir/server.properties" >"$dir/format.log" 2>&1 ||
      { cat "$dir/format.log" >&2; die "formatting node $id storage failed"; }
  fi
  # setsid: the broker must not die with the shell that started it, nor take its signals.
  setsid java -Xms128m -Xmx"$heap" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$dir/log4j2.xml" -cp "$libs/*" \
    kafka.Kafka "$dir/server.properties" >"$dir/stdout.log" 2>&1 </dev/null &
  echo $! >"$dir/kafka.pid"
  log "node $id starting (pid $!, client port $((port + id - 1)), controller port $((controller_port + id - 1)))"
}

# Ready means: every node answers a metadata request that lists all nodes, so a client pointed at
# any one of them sees the whole cluster.
wait_ready() {
  local deadline=$((SECONDS + start_timeout)) i seen ready
  while ((SECONDS < deadline)); do
    ready=0
    for ((i = 1; i <= nodes; i++)); do
      is_running "$i" || { show_tail "$i"; die "node $i exited during start (log above: $(node_dir "$i")/server.log)"; }
      seen=$(kcat -L -b "127.0.0.1:$((port + i - 1))" -m 3 2>/dev/null | sed -n 's/^ *\([0-9]*\) brokers:$/\1/p' || true)
      if [ "${seen:-0}" -eq "$nodes" ]; then ready=$((ready + 1)); fi
    done
    if [ "$ready" -eq "$nodes" ]; then
      log "ready: $nodes node(s), bootstrap $(bootstrap_servers)"
      return 0
    fi
    sleep 1
  done
  for ((i = 1; i <= nodes; i++)); do show_tail "$i"; done
  die "cluster not ready after ${start_timeout}s ($ready of $nodes nodes list all brokers)"
}

show_tail() { echo "---- node $1: tail of $(node_dir "$1")/server.log" >&2; tail -n 25 "$(node_dir "$1")/server.log" 2>/dev/null >&2 || true; tail -n 5 "$(node_dir "$1")/stdout.log" 2>/dev/null >&2 || true; }

cmd_start() {
  while [ $# -gt 0 ]; do
    case "$1" in
      --nodes) nodes=$2; shift 2 ;;
      --port) port=$2; shift 2 ;;
      --controller-port) controller_port=$2; shift 2 ;;
      --data-dir) data_dir=$2; shift 2 ;;
      *) die "start: unknown option '$1'" ;;
    esac
  done
  case "$nodes" in 1 | 3) ;; *) die "--nodes must be 1 or 3, got '$nodes'" ;; esac
  controller_port=${controller_port:-$((port + 100))}
  command -v java >/dev/null || die "java is not installed (run deploy/install-deps.sh)"
  command -v kcat >/dev/null || die "kcat is not installed (run deploy/install-deps.sh)"
  mkdir -p "$data_dir" "$cache_dir"
  ensure_jars
  if [ -f "$data_dir/cluster.env" ]; then
    local want_nodes=$nodes want_port=$port want_cport=$controller_port
    # shellcheck source=/dev/null
    . "$data_dir/cluster.env"
    [ "$nodes" = "$want_nodes" ] && [ "$port" = "$want_port" ] && [ "$controller_port" = "$want_cport" ] ||
      die "$data_dir holds a $nodes-node cluster on port $port; stop it and remove the directory, or use --data-dir"
  else
    cluster_id=$(java_cmd kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)
    printf 'nodes=%s\nport=%s\ncontroller_port=%s\ncluster_id=%s\n' \
      "$nodes" "$port" "$controller_port" "$cluster_id" >"$data_dir/cluster.env"
  fi
  local i
  for ((i = 1; i <= nodes; i++)); do start_node "$i"; done
  wait_ready
}

stop_node() {
  local id=$1 pid deadline
  pid=$(pid_of "$id") || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + 30))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    # A broker whose controller quorum is already gone can wait forever in controlled shutdown.
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; log "node $id killed after 30 s"; fi
  fi
  rm -f "$(node_dir "$id")/kafka.pid"
}

cmd_stop() {
  [ -f "$data_dir/cluster.env" ] || { log "nothing to stop in $data_dir"; return 0; }
  load_cluster
  local i pids=()
  for ((i = nodes; i >= 1; i--)); do stop_node "$i" & pids+=($!); done
  wait "${pids[@]}"
  log "stopped"
}

cmd_status() {
  load_cluster
  local i down=0
  for ((i = 1; i <= nodes; i++)); do
    if is_running "$i"; then echo "node $i: running (pid $(pid_of "$i"), 127.0.0.1:$((port + i - 1)))"
    else echo "node $i: stopped"; down=1; fi
  done
  echo "bootstrap: $(bootstrap_servers)"
  return $down
}

# Kafka's CLI classes, logging warnings and errors only, to stderr.
run_tool() {
  local config="$cache_dir/tools-log4j2.xml"
  [ -f "$config" ] || cat >"$config" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<Configuration status="warn">
  <Appenders><Console name="stderr" target="SYSTEM_ERR"><PatternLayout pattern="%p %m%n"/></Console></Appenders>
  <Loggers><Root level="warn"><AppenderRef ref="stderr"/></Root></Loggers>
</Configuration>
XML
  java_cmd -Dlog4j2.configurationFile="$config" "$@"
}

main() {
  local cmd=${1:-}
  [ $# -gt 0 ] && shift
  case "$cmd" in
    start) cmd_start "$@" ;;
    stop) [ "${1:-}" = --data-dir ] && data_dir=$2; cmd_stop ;;
    status) [ "${1:-}" = --data-dir ] && data_dir=$2; cmd_status ;;
    logs) load_cluster; tail -n "${LINES:-100}" "$(node_dir "${1:-1}")/server.log" ;;
    bootstrap) load_cluster; bootstrap_servers ;;
    tool) ensure_jars; [ $# -ge 1 ] || die "tool: name a main class"; run_tool "$@" ;;
    *) sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
  esac
}

main "$@"

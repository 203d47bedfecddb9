#!/usr/bin/env bash
# A real Apache Kafka (KRaft, combined broker+controller nodes) on loopback, for the demo and the tests.
#
#   kafka-local.sh start [--nodes 1|3] [--port P] [--controller-port P] [--data-dir D]
#                        [--security plaintext|sasl_scram|ssl|sasl_ssl] [--mtls]
#   kafka-local.sh stop | status | logs [NODE] | bootstrap
#   kafka-local.sh tool MAIN_CLASS [ARGS...]   run a Kafka CLI class (e.g. org.apache.kafka.tools.TransactionsCommand)
#   kafka-local.sh security-dir                where a secured cluster's certificates, passwords and client configs are
#   kafka-local.sh acl ARGS...                 Kafka's ACL tool as the admin (e.g. --list, or --add --allow-principal ...)
#
# The jars come from Maven Central through deploy/kafka/pom.xml and are cached in
# ~/.cache/txform/kafka-<version>/. Node i listens on PORT+i-1 (clients) and CONTROLLER_PORT+i-1 (quorum).
# Every setting also reads an environment variable, so tests can run their own cluster on free ports:
#   TXFORM_KAFKA_NODES, TXFORM_KAFKA_PORT, TXFORM_KAFKA_CONTROLLER_PORT, TXFORM_KAFKA_DATA_DIR,
#   TXFORM_KAFKA_HEAP (default 512m per node), TXFORM_KAFKA_START_TIMEOUT (seconds, default 120),
#   TXFORM_KAFKA_SECURITY (default plaintext), TXFORM_KAFKA_MTLS (1 for --mtls).
#
# Security (--security, chosen when the cluster is created and kept in DATA_DIR/cluster.env): the
# client listener on PORT speaks the chosen protocol; plaintext, the default, has no security at all.
#   sasl_scram  SASL/SCRAM-SHA-512 without TLS     ssl       TLS; with --mtls clients need a certificate
#   sasl_ssl    SASL/SCRAM-SHA-512 over TLS        --mtls    (ssl, sasl_ssl) TLS client certificates required
# A secured cluster has two users, `admin` (super user) and `txform` (no rights until an ACL grants
# them), with random SCRAM passwords; with --mtls each also has a client certificate (CN=admin,
# CN=txform, mapped to User:admin and User:txform). Kafka's StandardAuthorizer denies what no ACL
# allows. Everything lands in DATA_DIR/security/ (`security-dir` prints it):
#   ca.pem                         the throwaway CA that signed the broker's and the clients' certificates
#   admin.password, txform.password   SCRAM passwords
#   admin.pem/.key, txform.pem/.key   client certificates and keys (PEM, for librdkafka); admin.p12 (Java)
#   admin.properties               Java client config for Kafka's tools: tool CLASS --command-config FILE
#   librdkafka-admin.properties, librdkafka-txform.properties   librdkafka property=value lines
# With plain ssl (no --mtls) clients are not authenticated: every one of them is User:ANONYMOUS,
# which must therefore be a super user; the ACLs then tell nobody apart.
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
security=${TXFORM_KAFKA_SECURITY:-plaintext}
mtls=${TXFORM_KAFKA_MTLS:-0}

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

# The cluster's shape is saved at start so stop/status/logs need no flags. A cluster.env from
# before --security existed has no security line: it is plaintext.
load_cluster() {
  [ -f "$data_dir/cluster.env" ] || die "no cluster in $data_dir (start it first)"
  security=plaintext mtls=0
  # shellcheck source=/dev/null
  . "$data_dir/cluster.env"
}

sec_dir() { echo "$data_dir/security"; }
uses_sasl() { [ "$security" = sasl_scram ] || [ "$security" = sasl_ssl ]; }
uses_tls() { [ "$security" = ssl ] || [ "$security" = sasl_ssl ]; }
# The client listener's name and protocol (Kafka's names): PLAINTEXT, SASL_PLAINTEXT, SSL, SASL_SSL.
listener_name() {
  case "$security" in
    plaintext) echo PLAINTEXT ;; sasl_scram) echo SASL_PLAINTEXT ;; ssl) echo SSL ;; sasl_ssl) echo SASL_SSL ;;
  esac
}

bootstrap_servers() {
  local i list=""
  for ((i = 1; i <= nodes; i++)); do list+="${list:+,}127.0.0.1:$((port + i - 1))"; done
  echo "$list"
}

# Signs a certificate for CN=$2 with the cluster's CA into $1.pem/$1.key; $3 is its extensions.
issue_cert() {
  local name=$1 cn=$2 extensions=$3 dir
  dir=$(sec_dir)
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=$cn" \
    -keyout "$dir/$name.key" -out "$dir/$name.csr" 2>/dev/null
  openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -set_serial "0x$(openssl rand -hex 8)" \
    -days 30 -out "$dir/$name.pem" -extfile <(printf '%s\n' "basicConstraints=CA:FALSE" "$extensions") 2>/dev/null
  rm -f "$dir/$name.csr"
  # Java reads a key and its chain from a PKCS12 store; librdkafka reads the PEM files.
  openssl pkcs12 -export -in "$dir/$name.pem" -inkey "$dir/$name.key" -certfile "$dir/ca.pem" -name "$cn" \
    -passout "file:$dir/store.password" -out "$dir/$name.p12"
}

# The throwaway CA, certificates, passwords and client configs of a secured cluster, made once when
# the cluster is created. Passwords are hex, so they need no quoting in JAAS, YAML or properties.
make_security() {
  local dir user protocol
  dir=$(sec_dir)
  command -v openssl >/dev/null || die "openssl is not installed"
  mkdir -p "$dir"
  chmod 700 "$dir"
  for user in admin txform; do openssl rand -hex 16 >"$dir/$user.password"; done
  if uses_tls; then
    openssl rand -hex 16 >"$dir/store.password"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 \
      -subj "/CN=txform kafka-local CA" -keyout "$dir/ca.key" -out "$dir/ca.pem" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
    # The broker's certificate is its client certificate too when it talks to the other brokers.
    issue_cert broker broker "subjectAltName=IP:127.0.0.1,DNS:localhost
extendedKeyUsage=serverAuth,clientAuth"
    issue_cert admin admin "extendedKeyUsage=clientAuth"
    issue_cert txform txform "extendedKeyUsage=clientAuth"
  fi
  protocol=$(listener_name)
  {
    echo "# Kafka's Java tools as the super user admin: --command-config $dir/admin.properties"
    echo "security.protocol=$protocol"
    if uses_sasl; then
      echo "sasl.mechanism=SCRAM-SHA-512"
      echo "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"admin\" password=\"$(cat "$dir/admin.password")\";"
    fi
    if uses_tls; then
      echo "ssl.truststore.type=PEM"
      echo "ssl.truststore.location=$dir/ca.pem"
    fi
    if [ "$mtls" = 1 ]; then
      echo "ssl.keystore.type=PKCS12"
      echo "ssl.keystore.location=$dir/admin.p12"
      echo "ssl.keystore.password=$(cat "$dir/store.password")"
    fi
  } >"$dir/admin.properties"
  for user in admin txform; do
    {
      echo "# librdkafka as $user (bootstrap.servers: kafka-local.sh bootstrap)"
      echo "security.protocol=${protocol,,}"
      if uses_sasl; then
        echo "sasl.mechanisms=SCRAM-SHA-512"
        echo "sasl.username=$user"
        echo "sasl.password=$(cat "$dir/$user.password")"
      fi
      if uses_tls; then echo "ssl.ca.location=$dir/ca.pem"; fi
      if [ "$mtls" = 1 ]; then
        echo "ssl.certificate.location=$dir/$user.pem"
        echo "ssl.key.location=$dir/$user.key"
      fi
    } >"$dir/librdkafka-$user.properties"
  done
  chmod 600 "$dir"/*
}

# The server.properties lines of the secured client listener, which is also the inter-broker one.
security_properties() {
  local dir protocol super="User:admin;User:ANONYMOUS"
  dir=$(sec_dir)
  protocol=$(listener_name)
  # The controller listener stays PLAINTEXT on loopback: KRaft cannot use SCRAM there (its
  # credentials live in the metadata the controllers serve). The broker side of each node reaches the
  # controllers on it as User:ANONYMOUS, and the authorizer checks those requests too, so
  # ANONYMOUS must be a super user. Nothing but the controller listener yields ANONYMOUS unless
  # plain ssl (no --mtls) leaves the clients unauthenticated.
  # The brokers talk to each other on the secured listener, not on a third, internal PLAINTEXT
  # one: that would need another port per node and one more ANONYMOUS super-user door. Over SASL
  # they log in as admin; over mTLS alone with their own certificate (CN=broker).
  if [ "$mtls" = 1 ] && ! uses_sasl; then super+=";User:broker"; fi
  cat <<PROPS
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=$super
PROPS
  if uses_sasl; then
    cat <<PROPS
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.${protocol,,}.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$(cat "$dir/admin.password")";
PROPS
  fi
  if uses_tls; then
    cat <<PROPS
ssl.keystore.type=PKCS12
ssl.keystore.location=$dir/broker.p12
ssl.keystore.password=$(cat "$dir/store.password")
ssl.truststore.type=PEM
ssl.truststore.location=$dir/ca.pem
# On a SASL_SSL listener Kafka ignores a bare ssl.client.auth; only the listener's own counts.
listener.name.${protocol,,}.ssl.client.auth=$([ "$mtls" = 1 ] && echo required || echo none)
# CN=admin is User:admin, as the SCRAM user is, so one set of ACLs serves both.
ssl.principal.mapping.rules=RULE:^CN=([^,]*)$/\$1/,DEFAULT
PROPS
  fi
}

# StorageTool's --add-scram: the SCRAM users are in the metadata log from its first record on.
scram_format_args() {
  uses_sasl || return 0
  local user
  for user in admin txform; do
    printf '%s\n' --add-scram "SCRAM-SHA-512=[name=$user,password=$(cat "$(sec_dir)/$user.password")]"
  done
}

write_node_config() {
  local id=$1 dir rf isr voters="" i listener
  dir=$(node_dir "$id")
  listener=$(listener_name)
  for ((i = 1; i <= nodes; i++)); do voters+="${voters:+,}$i@127.0.0.1:$((controller_port + i - 1))"; done
  # One node can only hold one replica; three nodes keep every internal topic on all of them and
  # refuse writes that fewer than two replicas acknowledged.
  if [ "$nodes" -ge 3 ]; then rf=3 isr=2; else rf=1 isr=1; fi
  mkdir -p "$dir/data"
  cat >"$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=$id
controller.quorum.voters=$voters
listeners=$listener://127.0.0.1:$((port + id - 1)),CONTROLLER://127.0.0.1:$((controller_port + id - 1))
advertised.listeners=$listener://127.0.0.1:$((port + id - 1))
listener.security.protocol.map=$listener:$listener,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=$listener
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
  if [ "$security" != plaintext ]; then security_properties >>"$dir/server.properties"; fi
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
    local scram=()
    mapfile -t scram < <(scram_format_args)
    java_cmd -Dlog4j2.configurationFile="$dir/log4j2.xml" kafka.tools.StorageTool format \
      --cluster-id "$cluster_id" --config "$dir/server.properties" "${scram[@]}" >"$dir/format.log" 2>&1 ||
      { cat "$dir/format.log" >&2; die "formatting node $id storage failed"; }
  fi
  # setsid: the broker must not die with the shell that started it, nor take its signals.
  setsid java -Xms128m -Xmx"$heap" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$dir/log4j2.xml" -cp "$libs/*" \
    kafka.Kafka "$dir/server.properties" >"$dir/stdout.log" 2>&1 </dev/null &
  echo $! >"$dir/kafka.pid"
  log "node $id starting (pid $!, client port $((port + id - 1)), controller port $((controller_port + id - 1)))"
}

# How many brokers the node at $1 lists in its metadata. A secured cluster is asked by Kafka's own
# admin client as the admin: Debian's kcat (librdkafka 2.0.2) fails SCRAM-SHA-512 against this
# broker ("invalid credentials") where librdkafka 2.14 and the Java client log in.
brokers_seen() {
  if [ "$security" = plaintext ]; then
    kcat -L -b "$1" -m 3 2>/dev/null | sed -n 's/^ *\([0-9]*\) brokers:$/\1/p' || true
  else
    timeout 30 java -cp "$libs/*" -Dlog4j2.configurationFile="$(tools_log_config)" org.apache.kafka.tools.ClusterTool \
      list-endpoints --bootstrap-server "$1" --command-config "$(sec_dir)/admin.properties" 2>/dev/null |
      grep -c ' broker *$' || true
  fi
}

# Ready means: every node answers a metadata request that lists all nodes, so a client pointed at
# any one of them sees the whole cluster.
wait_ready() {
  local deadline=$((SECONDS + start_timeout)) i seen ready
  while ((SECONDS < deadline)); do
    ready=0
    for ((i = 1; i <= nodes; i++)); do
      is_running "$i" || { show_tail "$i"; die "node $i exited during start (log above: $(node_dir "$i")/server.log)"; }
      seen=$(brokers_seen "127.0.0.1:$((port + i - 1))")
      if [ "${seen:-0}" -eq "$nodes" ]; then ready=$((ready + 1)); fi
    done
    if [ "$ready" -eq "$nodes" ]; then
      log "ready: $nodes node(s), bootstrap $(bootstrap_servers)$([ "$security" = plaintext ] || echo " ($(listener_name)$([ "$mtls" = 1 ] && echo ", mTLS"); client configs in $(sec_dir))")"
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
      --security) security=$2; shift 2 ;;
      --mtls) mtls=1; shift ;;
      *) die "start: unknown option '$1'" ;;
    esac
  done
  case "$nodes" in 1 | 3) ;; *) die "--nodes must be 1 or 3, got '$nodes'" ;; esac
  case "$security" in plaintext | sasl_scram | ssl | sasl_ssl) ;;
    *) die "--security must be plaintext, sasl_scram, ssl or sasl_ssl, got '$security'" ;; esac
  if [ "$mtls" = 1 ] && ! uses_tls; then die "--mtls needs --security ssl or sasl_ssl"; fi
  controller_port=${controller_port:-$((port + 100))}
  command -v java >/dev/null || die "java is not installed (run deploy/install-deps.sh)"
  command -v kcat >/dev/null || die "kcat is not installed (run deploy/install-deps.sh)"
  mkdir -p "$data_dir" "$cache_dir"
  ensure_jars
  if [ -f "$data_dir/cluster.env" ]; then
    local want_nodes=$nodes want_port=$port want_cport=$controller_port want_security=$security want_mtls=$mtls
    load_cluster
    [ "$nodes" = "$want_nodes" ] && [ "$port" = "$want_port" ] && [ "$controller_port" = "$want_cport" ] &&
      [ "$security" = "$want_security" ] && [ "$mtls" = "$want_mtls" ] ||
      die "$data_dir holds a $nodes-node $security cluster on port $port; stop it and remove the directory, or use --data-dir"
  else
    cluster_id=$(java_cmd kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)
    if [ "$security" != plaintext ]; then make_security; fi
    printf 'nodes=%s\nport=%s\ncontroller_port=%s\ncluster_id=%s\nsecurity=%s\nmtls=%s\n' \
      "$nodes" "$port" "$controller_port" "$cluster_id" "$security" "$mtls" >"$data_dir/cluster.env"
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
  [ "$security" = plaintext ] || echo "security: $(listener_name)$([ "$mtls" = 1 ] && echo ", mTLS"), client configs in $(sec_dir)"
  return $down
}

# Kafka's CLI classes log warnings and errors only, to stderr, with this configuration.
tools_log_config() {
  local config="$cache_dir/tools-log4j2.xml"
  [ -f "$config" ] || cat >"$config" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<Configuration status="warn">
  <Appenders><Console name="stderr" target="SYSTEM_ERR"><PatternLayout pattern="%p %m%n"/></Console></Appenders>
  <Loggers><Root level="warn"><AppenderRef ref="stderr"/></Root></Loggers>
</Configuration>
XML
  echo "$config"
}

run_tool() { java_cmd -Dlog4j2.configurationFile="$(tools_log_config)" "$@"; }

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
    security-dir)
      [ "${1:-}" = --data-dir ] && data_dir=$2
      load_cluster; [ "$security" != plaintext ] || die "the cluster in $data_dir is plaintext"; sec_dir ;;
    acl)
      load_cluster; [ "$security" != plaintext ] || die "acl: the cluster in $data_dir is plaintext (no authorizer)"
      ensure_jars
      run_tool org.apache.kafka.tools.AclCommand --bootstrap-server "$(bootstrap_servers)" \
        --command-config "$(sec_dir)/admin.properties" "$@" ;;
    *) sed -n '2,32p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
  esac
}

main "$@"

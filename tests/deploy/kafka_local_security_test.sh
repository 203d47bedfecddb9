#!/usr/bin/env bash
# deploy/kafka/kafka-local.sh --security: for sasl_scram, ssl, sasl_ssl, sasl_ssl --mtls and
# ssl --mtls, a single-node broker of its own on free loopback ports, and real clients against it:
#   (a) the admin creates two topics and lists them with Kafka's tools and admin.properties;
#   (b) librdkafka as txform (librdkafka-txform.properties): `txform check --connect` does not see
#       the topics before an ACL grants them (plain ssl excepted: no client identity, all are super
#       users), sees it after; txform-loadgen writes records the admin then counts;
#   (c) a client with a wrong SCRAM password, without the CA, or without its certificate is
#       refused with the reason, within a bound.
# Each broker is stopped and its directory removed on exit, pass or fail.
#
#   kafka_local_security_test.sh SOURCE_DIR TXFORM LOADGEN PLUGIN_DIR
set -euo pipefail

source_dir=$1 txform=$2 loadgen=$3 plugin_dir=$4
kafka_local="$source_dir/deploy/kafka/kafka-local.sh"
work=$(mktemp -d /tmp/txform-security-test.XXXXXX)
dir="" mode=""

cleanup() {
  local status=$?
  if [ -n "$dir" ]; then "$kafka_local" stop --data-dir "$dir" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() { echo "FAIL [$mode]: $*" >&2; exit 1; }
step() { echo "---- [$mode] $*"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
tool() { TXFORM_KAFKA_DATA_DIR=$dir "$kafka_local" tool "$@"; }
acl() { TXFORM_KAFKA_DATA_DIR=$dir "$kafka_local" acl "$@"; }

# The property=value lines of a librdkafka file, minus the keys named, as `KEY=VALUE` words.
properties() {
  local file=$1 line key skip
  shift
  while IFS= read -r line; do
    case "$line" in '' | '#'*) continue ;; esac
    skip=0
    for key in "$@"; do [ "${line%%=*}" = "$key" ] && skip=1; done
    [ "$skip" = 1 ] || echo "$line"
  done <"$file"
}

# A pipeline config for `txform check --connect` whose kafka.common holds the properties given.
write_config() {
  local out=$1 line
  shift
  {
    echo "bootstrap_servers: $bootstrap"
    echo "group_id: security-test"
    echo "input_topics: [secured]"
    echo "output_topic: secured-out"
    echo "plugin_dir: $plugin_dir"
    echo "plugins:"
    echo "  - name: passthrough"
    echo "kafka:"
    echo "  common:"
    for line in "$@"; do echo "    ${line%%=*}: \"${line#*=}\""; done
  } >"$out"
}

# txform check --connect with these properties; its output in $work/check.log, its exit status
# returned. 124 (the bound) means it hung.
check_connect() {
  write_config "$work/check.yaml" "$@"
  local status=0
  timeout 60 "$txform" check --config "$work/check.yaml" --connect >"$work/check.log" 2>&1 || status=$?
  return $status
}

# A refused client: check --connect fails by itself (not by the bound) and says $1.
expect_refused() {
  local reason=$1 status=0
  shift
  check_connect "$@" || status=$?
  [ "$status" -ne 0 ] || { cat "$work/check.log" >&2; fail "a client with $what was let in"; }
  [ "$status" -ne 124 ] || fail "a client with $what hung instead of failing"
  grep -qi "$reason" "$work/check.log" || { cat "$work/check.log" >&2; fail "a client with $what failed without '$reason'"; }
  echo "refused as expected ($what): $(grep -i -m1 "$reason" "$work/check.log")"
}

run_mode() {
  mode="$*"
  dir="$work/${mode// /}"
  local port controller_port sec records what
  port=$(free_port)
  controller_port=$(free_port)
  [ "$port" != "$controller_port" ] || controller_port=$(free_port)
  step "start on 127.0.0.1:$port"
  "$kafka_local" start --port "$port" --controller-port "$controller_port" --data-dir "$dir" --security "$@"
  sec=$("$kafka_local" security-dir --data-dir "$dir")
  [ "$sec" = "$dir/security" ] || fail "security-dir printed '$sec'"
  bootstrap=$(TXFORM_KAFKA_DATA_DIR=$dir "$kafka_local" bootstrap)
  [ "$bootstrap" = "127.0.0.1:$port" ] || fail "bootstrap printed '$bootstrap'"
  grep -qx "security=$1" "$dir/cluster.env" || fail "cluster.env does not record the security mode"
  "$kafka_local" status --data-dir "$dir" | grep -q "^security: " || fail "status does not report the security mode"

  step "(a) the admin creates topics and lists them"
  local topic
  for topic in secured secured-out; do
    tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$bootstrap" --command-config "$sec/admin.properties" \
      --create --topic "$topic" --partitions 2 --replication-factor 1
  done
  [ "$(tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$bootstrap" \
    --command-config "$sec/admin.properties" --list | grep -c '^secured')" = 2 ] ||
    fail "the admin does not see the topics it created"

  step "(b) librdkafka as txform"
  mapfile -t txform_props < <(properties "$sec/librdkafka-txform.properties")
  if [ "$mode" = ssl ]; then
    check_connect "${txform_props[@]}" || { cat "$work/check.log" >&2; fail "txform check --connect failed"; }
  else
    local status=0
    check_connect "${txform_props[@]}" || status=$?
    [ "$status" = 1 ] && grep -q "topic 'secured' does not exist" "$work/check.log" ||
      { cat "$work/check.log" >&2; fail "txform saw the topic before any ACL granted it (exit $status)"; }
  fi
  acl --add --allow-principal User:txform --operation Describe --operation Write --operation Read \
    --resource-pattern-type prefixed --topic secured
  acl --list --resource-pattern-type prefixed --topic secured | grep -q "User:txform" ||
    fail "acl --list does not show the ACL just added"
  check_connect "${txform_props[@]}" || { cat "$work/check.log" >&2; fail "txform check --connect failed after the ACL"; }
  grep -q "brokers answered; every topic exists" "$work/check.log" || fail "txform check --connect did not reach the brokers"
  local x=() line
  for line in "${txform_props[@]}"; do x+=(-X "$line"); done
  timeout 120 "$loadgen" produce --bootstrap "$bootstrap" "${x[@]}" --topic secured --records 40 >/dev/null ||
    fail "txform-loadgen could not write as txform"
  records=$(tool org.apache.kafka.tools.GetOffsetShell --bootstrap-server "$bootstrap" \
    --command-config "$sec/admin.properties" --topic secured | awk -F: '{ n += $3 } END { print n + 0 }')
  [ "$records" = 40 ] || fail "the topic holds $records records, txform-loadgen wrote 40"

  step "(c) clients that must be refused"
  if [ "$1" != ssl ]; then
    what="a wrong SCRAM password"
    mapfile -t props < <(properties "$sec/librdkafka-txform.properties" sasl.password)
    expect_refused "authentication failed" "${props[@]}" "sasl.password=not-the-password"
  fi
  if [ "$1" != sasl_scram ]; then
    what="no CA (the broker's certificate cannot be verified)"
    mapfile -t props < <(properties "$sec/librdkafka-txform.properties" ssl.ca.location)
    expect_refused "certificate verify failed" "${props[@]}"
  fi
  if [ "${2:-}" = --mtls ]; then
    what="no client certificate"
    mapfile -t props < <(properties "$sec/librdkafka-txform.properties" ssl.certificate.location ssl.key.location)
    # TLS 1.3: the broker's refusal is an alert after the client's side of the handshake.
    expect_refused "bad certificate" "${props[@]}"
  fi

  step "stop"
  "$kafka_local" stop --data-dir "$dir"
  dir=""
}

run_mode sasl_scram
run_mode ssl
run_mode sasl_ssl
run_mode sasl_ssl --mtls
run_mode ssl --mtls
echo "PASS: sasl_scram, ssl, sasl_ssl, sasl_ssl --mtls, ssl --mtls"

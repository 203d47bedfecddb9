// Every metric txform exports, in one table: name, help text, and histogram buckets.
// Naming follows prometheus.io: `txform_` prefix, base units (seconds, bytes), `_total` on
// counters, `_info` on metadata. Labels are bounded: never offsets, keys or record ids.
// README.md ("Metrics") documents each one; deploy/prometheus and deploy/grafana query them.
#pragma once

#include <vector>

namespace txform::metrics {

struct MetricName {
  const char* name;
  const char* help;
};

namespace names {

// ---- transactions (label: worker, when workers > 1) ----
inline constexpr MetricName kCommitDuration{
    "txform_transaction_commit_duration_seconds",
    "Time of send_offsets_to_transaction + commit_transaction per committed transaction"};
inline constexpr MetricName kTransactionDuration{"txform_transaction_duration_seconds",
                                                 "Time from begin_transaction to commit complete"};
inline constexpr MetricName kTransactionRecords{"txform_transaction_records",
                                                "Input records per committed transaction"};
inline constexpr MetricName kTransactionBytes{
    "txform_transaction_bytes", "Input bytes (key + value) per committed transaction"};
inline constexpr MetricName kTransactions{"txform_transactions_total",
                                          "Transactions ended, by outcome (committed|aborted)"};
inline constexpr MetricName kAborts{"txform_transaction_aborts_total",
                                    "Aborted transactions, by reason"};
inline constexpr MetricName kOpenTransactionAge{
    "txform_open_transaction_age_seconds",
    "How long the open transaction has been open; 0 when none is open"};

// ---- records ----
inline constexpr MetricName kConsumed{
    "txform_records_consumed_total",
    "Input records handed to the plugin chain, by topic (replays after an abort count again)"};
inline constexpr MetricName kProduced{"txform_records_produced_total",
                                      "Output records acknowledged by the broker, by topic"};
inline constexpr MetricName kDeadLettered{"txform_records_dead_lettered_total",
                                          "Input records dead-lettered in committed transactions"};
inline constexpr MetricName kSkipped{
    "txform_records_skipped_total",
    "Input records skipped (on_record_error: skip) in committed transactions"};

// ---- plugins ----
inline constexpr MetricName kPluginDuration{
    "txform_plugin_process_duration_seconds",
    "Each plugin's own time on one input record (without the plugins after it), sampled 1 record "
    "in 64"};
inline constexpr MetricName kPluginErrors{"txform_plugin_errors_total",
                                          "Plugin answers other than OK, by plugin and status"};
inline constexpr MetricName kPluginInfo{"txform_plugin_info", "Loaded plugins (value 1)"};
inline constexpr MetricName kPluginReloads{
    "txform_plugin_reloads_total",
    "Plugin reloads (SIGHUP or plugin_dir change) whose new generation passed validation"};
inline constexpr MetricName kPluginReloadFailures{
    "txform_plugin_reload_failures_total",
    "Plugin reloads refused (load, ABI or create() failed); the running generation stayed"};
inline constexpr MetricName kPluginReloadDuration{
    "txform_plugin_reload_duration_seconds",
    "Time from a reload request until every worker runs the new generation"};
inline constexpr MetricName kBuildInfo{"txform_build_info",
                                       "txform version, plugin ABI and librdkafka (value 1)"};

// ---- librdkafka statistics (statistics.interval.ms) ----
inline constexpr MetricName kConsumerLag{
    "txform_kafka_consumer_lag_records",
    "Records between the consumer's position and the last stable offset, per assigned partition"};
inline constexpr MetricName kAssignedPartitions{"txform_kafka_consumer_assigned_partitions",
                                                "Partitions assigned to the consumer"};
inline constexpr MetricName kRebalances{"txform_kafka_consumer_rebalances_total",
                                        "Consumer group rebalances (assignments and revocations)"};
inline constexpr MetricName kProducerQueueMessages{
    "txform_kafka_producer_queue_messages", "Messages in the producer's queue, not yet delivered"};
inline constexpr MetricName kProducerQueueBytes{"txform_kafka_producer_queue_bytes",
                                                "Bytes in the producer's queue, not yet delivered"};
inline constexpr MetricName kBrokerRtt{"txform_kafka_broker_rtt_seconds",
                                       "Average broker round-trip time, by client and broker id"};
inline constexpr MetricName kTransactionState{
    "txform_kafka_transaction_state",
    "librdkafka's transaction state machine: 1 for the current state, 0 for the others"};
inline constexpr MetricName kProducerEpoch{"txform_kafka_producer_epoch",
                                           "Epoch of the transactional producer id"};

// ---- the process (conventional names, shared with other Prometheus clients) ----
inline constexpr MetricName kCpuSeconds{"process_cpu_seconds_total",
                                        "User and system CPU time spent, in seconds"};
inline constexpr MetricName kResidentMemory{"process_resident_memory_bytes",
                                            "Resident memory size in bytes"};
inline constexpr MetricName kVirtualMemory{"process_virtual_memory_bytes",
                                           "Virtual memory size in bytes"};
inline constexpr MetricName kOpenFds{"process_open_fds", "Open file descriptors"};
inline constexpr MetricName kMaxFds{"process_max_fds", "Maximum number of open file descriptors"};
inline constexpr MetricName kStartTime{
    "process_start_time_seconds", "Start time of the process since the Unix epoch, in seconds"};

}  // namespace names

// Histogram buckets, in the metric's base unit.
namespace buckets {
// ~0.5 ms to 30 s: a healthy local commit is a few ms, a struggling cluster seconds.
inline const std::vector<double> kCommitSeconds{
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
inline const std::vector<double> kTransactionSeconds{0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                     0.5,   1,     2.5,  5,     10,   30,  60};
inline const std::vector<double> kRecords{1, 5, 10, 50, 100, 500, 1000, 5000, 10000, 50000, 100000};
inline const std::vector<double> kBytes{1024,    4096,    16384,    65536,   262144,
                                        1 << 20, 4 << 20, 16 << 20, 64 << 20};
inline const std::vector<double> kPluginSeconds{
    0.000001, 0.000005, 0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1};
// A reload waits for each worker's next transaction boundary: about one commit interval.
inline const std::vector<double> kReloadSeconds{0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                                1,    2.5,   5,    10,  30};
}  // namespace buckets

// librdkafka's transaction states (rd_kafka_txn_state2str): the label values of kTransactionState.
inline const std::vector<const char*> kTransactionStates{
    "Init",           "WaitPID",       "ReadyNotAcked",       "WaitTransport",
    "Ready",          "InTransaction", "BeginCommit",         "CommittingTransaction",
    "CommitNotAcked", "BeginAbort",    "AbortingTransaction", "AbortedNotAcked",
    "AbortableError", "FatalError"};

}  // namespace txform::metrics

// Process exit codes, so a supervisor (systemd, Kubernetes) can tell why txform stopped.
#pragma once

namespace txform {

enum ExitCode : int {
  kExitOk = 0,           // clean stop (SIGTERM/SIGINT), open transaction committed
  kExitConfigError = 1,  // bad configuration or plugin: fix it, restarting will not help
  kExitKafkaFatal = 3,   // fatal Kafka error (fenced by a newer instance, ...): restart
  kExitPluginFatal = 4,  // a plugin returned FATAL, or the `fail` error policy stopped txform
  kExitForced = 130,     // second signal: the open transaction was aborted
};

}  // namespace txform

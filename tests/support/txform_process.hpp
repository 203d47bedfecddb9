// Runs the real `txform` executable as a child process, as a user or a supervisor would.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace txform::testing {

// Path of the txform binary and of the plugin directory of this build.
std::string txform_binary();
std::string plugin_dir();
// Directory of the test-only plugins (tests/plugins/).
std::string test_plugin_dir();

class TxformProcess {
 public:
  // Writes `config_yaml` to a temporary file and starts `txform <args...> --config <file>`.
  TxformProcess(const std::string& config_yaml, std::vector<std::string> args = {"run"});
  // Starts `txform <args...>` with no config file.
  explicit TxformProcess(std::vector<std::string> args);
  ~TxformProcess();
  TxformProcess(const TxformProcess&) = delete;
  TxformProcess& operator=(const TxformProcess&) = delete;

  void signal(int signal_number);
  bool running();
  // Waits for the exit and returns the exit code (128 + signal when killed); -1 on timeout.
  int wait(std::chrono::seconds timeout = std::chrono::seconds(120));
  // Waits until stderr contains `text` (true) or the process exits / the timeout passes.
  bool wait_for_log(const std::string& text,
                    std::chrono::seconds timeout = std::chrono::seconds(60));
  // Everything the process wrote to stderr and stdout so far.
  std::string output() const;
  // The config file it was started with (empty without one); a test may rewrite it.
  const std::string& config_path() const { return config_path_; }

 private:
  void start(std::vector<std::string> args);

  std::string config_path_;
  std::string output_path_;
  pid_t pid_ = -1;
  int exit_code_ = -1;
};

// The number of partitions an instance holds after the rebalances its log shows: an eager
// protocol's events replace the whole assignment, an incremental one's ("(incremental)") add or
// remove partitions.
int held_partitions(const std::string& log);

// Runs txform to completion with a config and returns {exit code, output}.
std::pair<int, std::string> run_txform(const std::string& config_yaml,
                                       std::vector<std::string> args);

}  // namespace txform::testing

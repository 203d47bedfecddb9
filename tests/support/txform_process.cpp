#include "txform_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace txform::testing {
namespace {

std::string temp_file(const std::string& suffix) {
  std::string pattern = "/tmp/txform-test-XXXXXX" + suffix;
  const int fd = mkstemps(pattern.data(), static_cast<int>(suffix.size()));
  if (fd < 0) throw std::runtime_error("mkstemps failed");
  close(fd);
  return pattern;
}

}  // namespace

std::string txform_binary() {
  return TXFORM_TEST_BINARY;
}
std::string plugin_dir() {
  return TXFORM_TEST_PLUGIN_DIR;
}
std::string test_plugin_dir() {
  return TXFORM_TEST_TEST_PLUGIN_DIR;
}

TxformProcess::TxformProcess(const std::string& config_yaml, std::vector<std::string> args) {
  config_path_ = temp_file(".yaml");
  std::ofstream(config_path_) << config_yaml;
  args.push_back("--config");
  args.push_back(config_path_);
  start(std::move(args));
}

TxformProcess::TxformProcess(std::vector<std::string> args) {
  start(std::move(args));
}

void TxformProcess::start(std::vector<std::string> args) {
  output_path_ = temp_file(".log");
  args.insert(args.begin(), txform_binary());
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    const int fd = open(output_path_.c_str(), O_WRONLY | O_TRUNC);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    // The test runner may block signals; the child must start with a clean mask.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    std::vector<char*> argv;
    for (auto& arg : args)
      argv.push_back(arg.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
}

TxformProcess::~TxformProcess() {
  if (running()) {
    kill(pid_, SIGKILL);
    wait(std::chrono::seconds(10));
  }
  if (!config_path_.empty()) unlink(config_path_.c_str());
  unlink(output_path_.c_str());
}

void TxformProcess::signal(int signal_number) {
  if (pid_ > 0 && exit_code_ < 0) kill(pid_, signal_number);
}

bool TxformProcess::running() {
  if (pid_ <= 0 || exit_code_ >= 0) return false;
  int status = 0;
  const pid_t done = waitpid(pid_, &status, WNOHANG);
  if (done == 0) return true;
  exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return false;
}

int TxformProcess::wait(std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (running()) {
    if (std::chrono::steady_clock::now() > deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return exit_code_;
}

bool TxformProcess::wait_for_log(const std::string& text, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (output().find(text) != std::string::npos) return true;
    if (!running()) return output().find(text) != std::string::npos;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

std::string TxformProcess::output() const {
  std::ifstream in(output_path_);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::pair<int, std::string> run_txform(const std::string& config_yaml,
                                       std::vector<std::string> args) {
  TxformProcess process(config_yaml, std::move(args));
  const int code = process.wait(std::chrono::seconds(60));
  return {code, process.output()};
}

int held_partitions(const std::string& log) {
  static const std::regex event("(assigned|revoked) ([0-9]+) partitions( \\(incremental\\))?");
  int held = 0;
  for (auto it = std::sregex_iterator(log.begin(), log.end(), event); it != std::sregex_iterator();
       ++it) {
    const int n = std::stoi((*it)[2]);
    const bool assigned = (*it)[1] == "assigned";
    if ((*it)[3].matched) {
      held += assigned ? n : -n;
    } else {
      held = assigned ? n : 0;
    }
  }
  return held;
}

}  // namespace txform::testing

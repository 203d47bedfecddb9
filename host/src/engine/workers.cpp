#include "engine/workers.hpp"

#include <fmt/format.h>
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <thread>

#include "engine/exit_codes.hpp"
#include "engine/logging.hpp"
#include "engine/transactional_loop.hpp"

namespace txform::engine {
namespace {

// After shutdown_timeout_ms, how long closing the consumer and producer may still take.
constexpr auto kCloseGrace = std::chrono::milliseconds(5000);

sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  return set;
}

}  // namespace

void block_stop_signals() {
  const sigset_t set = stop_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int run_workers(const std::vector<EngineOptions>& workers, const ProcessorFactory& make_processor,
                const std::vector<LoopObserver*>& observers,
                const std::function<void()>& on_reload) {
  block_stop_signals();
  std::atomic<int> stop{kRunning};
  std::atomic<int> running{static_cast<int>(workers.size())};
  std::vector<int> exit_codes(workers.size(), kExitOk);
  auto log = make_logger("txform");

  std::vector<std::thread> threads;
  for (size_t i = 0; i < workers.size(); ++i) {
    threads.emplace_back([&, i] {
      LoopObserver* observer = i < observers.size() ? observers[i] : nullptr;
      // "txform-w0", ...: top -H, perf and gdb then tell the workers from librdkafka's threads.
      pthread_setname_np(pthread_self(), fmt::format("txform-w{}", i).substr(0, 15).c_str());
      try {
        auto processor = make_processor(static_cast<int>(i));
        TransactionalLoop loop(workers[i], *processor, stop,
                               make_logger(workers[i].transactional_id), observer);
        exit_codes[i] = loop.run();
      } catch (const std::exception& error) {
        log->error("worker {}: {}", i, error.what());
        exit_codes[i] = kExitConfigError;
      }
      if (observer != nullptr) observer->on_stopped();  // /healthz: this worker is gone
      // One worker down stops the process: a supervisor restarts it whole.
      if (exit_codes[i] != kExitOk) {
        int expected = kRunning;
        stop.compare_exchange_strong(expected, kStopCleanly);
      }
      --running;
    });
  }

  // A stop must end within shutdown_timeout_ms: librdkafka 2.14 can hold a transactional call
  // for socket.timeout.ms (60 s) whatever timeout it is given while a coordinator is
  // unreachable, and a supervisor's SIGKILL would follow. Past the deadline, plus a grace for
  // closing the clients, the process exits by itself with kExitKafkaFatal: nothing more is
  // committed, and the coordinator aborts the open transaction (or the next start fences it).
  auto shutdown_timeout = std::chrono::milliseconds(0);
  for (const auto& worker : workers)
    shutdown_timeout = std::max(shutdown_timeout, worker.shutdown_timeout);
  std::optional<std::chrono::steady_clock::time_point> stop_deadline;

  // The signal thread is this one: wait for signals until every worker has finished.
  const sigset_t set = stop_signals();
  const timespec tick{0, 100'000'000};
  while (running.load() > 0) {
    if (stop.load() != kRunning) {
      const auto now = std::chrono::steady_clock::now();
      if (!stop_deadline) stop_deadline = now + shutdown_timeout + kCloseGrace;
      if (now > *stop_deadline) {
        log->error(
            "{} worker(s) still stopping {} ms after the stop (shutdown_timeout_ms {} + "
            "{} ms to close): a Kafka call has not returned. Exiting without committing; "
            "the open transaction is aborted by its coordinator or fenced at the next "
            "start",
            running.load(), (shutdown_timeout + kCloseGrace).count(), shutdown_timeout.count(),
            kCloseGrace.count());
        log->flush();
        std::_Exit(kExitKafkaFatal);
      }
    }
    const int signal = sigtimedwait(&set, nullptr, &tick);
    if (signal == SIGHUP) {
      if (!on_reload) {
        log->info("SIGHUP: nothing to reload; ignored");
      } else if (stop.load() == kRunning) {
        on_reload();  // loads and validates here; each worker switches at its own boundary
      }
    } else if (signal == SIGINT || signal == SIGTERM) {
      if (stop.load() == kRunning) {
        log->info("{}: committing the open transactions and stopping (signal again to abort)",
                  strsignal(signal));
        stop = kStopCleanly;
      } else {
        log->warn("{} again: aborting the open transactions", strsignal(signal));
        stop = kStopNow;
      }
    }
  }
  for (auto& thread : threads)
    thread.join();
  for (int code : exit_codes) {
    if (code != kExitOk) return code;
  }
  return stop.load() == kStopNow ? kExitForced : kExitOk;
}

}  // namespace txform::engine

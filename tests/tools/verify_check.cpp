// verify check: judges a finished run. Every input record exactly once in output ∪ DLQ and never
// in both (a seq the load generator's producer wrote twice is expected twice); nothing that was
// never input; per-input-partition order kept; every output the
// deterministic transform of its input; the group committed every input; no transaction left
// open or hanging; aborted records present (else the fault run proved nothing); and nothing a
// concurrent read_committed watcher saw is missing from the final output.
#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "sequence.hpp"
#include "txform/dead_letter.pb.h"
#include "verify.hpp"

namespace txform::tools {
namespace {

constexpr size_t kExamples = 5;

// One kind of violation: how many, and the first few for the report.
struct Finding {
  int64_t count = 0;
  std::vector<std::string> examples;
  void add(const std::string& example) {
    if (count++ < static_cast<int64_t>(kExamples)) examples.push_back(example);
  }
};

struct InputRecord {
  int32_t partition = -1;
  int64_t offset = -1;
  std::vector<int64_t> more_offsets;  // further copies of the seq in the input (same partition)
  uint64_t value_hash = 0;
  bool poison = false;
  int out = 0;
  int dlq = 0;
  // How many times the seq must come out: once per copy in the input.
  int copies() const { return 1 + static_cast<int>(more_offsets.size()); }
  bool holds(int32_t p, int64_t o) const {
    return p == partition && (o == offset || std::find(more_offsets.begin(), more_offsets.end(),
                                                       o) != more_offsets.end());
  }
};

// Findings about the input itself, not about txform: reported, never a violation. An
// idempotent producer can write a record twice when it bumps its epoch with a possibly
// persisted batch in flight (seen with librdkafka 2.14.2 after all brokers were killed); each
// copy is then an input record of its own, to be processed exactly once.
bool about_the_input_only(const std::string& kind) {
  return kind == "input_duplicated";
}

// (partition, offset) -> seq of one topic's committed records, for the watcher cross-check.
using Committed = std::map<std::pair<int32_t, int64_t>, int64_t>;

std::string where(const std::string& topic, int32_t partition, int64_t offset) {
  return topic + "[" + std::to_string(partition) + "]@" + std::to_string(offset);
}

// Waits until the group committed every input and no transaction is open on `topics`.
bool settle(const ClusterOptions& cluster, const CheckOptions& options,
            const std::vector<std::pair<std::string, int>>& topics, int input_partitions) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(options.settle_timeout_s);
  for (;;) {
    bool done = end_offsets(cluster, options.input, input_partitions, "read_uncommitted") ==
                committed_offsets(cluster, options.group, options.input, input_partitions);
    for (const auto& [topic, partitions] : topics) {
      done = done && end_offsets(cluster, topic, partitions, "read_committed") ==
                         end_offsets(cluster, topic, partitions, "read_uncommitted");
    }
    if (done) return true;
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
}

// Runs Kafka's find-hanging for `topic`; the rows it prints (other than its header) are hanging
// transactions. Returns -1 when the command failed.
int64_t find_hanging(const std::string& command, const std::string& topic, std::string& text) {
  const std::string full = command + " find-hanging --topic " + topic + " 2>&1";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(full.c_str(), "r"), pclose);
  if (!pipe) return -1;
  std::array<char, 4096> buffer{};
  while (std::fgets(buffer.data(), buffer.size(), pipe.get()) != nullptr)
    text += buffer.data();
  const int status = pclose(pipe.release());
  if (status != 0) return -1;
  int64_t rows = 0;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(topic, 0) == 0) ++rows;  // rows start with the topic; the header does not
  }
  return rows;
}

}  // namespace

int run_check(const ClusterOptions& cluster, const CheckOptions& options) {
  auto probe = make_client(RD_KAFKA_PRODUCER, cluster, {});
  const int input_partitions = partition_count(probe.get(), options.input);
  const int output_partitions = partition_count(probe.get(), options.output);
  const int dlq_partitions = options.dlq.empty() ? 0 : partition_count(probe.get(), options.dlq);
  probe.reset();
  std::vector<std::pair<std::string, int>> outputs{{options.output, output_partitions}};
  if (!options.dlq.empty()) outputs.emplace_back(options.dlq, dlq_partitions);

  std::map<std::string, Finding> findings;
  // Every kind is reported, zero or not, so a report always shows what was checked.
  for (const char* kind : {"input_missing",
                           "input_duplicated",
                           "input_corrupt",
                           "lost",
                           "duplicated",
                           "in_output_and_dlq",
                           "never_input",
                           "out_of_order",
                           "transform_mismatch",
                           "poison_in_output",
                           "clean_record_in_dlq",
                           "dead_letter_mismatch",
                           "committed_offset_mismatch",
                           "open_transaction",
                           "hanging_transaction",
                           "vacuous_no_aborted_records",
                           "watch_duplicate",
                           "watch_non_monotonic",
                           "watch_saw_uncommitted",
                           "settle_timeout"}) {
    findings[kind];
  }

  std::cerr << "verify: waiting for the group to commit every input (" << options.settle_timeout_s
            << " s at most)\n";
  if (!settle(cluster, options, outputs, input_partitions)) {
    findings["settle_timeout"].add("group " + options.group +
                                   " did not commit every input, or a transaction stayed open");
  }

  // ---- input: what loadgen wrote -------------------------------------------------------------
  std::vector<InputRecord> input(static_cast<size_t>(options.records));
  int64_t input_count = 0;
  read_topic(cluster, options.input, input_partitions, "read_uncommitted", [&](const Message& m) {
    ++input_count;
    const int64_t seq = parse_sequence_key(m.key);
    const auto parsed = parse_sequence_value(m.value, options.poison_prefix);
    if (seq < 0 || seq >= options.records || !parsed || parsed->seq != seq) {
      findings["input_corrupt"].add(where(options.input, m.partition, m.offset));
      return;
    }
    auto& record = input[static_cast<size_t>(seq)];
    if (record.partition >= 0) {
      findings["input_duplicated"].add("seq " + std::to_string(seq) + " at " +
                                       where(options.input, m.partition, m.offset) + " and @" +
                                       std::to_string(record.offset));
      if (m.partition == record.partition && fnv1a64(m.value) == record.value_hash) {
        record.more_offsets.push_back(m.offset);
      } else {
        findings["input_corrupt"].add(where(options.input, m.partition, m.offset));
      }
      return;
    }
    record = InputRecord{m.partition, m.offset, {}, fnv1a64(m.value), parsed->poison, 0, 0};
  });
  int64_t poison = 0;
  for (int64_t seq = 0; seq < options.records; ++seq) {
    const auto& record = input[static_cast<size_t>(seq)];
    if (record.partition < 0) findings["input_missing"].add("seq " + std::to_string(seq));
    poison += record.poison ? 1 : 0;
  }
  auto input_of = [&](int64_t seq) -> InputRecord* {
    if (seq < 0 || seq >= options.records) return nullptr;
    auto& record = input[static_cast<size_t>(seq)];
    return record.partition >= 0 ? &record : nullptr;
  };

  // ---- output, read_committed ----------------------------------------------------------------
  std::map<std::string, Committed> committed;
  std::map<std::pair<int32_t, int32_t>, int64_t> last_input_offset;  // (out p, in p) -> offset
  int64_t output_count = 0;
  read_topic(cluster, options.output, output_partitions, "read_committed", [&](const Message& m) {
    ++output_count;
    const int64_t seq = parse_sequence_key(m.key);
    committed[options.output][{m.partition, m.offset}] = seq;
    InputRecord* in = input_of(seq);
    if (in == nullptr) {
      findings["never_input"].add(where(options.output, m.partition, m.offset));
      return;
    }
    if (++in->out == in->copies() + 1) findings["duplicated"].add("seq " + std::to_string(seq));
    if (in->poison) findings["poison_in_output"].add("seq " + std::to_string(seq));
    const std::string_view prefix = options.value_prefix;
    if (m.value.substr(0, prefix.size()) != prefix ||
        fnv1a64(m.value.substr(prefix.size())) != in->value_hash) {
      findings["transform_mismatch"].add(where(options.output, m.partition, m.offset));
    }
    // Records of one input partition must leave in input order (in any one output partition).
    auto [last, fresh] = last_input_offset.try_emplace({m.partition, in->partition}, in->offset);
    if (!fresh) {
      if (in->offset < last->second) {
        findings["out_of_order"].add("seq " + std::to_string(seq) + " at " +
                                     where(options.output, m.partition, m.offset));
      }
      last->second = in->offset;
    }
  });

  // ---- dead letters, read_committed ----------------------------------------------------------
  int64_t dlq_count = 0;
  if (!options.dlq.empty()) {
    read_topic(cluster, options.dlq, dlq_partitions, "read_committed", [&](const Message& m) {
      ++dlq_count;
      const int64_t seq = parse_sequence_key(m.key);
      committed[options.dlq][{m.partition, m.offset}] = seq;
      InputRecord* in = input_of(seq);
      if (in == nullptr) {
        findings["never_input"].add(where(options.dlq, m.partition, m.offset));
        return;
      }
      if (++in->dlq == in->copies() + 1) {
        findings["duplicated"].add("seq " + std::to_string(seq) + " (DLQ)");
      }
      if (!in->poison) findings["clean_record_in_dlq"].add("seq " + std::to_string(seq));
      txform::v1::DeadLetter letter;
      if (!letter.ParseFromArray(m.value.data(), static_cast<int>(m.value.size())) ||
          letter.source_topic() != options.input ||
          !in->holds(letter.source_partition(), letter.source_offset()) ||
          fnv1a64(letter.value()) != in->value_hash) {
        findings["dead_letter_mismatch"].add(where(options.dlq, m.partition, m.offset));
      }
    });
  }
  for (int64_t seq = 0; seq < options.records; ++seq) {
    const auto& in = input[static_cast<size_t>(seq)];
    if (in.partition < 0) continue;
    if (in.out + in.dlq < in.copies()) findings["lost"].add("seq " + std::to_string(seq));
    if (in.out > 0 && in.dlq > 0) findings["in_output_and_dlq"].add("seq " + std::to_string(seq));
  }

  // ---- aborted records: what read_uncommitted sees beyond read_committed ---------------------
  int64_t aborted = 0;
  for (const auto& [topic, partitions] : outputs) {
    int64_t all = 0;
    read_topic(cluster, topic, partitions, "read_uncommitted", [&](const Message&) { ++all; });
    aborted += all - static_cast<int64_t>(committed[topic].size());
  }
  if (options.require_aborted && aborted == 0) {
    findings["vacuous_no_aborted_records"].add(
        "no aborted record in the output or DLQ: the faults never hit an open transaction");
  }

  // ---- offsets and transactions --------------------------------------------------------------
  const auto input_ends = end_offsets(cluster, options.input, input_partitions, "read_uncommitted");
  const auto group_offsets =
      committed_offsets(cluster, options.group, options.input, input_partitions);
  for (int p = 0; p < input_partitions; ++p) {
    const auto i = static_cast<size_t>(p);
    if (input_ends[i] != group_offsets[i]) {
      findings["committed_offset_mismatch"].add(options.input + "[" + std::to_string(p) +
                                                "]: committed " + std::to_string(group_offsets[i]) +
                                                ", end " + std::to_string(input_ends[i]));
    }
  }
  for (const auto& [topic, partitions] : outputs) {
    const auto stable = end_offsets(cluster, topic, partitions, "read_committed");
    const auto high = end_offsets(cluster, topic, partitions, "read_uncommitted");
    for (int p = 0; p < partitions; ++p) {
      const auto i = static_cast<size_t>(p);
      if (stable[i] != high[i]) {
        findings["open_transaction"].add(topic + "[" + std::to_string(p) +
                                         "]: last stable offset " + std::to_string(stable[i]) +
                                         " < high watermark " + std::to_string(high[i]));
      }
    }
  }
  nlohmann::json hanging_runs = nlohmann::json::array();
  if (!options.find_hanging.empty()) {
    for (const auto& [topic, partitions] : outputs) {
      std::string text;
      const int64_t rows = find_hanging(options.find_hanging, topic, text);
      hanging_runs.push_back({{"topic", topic}, {"rows", rows}});
      if (rows != 0) {
        findings["hanging_transaction"].add(topic + ": " +
                                            (rows < 0 ? "find-hanging failed: " + text : text));
      }
    }
  }

  // ---- the concurrent watcher's view ---------------------------------------------------------
  int64_t watched = 0;
  for (const auto& path : options.watch_logs) {
    std::ifstream log(path);
    if (!log) throw std::runtime_error("cannot read watch log " + path);
    std::map<std::pair<char, int32_t>, int64_t> last;
    std::vector<int> seen(static_cast<size_t>(options.records), 0);
    char kind = 0;
    int32_t partition = 0;
    int64_t offset = 0;
    int64_t seq = 0;
    while (log >> kind >> partition >> offset >> seq) {
      ++watched;
      const std::string& topic = kind == 'o' ? options.output : options.dlq;
      const std::string at = where(topic, partition, offset);
      auto [prev, fresh] = last.try_emplace({kind, partition}, offset);
      if (!fresh) {
        if (offset <= prev->second) findings["watch_non_monotonic"].add(at);
        prev->second = offset;
      }
      if (seq >= 0 && seq < options.records) {
        const InputRecord* in = input_of(seq);
        if (++seen[static_cast<size_t>(seq)] > (in != nullptr ? in->copies() : 1))
          findings["watch_duplicate"].add("seq " + std::to_string(seq));
      }
      const auto& final_records = committed[topic];
      const auto found = final_records.find({partition, offset});
      if (found == final_records.end() || found->second != seq)
        findings["watch_saw_uncommitted"].add(at);
    }
  }

  // ---- report --------------------------------------------------------------------------------
  int64_t violations = 0;
  nlohmann::json found = nlohmann::json::object();
  for (const auto& [kind, finding] : findings) {
    if (!about_the_input_only(kind)) violations += finding.count;
    found[kind] = {{"count", finding.count},
                   {"examples", finding.examples},
                   {"violation", !about_the_input_only(kind)}};
  }
  nlohmann::json report = {{"ok", violations == 0},
                           {"records", options.records},
                           {"input_records", input_count},
                           {"poison_records", poison},
                           {"output_records", output_count},
                           {"dlq_records", dlq_count},
                           {"aborted_records", aborted},
                           {"watched_records", watched},
                           {"duplicates", findings["duplicated"].count},
                           {"input_duplicates", findings["input_duplicated"].count},
                           {"lost", findings["lost"].count},
                           {"find_hanging", hanging_runs},
                           {"violations", violations},
                           {"checks", found}};
  std::printf("%-28s %12s\n", "check", "count");
  for (const auto& [kind, finding] : findings) {
    std::printf("%-28s %12lld%s\n", kind.c_str(), static_cast<long long>(finding.count),
                finding.count == 0           ? ""
                : about_the_input_only(kind) ? "  (the input's own; not a violation)"
                                             : "  VIOLATION");
    for (const auto& example : finding.examples)
      std::printf("    e.g. %s\n", example.c_str());
  }
  std::printf("%-28s %12lld\n%-28s %12lld\n%-28s %12lld\n%-28s %12lld\n%-28s %12lld\n",
              "input records", static_cast<long long>(input_count), "output records",
              static_cast<long long>(output_count), "dead letters",
              static_cast<long long>(dlq_count), "aborted records (uncommitted)",
              static_cast<long long>(aborted), "records seen by the watcher",
              static_cast<long long>(watched));
  std::printf("verify: %s\n", violations == 0 ? "PASS" : "FAIL");
  std::fflush(stdout);
  if (!options.report.empty()) std::ofstream(options.report) << report.dump(2) << "\n";
  return violations == 0 ? 0 : 1;
}

}  // namespace txform::tools

// A test-only plugin whose failures are scripted by its config, for the engine's integration tests.
//
//   value_prefix      prepended to every output value (default "out:"): the deterministic transform
//   retry_every       N: a record whose key is a multiple of N answers RETRY on its first
//                     `retry_times` tries (default 1)
//   poison_prefix     a value starting with it is rejected with RECORD_ERROR (default "poison")
//   delay_us          sleep this long per record (slows a run so a test can interrupt it)
//   keep_partition    "true": each output goes to its input's partition number, so every output
//                     partition has one writer and its offsets show transaction boundaries
//
// Built twice: `testkit` (1.0.0) and, with TESTKIT_NEXT, `testkit-next` (2.0.0, default prefix
// "next:"), a new version of the same plugin that plugin reload tests install over the first.
#include <chrono>
#include <map>
#include <thread>
#include <tuple>
#include <txform/plugin.hpp>

#ifdef TESTKIT_NEXT
#define TESTKIT_VERSION "2.0.0"
#define TESTKIT_DEFAULT_PREFIX "next:"
#else
#define TESTKIT_VERSION "1.0.0"
#define TESTKIT_DEFAULT_PREFIX "out:"
#endif

namespace {

class Testkit {
 public:
  explicit Testkit(const txform::Config& config)
      : prefix_(config.get_or("value_prefix", TESTKIT_DEFAULT_PREFIX)),
        poison_(config.get_or("poison_prefix", "poison")),
        retry_every_(config.get_int_or("retry_every", 0)),
        retry_times_(config.get_int_or("retry_times", 1)),
        delay_(config.get_int_or("delay_us", 0)),
        keep_partition_(config.get_or("keep_partition", "false") == "true") {}

  txform::Status process(const txform::RecordView& in, txform::Emitter& out) {
    if (delay_.count() > 0) std::this_thread::sleep_for(delay_);
    if (!poison_.empty() && in.value().substr(0, poison_.size()) == poison_) {
      throw txform::RecordError("poison record");
    }
    if (retry_every_ > 0 && std::stoll(std::string(in.key())) % retry_every_ == 0) {
      // Tries survive the abort that a RETRY causes: the instance lives on.
      int64_t& tries = tries_[{std::string(in.topic()), in.partition(), in.offset()}];
      if (tries++ < retry_times_) throw txform::RetryError("scripted transient failure");
    }
    value_.assign(prefix_);
    value_.append(in.value());
    if (keep_partition_) {
      txform::Record record;
      record.key = std::string(in.key());
      record.value = value_;
      record.partition = in.partition();
      return out.emit(record);
    }
    return out.emit(in.with_value(value_));
  }

 private:
  std::string prefix_;
  std::string poison_;
  int64_t retry_every_;
  int64_t retry_times_;
  std::chrono::microseconds delay_;
  bool keep_partition_;
  std::map<std::tuple<std::string, int32_t, int64_t>, int64_t> tries_;
  std::string value_;  // reused: no allocation per record once grown
};

}  // namespace

TXFORM_PLUGIN(Testkit, "testkit", TESTKIT_VERSION)

// The C++ SDK on its own: its views, owned types, config helpers, and the exception boundary,
// driven through a fake host table (no loader involved).
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <txform/plugin.hpp>
#include <type_traits>
#include <vector>

namespace {

// A fake host: records what a plugin emits, logs and reports.
struct FakeHost {
  std::vector<std::string> emitted;
  std::vector<txform_output> outputs;  // the pointers dangle after emit: read only scalars
  std::vector<std::string> topics;
  std::string error;
  std::vector<std::string> logs;
  txform_status emit_status = TXFORM_STATUS_OK;
};
FakeHost* fake;  // the current test's

txform_status fake_emit(txform_emitter*, const txform_output* out) {
  fake->emitted.emplace_back(
      out->value.data == nullptr ? "<null>" : std::string(out->value.data, out->value.size));
  fake->outputs.push_back(*out);
  fake->topics.emplace_back(
      out->topic.data == nullptr ? "<default>" : std::string(out->topic.data, out->topic.size));
  return fake->emit_status;
}
void fake_log(txform_host*, txform_log_level, const char* message, size_t size) {
  fake->logs.emplace_back(message, size);
}
void fake_set_error(txform_host*, const char* message, size_t size) {
  fake->error.assign(message, size);
}
const txform_host_api kFakeApi{sizeof(txform_host_api), &fake_emit, &fake_log, &fake_set_error};

class SdkTest : public ::testing::Test {
 protected:
  void SetUp() override { fake = &host_; }
  void TearDown() override { fake = nullptr; }

  // Creates an instance of T through its descriptor, as the host would.
  template <class T>
  txform_plugin_instance* create(const std::vector<std::pair<std::string, std::string>>& config) {
    std::vector<txform_config_entry> entries;
    for (const auto& [k, v] : config) {
      entries.push_back({{k.c_str(), k.size()}, {v.c_str(), v.size()}});
    }
    const txform_plugin* d = txform::detail::descriptor<T>("t", "1");
    return d->create(&kFakeApi, nullptr, entries.data(), entries.size());
  }

  FakeHost host_;
};

txform_record record(std::string_view key, std::string_view value, const txform_header* headers,
                     size_t count) {
  return txform_record{sizeof(txform_record),
                       {"topic", 5},
                       {key.data(), key.size()},
                       {value.data(), value.size()},
                       headers,
                       count,
                       99,
                       5,
                       1,
                       0};
}

TEST(RecordView, ReadsEveryFieldAndKeepsNullDistinctFromEmpty) {
  const txform_header headers[] = {{{"a", 1}, {"1", 1}}, {{"b", 1}, {nullptr, 0}}};
  const txform_record r = record("key", {}, headers, 2);
  const txform::RecordView view(r);
  EXPECT_EQ(view.topic(), "topic");
  EXPECT_EQ(view.partition(), 1);
  EXPECT_EQ(view.offset(), 5);
  EXPECT_EQ(view.timestamp_ms(), 99);
  EXPECT_TRUE(view.has_key());
  EXPECT_FALSE(view.has_value());
  EXPECT_EQ(view.value(), "");
  EXPECT_EQ(view.header("a"), "1");
  EXPECT_EQ(view.header("b"), std::nullopt);
  EXPECT_EQ(view.headers().size(), 2u);

  const txform::Record owned = view.to_owned();
  EXPECT_EQ(owned.key, "key");
  EXPECT_EQ(owned.value, std::nullopt);
  ASSERT_EQ(owned.headers.size(), 2u);
  EXPECT_EQ(owned.headers[1].value, std::nullopt);
  EXPECT_EQ(owned.timestamp_ms, 99);
}

TEST(RecordView, WithValueReplacesOnlyTheValue) {
  const txform_record r = record("key", "old", nullptr, 0);
  const std::string replacement = "new";
  const txform::RecordView changed = txform::RecordView(r).with_value(replacement);
  EXPECT_EQ(changed.value(), "new");
  EXPECT_EQ(changed.key(), "key");
  EXPECT_EQ(txform::RecordView(r).value(), "old");
}

// with_value(temporary std::string) would dangle; the SDK makes it a compile error.
template <class T, class = void>
struct accepts_value : std::false_type {};
template <class T>
struct accepts_value<T, std::void_t<decltype(std::declval<const txform::RecordView&>().with_value(
                            std::declval<T>()))>> : std::true_type {};
static_assert(!accepts_value<std::string>::value, "a temporary string must not compile");
static_assert(accepts_value<std::string&>::value);
static_assert(accepts_value<std::string_view>::value);
static_assert(accepts_value<const char*>::value);

TEST(Config, ReadsValuesAndExplainsBadOnes) {
  const txform::Config config({{"n", "12"}, {"bad", "12x"}, {"s", "text"}});
  EXPECT_EQ(config.get("s"), "text");
  EXPECT_EQ(config.get("missing"), std::nullopt);
  EXPECT_EQ(config.get_or("missing", "d"), "d");
  EXPECT_EQ(config.get_int_or("n", 0), 12);
  EXPECT_EQ(config.get_int_or("missing", 7), 7);
  try {
    config.get_int_or("bad", 0);
    FAIL() << "no exception";
  } catch (const txform::Error& e) {
    EXPECT_EQ(e.status(), txform::Status::fatal);
    EXPECT_STREQ(e.what(), "config key 'bad' must be an integer, got '12x'");
  }
  EXPECT_THROW(config.require("missing"), txform::FatalError);
  EXPECT_THROW(config.expect_only({"n", "s"}), txform::FatalError);
  EXPECT_NO_THROW(config.expect_only({"n", "s", "bad"}));
}

struct Minimal {
  txform::Status process(const txform::RecordView& in, txform::Emitter& out) {
    return out.emit(in);
  }
};

struct Full {
  explicit Full(const txform::Config& config) : prefix(config.require("prefix")) {}
  void process(const txform::RecordView& in, txform::Emitter& out) {
    if (in.value() == "bad") throw txform::RecordError("bad value");
    if (in.value() == "boom") throw std::logic_error("boom");
    value = prefix + std::string(in.value());
    txform::Record r;
    r.value = value;
    r.topic = "elsewhere";
    r.headers.push_back({"h", "v"});
    out.emit(r);
  }
  txform::Status flush(txform::Emitter&) { return txform::Status::retry; }
  void on_commit() {}
  void on_abort() { throw txform::FatalError("cannot roll back"); }
  std::string prefix;
  std::string value;
};

TEST_F(SdkTest, OptionalHooksAppearInTheDescriptorOnlyWhenDefined) {
  const txform_plugin* minimal = txform::detail::descriptor<Minimal>("m", "1");
  EXPECT_EQ(minimal->struct_size, sizeof(txform_plugin));
  EXPECT_EQ(minimal->abi_major, static_cast<uint32_t>(TXFORM_ABI_VERSION_MAJOR));
  EXPECT_EQ(minimal->flush, nullptr);
  EXPECT_EQ(minimal->on_commit, nullptr);
  EXPECT_EQ(minimal->on_abort, nullptr);
  const txform_plugin* full = txform::detail::descriptor<Full>("f", "1");
  EXPECT_NE(full->flush, nullptr);
  EXPECT_NE(full->on_commit, nullptr);
  EXPECT_NE(full->on_abort, nullptr);
}

TEST_F(SdkTest, ExceptionsBecomeStatusesAndMessagesAtTheBoundary) {
  const txform_plugin* d = txform::detail::descriptor<Full>("f", "1");
  EXPECT_EQ(create<Full>({}), nullptr);
  EXPECT_EQ(host_.error, "missing required config key 'prefix'");

  txform_plugin_instance* instance = create<Full>({{"prefix", ">"}});
  ASSERT_NE(instance, nullptr);
  txform_record r = record("k", "bad", nullptr, 0);
  EXPECT_EQ(d->process(instance, &r, nullptr), TXFORM_STATUS_RECORD_ERROR);
  EXPECT_EQ(host_.error, "bad value");
  r = record("k", "boom", nullptr, 0);
  EXPECT_EQ(d->process(instance, &r, nullptr), TXFORM_STATUS_FATAL);
  EXPECT_EQ(host_.error, "boom");
  r = record("k", "ok", nullptr, 0);
  EXPECT_EQ(d->process(instance, &r, nullptr), TXFORM_STATUS_OK);  // void means ok
  ASSERT_EQ(host_.emitted, std::vector<std::string>{">ok"});
  EXPECT_EQ(host_.topics[0], "elsewhere");
  EXPECT_EQ(host_.outputs[0].key.data, nullptr);  // the owned record had no key
  EXPECT_EQ(host_.outputs[0].partition, TXFORM_PARTITION_UNSET);
  EXPECT_EQ(d->flush(instance, nullptr), TXFORM_STATUS_RETRY);
  EXPECT_EQ(d->on_commit(instance), TXFORM_STATUS_OK);
  EXPECT_EQ(d->on_abort(instance), TXFORM_STATUS_FATAL);
  EXPECT_EQ(host_.error, "cannot roll back");
  d->destroy(instance);
}

TEST_F(SdkTest, EmitReturnsTheHostsStatus) {
  const txform_plugin* d = txform::detail::descriptor<Minimal>("m", "1");
  txform_plugin_instance* instance = create<Minimal>({});
  host_.emit_status = TXFORM_STATUS_FATAL;
  const txform_record r = record("k", "v", nullptr, 0);
  EXPECT_EQ(d->process(instance, &r, nullptr), TXFORM_STATUS_FATAL);
  d->destroy(instance);
}

TEST(HelloWorld, FitsInTenLines) {
  std::ifstream in(TXFORM_TEST_HELLO_WORLD);
  ASSERT_TRUE(in) << TXFORM_TEST_HELLO_WORLD;
  int lines = 0;
  for (std::string line; std::getline(in, line);)
    ++lines;
  EXPECT_LE(lines, 10);
  EXPECT_GT(lines, 3);
}

}  // namespace

// The JSON Lines history file: what is written reads back as the same events.
#include "sim/history/history_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <vector>

#include "sim/history/client_recorder.h"

namespace mqttbed::history {
namespace {

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          (name + "-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed())))
      .string();
}

std::vector<std::string> lines_of(const History& history, const std::vector<Event>& events) {
  std::vector<std::string> lines;
  for (const Event& e : events) lines.push_back(event_to_json_line(e, history));
  return lines;
}

TEST(HistoryFile, RoundTripsEveryEventAndTheWindow) {
  const std::string path = temp_path("roundtrip.jsonl");
  History written;
  std::vector<Event> original;
  written.add_observer([&](const Event& e) { original.push_back(e); });
  HistoryWriter writer(path, written,
                       {.end_ns = 100,
                        .settle_start_ns = 50,
                        .checks = {"qos", "will"},
                        .retained_survive_restart = false,
                        .broker_ordering = false,
                        .payload_limit_bytes = 4096});
  writer.attach(written);
  std::int64_t now = 0;
  ClientRecorder dev(written, "dev \"1\"", [&] { return now++; });
  ClientRecorder app(written, "app", [&] { return now++; });
  const std::string will = dev.connect_sent(false, "s/dev", 1, true, "gone", {}, 300);
  dev.connack(true, 0);
  app.connect_sent(true, {}, 0);  // keepalive off: 0 must survive, not read as "unrecorded"
  auto sent =
      dev.publish_sent("$aws/things/x/shadow/update", 2, false, R"({"seq":1,"total":3})", 30);
  app.delivered("$aws/things/x/shadow/update", 1, false, true, sent.payload, 12);
  app.delivered("s/dev", 1, true, false, will);
  dev.publish_acked(sent.seq);
  dev.connection_lost("network\nreset");
  EXPECT_FALSE(std::filesystem::exists(path));  // only PATH.tmp until close
  writer.close(200, 150);
  ASSERT_TRUE(std::filesystem::exists(path));
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));

  History read;
  std::vector<Event> replayed;
  read.add_observer([&](const Event& e) { replayed.push_back(e); });
  const HistoryFileInfo info = read_history_file(path, read);
  EXPECT_EQ(info.end_ns, 200);
  EXPECT_EQ(info.settle_start_ns, 150);
  EXPECT_EQ(info.checks, (std::vector<std::string>{"qos", "will"}));
  EXPECT_FALSE(info.retained_survive_restart);
  EXPECT_FALSE(info.broker_ordering);
  EXPECT_EQ(info.payload_limit_bytes, 4096);
  EXPECT_EQ(info.events, original.size());
  EXPECT_EQ(lines_of(read, replayed), lines_of(written, original));
  ASSERT_EQ(replayed.at(0).type, EventType::connect_sent);
  EXPECT_EQ(replayed.at(0).keepalive_s, 300);
  ASSERT_EQ(replayed.at(2).type, EventType::connect_sent);
  EXPECT_EQ(replayed.at(2).keepalive_s, 0);
  EXPECT_EQ(replayed.at(3).expiry_s, 30u);  // MQTT 5 Message Expiry Interval as sent
  EXPECT_EQ(replayed.at(4).expiry_s, 12u);  // and as forwarded
  std::filesystem::remove(path);
}

// Files written before connect_sent carried "ka" still read: with 80 s, the keepalive whose
// 1.5 x slack (120 s) their checkers assumed.
TEST(HistoryFile, ConnectWithoutRecordedKeepaliveReadsAsEightySeconds) {
  const std::string path = temp_path("noka.jsonl");
  std::ofstream(path) << R"({"format":"mqttbed-history","version":1})"
                      << "\n"
                      << R"({"t":1,"e":"connect_sent","c":"a","detail":"clean"})"
                      << "\n"
                      << R"({"end":true,"end_ns":2,"settle_start_ns":1,"events":1})"
                      << "\n";
  History history;
  std::vector<Event> events;
  history.add_observer([&](const Event& e) { events.push_back(e); });
  read_history_file(path, history);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].keepalive_s, 80);
  std::filesystem::remove(path);
}

TEST(HistoryFile, RejectsAFileWithoutHeader) {
  const std::string path = temp_path("noheader.jsonl");
  std::ofstream(path) << "{\"t\":1,\"e\":\"connack\",\"c\":\"a\"}\n";
  History history;
  EXPECT_THROW(read_history_file(path, history), std::runtime_error);
  std::filesystem::remove(path);
}

TEST(HistoryFile, ReportsTheLineOfAMalformedEvent) {
  const std::string path = temp_path("bad.jsonl");
  std::ofstream(path) << R"({"format":"mqttbed-history","version":1})"
                      << "\n"
                      << R"({"t":1,"e":"exploded","c":"a"})"
                      << "\n";
  History history;
  try {
    read_history_file(path, history);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find(":2:"), std::string::npos) << error.what();
  }
  std::filesystem::remove(path);
}

// Two processes of a sharded live run, each with its own history (and its own client
// numbering): the merge is one history in time order, identities resolved by name.
TEST(HistoryFile, MergesFilesInTimeOrder) {
  const std::string first = temp_path("shard0.jsonl"), second = temp_path("shard1.jsonl");
  std::int64_t now = 0;
  std::string payload;
  std::uint64_t seq = 0;
  {
    History shard;
    HistoryWriter writer(first, shard, {.end_ns = 100, .settle_start_ns = 50, .checks = {}});
    writer.attach(shard);
    ClientRecorder sensor(shard, "sensor", [&] { return now; });
    now = 10;
    sensor.connect_sent(true);
    now = 30;
    auto sent = sensor.publish_sent("t/s", 1, false, "x");
    payload = sent.payload;
    seq = sent.seq;
    now = 50;
    sensor.publish_acked(seq);
    writer.close();
  }
  {
    History shard;
    HistoryWriter writer(second, shard, {.end_ns = 100, .settle_start_ns = 50, .checks = {}});
    writer.attach(shard);
    ClientRecorder other(shard, "other", [&] { return now; });  // client 1 here, not "sensor"
    ClientRecorder app(shard, "app", [&] { return now; });
    now = 20;
    other.connect_sent(true);
    now = 40;
    app.delivered("t/s", 1, false, false, payload);
    writer.close();
  }
  History merged;
  std::vector<std::string> order;
  std::vector<Event> events;
  merged.add_observer([&](const Event& e) {
    order.push_back(merged.client_name(e.client) + "@" + std::to_string(e.time_ns));
    events.push_back(e);
  });
  const HistoryFileInfo info = merge_history_files({first, second}, merged);
  EXPECT_EQ(info.events, 5u);
  EXPECT_EQ(info.end_ns, 100);
  EXPECT_EQ(order, (std::vector<std::string>{"sensor@10", "other@20", "sensor@30", "app@40",
                                             "sensor@50"}));
  EXPECT_EQ(merged.client_name(events[3].msg.publisher), "sensor");
  EXPECT_EQ(events[3].msg.seq, seq);
  EXPECT_EQ(events[3].msg, events[2].msg);  // the delivery names the publish it delivers
  std::filesystem::remove(first);
  std::filesystem::remove(second);
}

}  // namespace
}  // namespace mqttbed::history

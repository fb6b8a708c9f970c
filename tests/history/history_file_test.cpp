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
                        .retained_survive_restart = false});
  writer.attach(written);
  std::int64_t now = 0;
  ClientRecorder dev(written, "dev \"1\"", [&] { return now++; });
  ClientRecorder app(written, "app", [&] { return now++; });
  const std::string will = dev.connect_sent(false, "s/dev", 1, true, "gone");
  dev.connack(true, 0);
  auto sent = dev.publish_sent("$aws/things/x/shadow/update", 2, false, R"({"seq":1,"total":3})");
  app.delivered("$aws/things/x/shadow/update", 1, false, true, sent.payload);
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
  EXPECT_EQ(info.events, original.size());
  EXPECT_EQ(lines_of(read, replayed), lines_of(written, original));
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

}  // namespace
}  // namespace mqttbed::history

// The live client speaking MQTT 5 to a real mosquitto: Clean Start and Session Expiry on the
// CONNECT, and the reason codes of CONNACK, SUBACK and UNSUBACK recorded in the history, which
// the reason_codes checker then accepts (Paho C 1.3 drops the code of a successful PUBACK,
// and mosquitto 2.0 closes a taken-over connection without a DISCONNECT: docs/live.md), and
// the Message Expiry Interval both ways.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/check/checks.h"
#include "sim/history/history.h"
#include "sim/live/live_runtime.h"
#include "tests/live/mosquitto_broker.h"

namespace mqttbed::live {
namespace {

using std::chrono::seconds;
using testing::MosquittoBroker;

struct V5Bed {
  explicit V5Bed(const MosquittoBroker& broker)
      : options(make_options(broker, "v5-")),
        usurping(make_options(broker, "v5-de")),
        runtime(loop, history, options, broker.url(), nullptr),
        usurper_runtime(loop, history, usurping, broker.url(), nullptr) {
    history.add_observer([this](const history::Event& event) { events.push_back(event); });
  }
  static LiveOptions make_options(const MosquittoBroker& broker, const std::string& prefix) {
    LiveOptions options;
    options.broker_url = broker.url();
    options.client_prefix = prefix;
    return options;
  }
  // The verdict of check `name` on everything recorded.
  check::Verdict verdict(const std::string& name) const {
    auto checkers = check::make_checkers({name});
    for (const auto& event : events) checkers.at(0)->observe(event, history);
    return checkers.at(0)->finish(check::CheckContext{loop.now().count(), 0, true});
  }
  bool run_for(seconds limit) {
    loop.run_until(loop.now() + limit);
    return done;
  }
  void finish() {
    done = true;
    loop.stop();
  }
  // The events of `client` of `type`, in order.
  std::vector<history::Event> of(const std::string& client, history::EventType type) const {
    std::vector<history::Event> found;
    for (const auto& event : events) {
      if (event.type == type && history.client_name(event.client) == client) found.push_back(event);
    }
    return found;
  }

  LiveLoop loop;
  history::History history;
  LiveOptions options;
  LiveOptions usurping;  // its client "v" is "v5-dev" on the wire, as the runtime's "dev"
  LiveRuntime runtime;
  LiveRuntime usurper_runtime;
  std::vector<history::Event> events;
  bool done = false;
};

runtime::ConnectOptions v5(bool clean_start, std::optional<seconds> expiry) {
  runtime::ConnectOptions options;
  options.version = runtime::ProtocolVersion::v5;
  options.clean_session = clean_start;
  options.session_expiry = expiry;
  return options;
}

// v5 §3.1.2.11.2: a session outlives its connection by the Session Expiry Interval; with
// none (0) it ends with it, whatever Clean Start says (MQTT-3.1.2-4/-5/-6 and §3.2.2.1.1).
TEST(LiveMqtt5, SessionExpiryDecidesWhetherTheSessionSurvives) {
  MosquittoBroker broker;
  V5Bed bed(broker);
  auto device = bed.runtime.make_client("dev", -1);
  std::vector<bool> present;
  // 1: clean start, expiry 60 s; 2: resume (present); 3: resume with expiry 0; 4: resume
  // after that (gone).
  const std::vector<runtime::ConnectOptions> plan = {v5(true, seconds(60)), v5(false, seconds(60)),
                                                     v5(false, std::nullopt),
                                                     v5(false, seconds(60))};
  auto connect_next = [&] { device->connect(plan.at(present.size())); };
  device->on_connected = [&](bool session_present) {
    present.push_back(session_present);
    if (present.size() == plan.size()) return bed.finish();
    device->disconnect();
    // Paho refuses a CONNECT while its DISCONNECT is still going out: retry shortly.
    bed.loop.schedule(std::chrono::milliseconds(200), connect_next);
  };
  device->on_connect_failed = [&](int) {
    bed.loop.schedule(std::chrono::milliseconds(200), connect_next);
  };
  connect_next();
  ASSERT_TRUE(bed.run_for(seconds(20))) << broker.log();
  EXPECT_EQ(present, (std::vector<bool>{false, true, true, false}));
  const auto connects = bed.of("dev", history::EventType::connect_sent);
  ASSERT_EQ(connects.size(), 4u);
  for (const auto& connect : connects) EXPECT_EQ(connect.code, 5);  // recorded as MQTT 5
  EXPECT_EQ(bed.history.string(connects[1].detail), "persistent expiry=60");
  for (const auto& connack : bed.of("dev", history::EventType::connack))
    EXPECT_EQ(connack.code, 0x00);
}

TEST(LiveMqtt5, ReasonCodesOfTheAnswersAreRecorded) {
  MosquittoBroker broker;
  V5Bed bed(broker);
  auto device = bed.runtime.make_client("dev", -1);
  auto usurper = bed.usurper_runtime.make_client("v", -1);
  bool lost = false;
  std::uint64_t acked = 0;
  device->on_connected = [&](bool) {
    device->subscribe("a/#", 1);
    device->unsubscribe("never/subscribed");
    device->publish("nobody/listens", "x", 1, false);
  };
  device->on_publish_complete = [&](std::uint64_t token) {
    acked = token;
    // Take the session over with a second client of the same wire id (MQTT-3.1.4-3: the
    // server closes the first connection; a DISCONNECT 0x8E first is optional, §4.13).
    usurper->connect(v5(true, std::nullopt));
  };
  device->on_connection_lost = [&](runtime::LossReason) {
    lost = true;
    bed.finish();
  };
  device->connect(v5(true, std::nullopt));
  ASSERT_TRUE(bed.run_for(seconds(15))) << broker.log();
  EXPECT_TRUE(lost);

  const auto subacks = bed.of("dev", history::EventType::suback);
  ASSERT_EQ(subacks.size(), 1u);
  EXPECT_EQ(subacks[0].code, 0x01);  // Granted QoS 1
  const auto unsubacks = bed.of("dev", history::EventType::unsuback);
  ASSERT_EQ(unsubacks.size(), 1u);
  EXPECT_EQ(unsubacks[0].code, 0x11);  // No subscription existed
  const auto acks = bed.of("dev", history::EventType::publish_acked);
  ASSERT_EQ(acks.size(), 1u);
  EXPECT_EQ(acks[0].msg.seq, acked);
  const auto losses = bed.of("dev", history::EventType::connection_lost);
  ASSERT_EQ(losses.size(), 1u);
  const check::Verdict verdict = bed.verdict("reason_codes");
  EXPECT_TRUE(verdict.passed);
  // CONNACK, SUBACK, UNSUBACK, PUBACK (and the usurper's CONNACK if it came first).
  EXPECT_GE(verdict.counts.checked, 4u);
}

// MQTT-3.3.2-5/-6 against mosquitto: of two messages queued for an offline session, the
// one whose interval (1 s) ran out while it waited (3 s) is not delivered, and the other
// arrives with what is left of its 60 s.
TEST(LiveMqtt5, ExpiredMessagesAreDroppedAndTheRestCarryWhatIsLeft) {
  MosquittoBroker broker;
  V5Bed bed(broker);
  auto subscriber = bed.runtime.make_client("sub", -1);
  auto publisher = bed.runtime.make_client("pub", -1);
  std::vector<runtime::ReceivedMessage> got;
  int connects = 0, acked = 0;
  subscriber->on_connected = [&](bool) {
    if (++connects == 1) subscriber->subscribe("exp/#", 1);
  };
  subscriber->on_subscribed = [&](const std::string&, int) {
    subscriber->disconnect();
    publisher->connect(v5(true, std::nullopt));
  };
  subscriber->on_message = [&](const runtime::ReceivedMessage& message) {
    got.push_back(message);
    if (message.topic == "exp/fresh") bed.finish();
  };
  publisher->on_connected = [&](bool) {
    runtime::PublishOptions stale{std::chrono::seconds(1)};
    runtime::PublishOptions fresh{std::chrono::seconds(60)};
    publisher->publish("exp/stale", "old", 1, false, stale);
    publisher->publish("exp/fresh", "new", 1, false, fresh);
  };
  publisher->on_publish_complete = [&](std::uint64_t) {
    // Both are with the broker now; the stale one must outlive its interval there.
    if (++acked == 2) {
      bed.loop.schedule(seconds(3), [&] { subscriber->connect(v5(false, seconds(60))); });
    }
  };
  subscriber->connect(v5(true, seconds(60)));
  ASSERT_TRUE(bed.run_for(seconds(15))) << broker.log();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].payload, "new");
  ASSERT_TRUE(got[0].message_expiry.has_value());
  EXPECT_LE(got[0].message_expiry->count(), 58);  // waited at least 3 s, whole seconds, +-1
  const check::Verdict verdict = bed.verdict("message_expiry");
  EXPECT_TRUE(verdict.passed);
  EXPECT_EQ(verdict.counts.ok, 1u);
}

}  // namespace
}  // namespace mqttbed::live

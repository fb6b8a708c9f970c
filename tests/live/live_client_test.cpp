// The live client against a real mosquitto: wills after a blackhole (keepalive) and after a
// reset, none after a graceful DISCONNECT, through the fault proxy; an unreachable broker.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/history/history.h"
#include "sim/live/broker_address.h"
#include "sim/live/fault_proxy.h"
#include "sim/live/live_run.h"
#include "sim/live/live_runtime.h"
#include "tests/live/mosquitto_broker.h"

namespace mqttbed::live {
namespace {

using std::chrono::seconds;
using testing::MosquittoBroker;

// Two runtimes on one loop: devices through the fault proxy, an observer straight to the
// broker (so faults never touch what the test watches with).
struct LiveBed {
  explicit LiveBed(const MosquittoBroker& broker)
      : proxy("127.0.0.1", broker.port()),
        options(make_options(broker)),
        proxied(loop, history, options, "tcp://127.0.0.1:" + std::to_string(proxy.port()), &proxy),
        direct(loop, history, options, broker.url(), nullptr) {}

  static LiveOptions make_options(const MosquittoBroker& broker) {
    LiveOptions options;
    options.broker_url = broker.url();
    options.client_prefix = "t-";
    return options;
  }

  // Runs the loop until stop() or `limit`; true when stopped by the test's condition.
  bool run_for(seconds limit) {
    loop.run_until(loop.now() + limit);
    return done;
  }
  void finish() {
    done = true;
    loop.stop();
  }

  LiveLoop loop;
  history::History history;
  FaultProxy proxy;
  LiveOptions options;
  LiveRuntime proxied;
  LiveRuntime direct;
  bool done = false;
};

runtime::ConnectOptions with_will(const std::string& topic, seconds keepalive) {
  runtime::ConnectOptions options;
  options.keepalive = keepalive;
  options.will = runtime::WillMessage{topic, "gone", 1, false};
  return options;
}

// Connects `watcher` subscribed to `filter`, then calls `then`.
void watch(runtime::MqttClient& watcher, const std::string& filter, std::function<void()> then) {
  watcher.on_connected = [&watcher, filter](bool) { watcher.subscribe(filter, 1); };
  watcher.on_subscribed = [then](const std::string&, int) { then(); };
  watcher.connect(runtime::ConnectOptions{});
}

TEST(ParseConnect, FindsTheClientIdOfAnMqtt311Connect) {
  // CONNECT, "MQTT" level 4, flags 2, keepalive 30, client id "ab".
  std::string packet = {0x10, 14, 0, 4, 'M', 'Q', 'T', 'T', 4, 2, 0, 30, 0, 2, 'a', 'b'};
  std::string id;
  EXPECT_EQ(parse_connect_client_id(packet.substr(0, 5), &id), 0);
  ASSERT_EQ(parse_connect_client_id(packet, &id), 1);
  EXPECT_EQ(id, "ab");
  EXPECT_EQ(parse_connect_client_id(std::string{0x30, 0}, &id), -1);
}

TEST(LiveClient, BlackholeFiresTheWillAfterKeepalive) {
  MosquittoBroker broker;
  LiveBed bed(broker);
  auto watcher = bed.direct.make_client("watcher", -1);
  auto device = bed.proxied.make_client("acct0-home0-sensor0", 0);
  const seconds keepalive(2);
  runtime::TimePoint cut_at{0}, will_at{0};
  watcher->on_message = [&](const runtime::ReceivedMessage& message) {
    if (message.topic != "will/sensor0") return;
    will_at = bed.loop.now();
    bed.finish();
  };
  device->on_connected = [&](bool) {
    // Nothing passes either way from now on, and no socket closes: only the broker's
    // keepalive check (MQTT-3.1.2-24: 1.5 x keepalive) can end the connection.
    bed.proxy.add_blackhole("t-acct0-home0-sensor0");
    cut_at = bed.loop.now();
  };
  watch(*watcher, "will/#", [&] { device->connect(with_will("will/sensor0", keepalive)); });
  ASSERT_TRUE(bed.run_for(seconds(20))) << "no will within 20 s\n" << broker.log();
  // Causality, not timing: the broker cannot have given up before one keepalive passed.
  EXPECT_GE(will_at - cut_at, keepalive);
  std::printf("will %.2f s after the blackhole (keepalive %lld s)\n",
              std::chrono::duration<double>(will_at - cut_at).count(),
              static_cast<long long>(keepalive.count()));
}

TEST(LiveClient, ResetFiresTheWill) {
  MosquittoBroker broker;
  LiveBed bed(broker);
  auto watcher = bed.direct.make_client("watcher", -1);
  auto device = bed.proxied.make_client("acct0-home0-light0", 0);
  // The will (to the watcher) and the loss (to the device) come over different
  // connections, in either order.
  bool lost = false, will = false;
  watcher->on_message = [&](const runtime::ReceivedMessage& message) {
    if (message.topic == "will/light0") will = true;
    if (will && lost) bed.finish();
  };
  device->on_connection_lost = [&](runtime::LossReason) {
    lost = true;
    if (will && lost) bed.finish();
  };
  device->on_connected = [&](bool) {
    bed.proxy.reset("t-acct0-home0-light0", FaultProxy::Side::both);
  };
  watch(*watcher, "will/#", [&] { device->connect(with_will("will/light0", seconds(30))); });
  // Keepalive is 30 s: a will inside 15 s can only come from the reset.
  EXPECT_TRUE(bed.run_for(seconds(15))) << "lost=" << lost << " will=" << will << "\n"
                                        << broker.log();
}

TEST(LiveClient, GracefulDisconnectSendsNoWill) {
  MosquittoBroker broker;
  LiveBed bed(broker);
  auto watcher = bed.direct.make_client("watcher", -1);
  auto device = bed.proxied.make_client("acct0-home0-gateway0", 0);
  int wills = 0, connects = 0;
  watcher->on_message = [&](const runtime::ReceivedMessage& message) {
    if (message.topic == "will/gateway0") ++wills;
    if (message.topic == "will/marker") bed.finish();
  };
  device->on_connected = [&](bool) {
    if (++connects == 1) {
      device->disconnect();
      device->connect(with_will("will/gateway0", seconds(30)));
      return;
    }
    // The broker handled the DISCONNECT (and any will) before this second CONNECT.
    device->publish("will/marker", "after", 1, false);
  };
  // Paho refuses a CONNECT while its DISCONNECT is still going out; devices back off and retry,
  // so does the test.
  device->on_connect_failed = [&](int) {
    bed.loop.schedule(std::chrono::milliseconds(100),
                      [&] { device->connect(with_will("will/gateway0", seconds(30))); });
  };
  watch(*watcher, "will/#", [&] { device->connect(with_will("will/gateway0", seconds(30))); });
  ASSERT_TRUE(bed.run_for(seconds(15))) << broker.log();
  EXPECT_EQ(wills, 0);
}

TEST(LiveClient, LatencyDelaysButDelivers) {
  MosquittoBroker broker;
  LiveBed bed(broker);
  auto watcher = bed.direct.make_client("watcher", -1);
  auto device = bed.proxied.make_client("acct0-home0-sensor1", 0);
  std::vector<std::string> seen;
  watcher->on_message = [&](const runtime::ReceivedMessage& message) {
    seen.push_back(message.payload);
    if (seen.size() == 3) bed.finish();
  };
  device->on_connected = [&](bool) {
    bed.proxy.add_latency("t-acct0-home0-sensor1", std::chrono::milliseconds(300),
                          std::chrono::milliseconds(300));
    for (const char* payload : {"a", "b", "c"}) device->publish("data/s1", payload, 1, false);
  };
  watch(*watcher, "data/#", [&] { device->connect(runtime::ConnectOptions{}); });
  ASSERT_TRUE(bed.run_for(seconds(15))) << broker.log();
  // The envelope is stripped and TCP's order kept whatever the delay.
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "b", "c"}));
}

// emulate_latency's per-chunk draws: a sampler called on the proxy's thread for every chunk,
// each way; a long draw followed by short ones never reorders the stream.
TEST(LiveClient, PathLatencyIsDrawnPerChunkAndKeepsOrder) {
  MosquittoBroker broker;
  LiveBed bed(broker);
  auto watcher = bed.direct.make_client("watcher", -1);
  auto device = bed.proxied.make_client("acct0-home0-sensor1", 0);
  std::atomic<int> draws{0};
  bed.proxy.set_path_latency("t-acct0-home0-sensor1", [&draws] {
    return std::chrono::milliseconds(draws++ % 3 == 0 ? 200 : 0);
  });
  std::vector<std::string> seen;
  std::chrono::nanoseconds connect_started{}, connected_at{};
  watcher->on_message = [&](const runtime::ReceivedMessage& message) {
    seen.push_back(message.payload);
    if (seen.size() == 3) bed.finish();
  };
  device->on_connected = [&](bool) {
    connected_at = bed.loop.now();
    for (const char* payload : {"a", "b", "c"}) device->publish("data/s1", payload, 1, false);
  };
  watch(*watcher, "data/#", [&] {
    connect_started = bed.loop.now();
    device->connect(runtime::ConnectOptions{});
  });
  ASSERT_TRUE(bed.run_for(seconds(15))) << broker.log();
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_GE(draws.load(), 3);  // CONNECT, CONNACK, the publishes (and their acks)
  // The CONNECT drew 200 ms, so the CONNACK cannot have come sooner.
  EXPECT_GE(connected_at - connect_started, std::chrono::milliseconds(200));
}

// --username/--password replace what devices set; a broker refusing them answers CONNACK 4/5
// (MQTT-3.2.2-3 table), which the client reports as a refused connect, and the probe fails.
TEST(LiveClient, CredentialsFromTheOptionsAreUsedAndWrongOnesRefused) {
  MosquittoBroker broker(10, [](const std::string& dir) {
    std::string file = dir + "/passwd";
    std::string command = "mosquitto_passwd -b -c " + file + " bed s3cret";
    if (std::system(command.c_str()) != 0) throw std::runtime_error(command + " failed");
    // mosquitto started as root reads it as user "mosquitto".
    namespace fs = std::filesystem;
    fs::permissions(dir, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
    fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                              fs::perms::others_read);
    return "allow_anonymous false\npassword_file " + file + "\n";
  });
  LiveLoop loop;
  history::History history;
  LiveOptions right;
  right.broker_url = broker.url();
  right.username = "bed";
  right.password = "s3cret";
  LiveOptions wrong = right;
  wrong.password = "guess";
  LiveRuntime with_right(loop, history, right, broker.url(), nullptr);
  LiveRuntime with_wrong(loop, history, wrong, broker.url(), nullptr);
  auto good = with_right.make_client("acct0-app0", -1);
  auto bad = with_wrong.make_client("acct0-app1", -1);
  bool connected = false;
  int refused = 0;
  auto maybe_done = [&] {
    if (connected && refused != 0) loop.stop();
  };
  good->on_connected = [&](bool) {
    connected = true;
    maybe_done();
  };
  bad->on_connect_failed = [&](int code) {
    refused = code;
    maybe_done();
  };
  runtime::ConnectOptions own;
  own.username = "device-own-name";  // replaced by the options' credentials
  good->connect(own);
  bad->connect(own);
  loop.run_until(loop.now() + seconds(15));
  EXPECT_TRUE(connected) << broker.log();
  EXPECT_TRUE(refused == 4 || refused == 5) << "refused=" << refused << "\n" << broker.log();
  EXPECT_THROW(probe_broker(wrong), BrokerUnreachable);
  EXPECT_NO_THROW(probe_broker(right));
}

// --cafile: an ssl:// broker whose certificate the CA signed; the proxy is not used (it
// cannot read a CONNECT inside TLS), so the client connects straight to the broker.
TEST(LiveClient, TlsBrokerIsReachedWithTheCaFile) {
  std::string ca;
  MosquittoBroker broker(10, [&ca](const std::string& dir) {
    ca = dir + "/ca.pem";
    std::string key = dir + "/server.key", csr = dir + "/server.csr", cert = dir + "/server.pem";
    std::string quiet = " > /dev/null 2>&1";
    std::string commands[] = {
        "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=mqttbed-test-ca -keyout " +
            dir + "/ca.key -out " + ca + quiet,
        "openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout " + key + " -out " + csr +
            quiet,
        "openssl x509 -req -days 1 -in " + csr + " -CA " + ca + " -CAkey " + dir +
            "/ca.key -CAcreateserial -out " + cert + quiet,
        "chmod 755 " + dir + " && chmod 644 " + dir + "/*"};
    for (const auto& command : commands)
      if (std::system(command.c_str()) != 0) throw std::runtime_error(command + " failed");
    return "allow_anonymous true\ncafile " + ca + "\ncertfile " + cert + "\nkeyfile " + key + "\n";
  });
  LiveOptions options;
  options.broker_url = "ssl://127.0.0.1:" + std::to_string(broker.port());
  options.cafile = ca;
  EXPECT_NO_THROW(probe_broker(options)) << broker.log();
  LiveOptions untrusted = options;  // the broker's certificate cannot be verified without it
  untrusted.cafile.clear();
  EXPECT_THROW(probe_broker(untrusted), BrokerUnreachable);
  LiveLoop loop;
  history::History history;
  LiveRuntime tls(loop, history, options, options.broker_url, nullptr);
  auto client = tls.make_client("acct0-app0", -1);
  bool connected = false;
  client->on_connected = [&](bool) {
    connected = true;
    loop.stop();
  };
  client->connect(runtime::ConnectOptions{});
  loop.run_until(loop.now() + seconds(15));
  EXPECT_TRUE(connected) << broker.log();
}

TEST(LiveClient, UnreachableBrokerIsReportedQuickly) {
  LiveOptions options;
  options.broker_url = "tcp://127.0.0.1:" + std::to_string(testing::free_loopback_port());
  EXPECT_THROW(probe_broker(options), BrokerUnreachable);
}

}  // namespace
}  // namespace mqttbed::live

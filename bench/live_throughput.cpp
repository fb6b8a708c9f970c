// Live publish throughput and latency through a real broker, driven by mqttbed's live
// runtime (the same LiveLoop, Paho clients and history recording a live run uses): P
// publishers send N messages each to one subscriber on bench/#. Each payload starts with its
// send time (steady_clock, ns, system-wide), so the subscriber measures latency from the
// publish call to its delivery, in this process or another. bench/live_throughput.sh runs it
// next to mosquitto_pub/_sub.
//
//   live_throughput tcp://127.0.0.1:1883 [--role both|pub|sub] [--publishers P]
//       [--messages N] [--qos Q] [--payload BYTES] [--rate MSGS_PER_S] [--window W]
//       [--timeout S]
//
// --role both (default): publishers and subscriber in this process, on one loop and one
// Paho. --role sub: the subscriber only; prints "ready" once subscribed, then its figures
// when all P*N messages arrived. --role pub: the publishers only (start it after "ready").
// --rate 0 (default): as fast as the QoS 1/2 acknowledgements allow, W unacknowledged per
// publisher (mosquitto_pub's default max inflight is 20). --rate R: R messages/s in total,
// spread evenly over the publishers, sent by a 1 ms timer. Prints one line of key=value
// figures (seconds: first send to last delivery).
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sim/history/history.h"
#include "sim/live/live_loop.h"
#include "sim/live/live_options.h"
#include "sim/live/live_run.h"
#include "sim/live/live_runtime.h"

using namespace mqttbed;

namespace {

struct Args {
  std::string url;
  std::string role = "both";
  int publishers = 1;
  long messages = 100000;  // per publisher
  int qos = 1;
  std::size_t payload = 64;
  double rate = 0;
  int window = 20;
  int timeout_s = 300;
};

Args parse(int argc, char** argv) {
  Args args;
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: %s tcp://HOST:PORT [--role both|pub|sub] [--publishers P] "
                 "[--messages N] [--qos Q] [--payload BYTES] [--rate MSGS_PER_S] [--window W] "
                 "[--timeout S]\n",
                 argv[0]);
    std::exit(2);
  }
  args.url = argv[1];
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    const char* value = argv[i + 1];
    if (flag == "--role") {
      args.role = value;
    } else if (flag == "--publishers") {
      args.publishers = std::atoi(value);
    } else if (flag == "--messages") {
      args.messages = std::atol(value);
    } else if (flag == "--qos") {
      args.qos = std::atoi(value);
    } else if (flag == "--payload") {
      args.payload = static_cast<std::size_t>(std::atol(value));
    } else if (flag == "--rate") {
      args.rate = std::atof(value);
    } else if (flag == "--window") {
      args.window = std::atoi(value);
    } else if (flag == "--timeout") {
      args.timeout_s = std::atoi(value);
    } else {
      std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
      std::exit(2);
    }
  }
  if (args.role != "both" && args.role != "pub" && args.role != "sub") {
    std::fprintf(stderr, "--role: both, pub or sub\n");
    std::exit(2);
  }
  return args;
}

// System-wide (CLOCK_MONOTONIC), so a publisher and a subscriber in two processes agree.
std::int64_t clock_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

double cpu_seconds(const timeval& tv) { return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6; }

struct Publisher {
  std::unique_ptr<runtime::MqttClient> client;
  std::string topic;
  long sent = 0;
};

}  // namespace

int main(int argc, char** argv) {
  Args args = parse(argc, argv);
  const bool publishing = args.role != "sub", subscribing = args.role != "pub";
  live::raise_file_limit();
  live::LiveLoop loop;
  history::History history;
  live::LiveOptions options;
  options.broker_url = args.url;
  options.client_prefix = "bench-" + std::to_string(getpid()) + "-";
  live::LiveRuntime runtime(loop, history, options, args.url, nullptr);
  runtime::ConnectOptions connect;
  connect.keepalive = std::chrono::seconds(60);

  const long total = args.messages * args.publishers;
  std::vector<std::int64_t> latencies;
  std::int64_t first_send = -1, last_receive = 0;
  long received = 0, acked = 0, connect_failures = 0;
  bool failed = false;
  auto fail = [&](const char* what, int code) {
    std::fprintf(stderr, "%s: %d\n", what, code);
    failed = true;
    loop.stop();
  };

  std::vector<Publisher> publishers(publishing ? static_cast<std::size_t>(args.publishers) : 0);
  auto publish_one = [&](Publisher& p) {
    std::int64_t now = clock_ns();
    if (first_send < 0) first_send = now;
    std::string payload = std::to_string(now) + " ";
    if (payload.size() < args.payload) payload.append(args.payload - payload.size(), 'x');
    if (p.client->publish(p.topic, payload, args.qos, false) == 0) return fail("publish", 0);
    ++p.sent;
  };
  std::function<void()> tick;  // rate mode
  auto start_publishing = [&] {
    if (args.rate <= 0) {
      for (auto& p : publishers)
        for (int i = 0; i < args.window && p.sent < args.messages; ++i) publish_one(p);
      return;
    }
    // Publisher i sends at rate/P, its first message i/P of a period after the start, so
    // the publishers take turns instead of sending in bursts.
    auto start = loop.now();
    tick = [&, start] {
      double periods =
          args.rate / args.publishers * std::chrono::duration<double>(loop.now() - start).count();
      bool more = false;
      for (std::size_t i = 0; i < publishers.size(); ++i) {
        Publisher& p = publishers[i];
        double offset = static_cast<double>(publishers.size() - i) / publishers.size();
        long due = std::min(args.messages, static_cast<long>(periods + offset));
        while (p.sent < due && !failed) publish_one(p);
        more |= p.sent < args.messages;
      }
      if (more && !failed) loop.schedule(std::chrono::milliseconds(1), tick);
    };
    tick();
  };
  int connected = 0;
  for (std::size_t i = 0; i < publishers.size(); ++i) {
    Publisher& p = publishers[i];
    p.client = runtime.make_client("pub" + std::to_string(i), -1);
    p.topic = "bench/" + std::to_string(i);
    p.client->on_connected = [&](bool) {
      if (++connected == args.publishers) start_publishing();
    };
    // A refused or failed attempt (a burst of connects can overflow the broker's listen
    // queue) is retried, as a device would.
    p.client->on_connect_failed = [&p, &loop, &connect_failures, &connect](int) {
      ++connect_failures;
      loop.schedule(std::chrono::milliseconds(200), [&p, &connect] { p.client->connect(connect); });
    };
    p.client->on_publish_complete = [&](std::uint64_t) {
      ++acked;
      if (args.rate <= 0 && p.sent < args.messages) publish_one(p);
      if (!subscribing && acked == total) loop.stop();
    };
  }
  auto connect_publishers = [&] {
    for (auto& p : publishers) p.client->connect(connect);
  };

  std::unique_ptr<runtime::MqttClient> subscriber;
  if (subscribing) {
    latencies.reserve(static_cast<std::size_t>(total));
    subscriber = runtime.make_client("sub", -1);
    subscriber->on_message = [&](const runtime::ReceivedMessage& message) {
      std::int64_t now = clock_ns(), sent = std::atoll(message.payload.c_str());
      latencies.push_back(now - sent);
      if (first_send < 0 || sent < first_send) first_send = sent;
      last_receive = now;
      if (++received == total) loop.stop();
    };
    subscriber->on_subscribed = [&](const std::string&, int granted) {
      if (granted == 0x80) return fail("subscription refused", granted);
      if (publishing) return connect_publishers();
      std::printf("ready\n");
      std::fflush(stdout);
    };
    subscriber->on_connected = [&](bool) { subscriber->subscribe("bench/#", args.qos); };
    subscriber->on_connect_failed = [&](int code) { fail("subscriber connect failed", code); };
  }

  rusage before{};
  getrusage(RUSAGE_SELF, &before);
  if (subscribing) {
    subscriber->connect(connect);
  } else {
    connect_publishers();
  }
  loop.run_until(loop.now() + std::chrono::seconds(args.timeout_s));
  rusage after{};
  getrusage(RUSAGE_SELF, &after);

  long sent = 0;
  for (const auto& p : publishers) sent += p.sent;
  std::printf("role=%s publishers=%d qos=%d payload=%zu rate=%g", args.role.c_str(),
              args.publishers, args.qos, args.payload, args.rate);
  if (publishing)
    std::printf(" sent=%ld acked=%ld connect_failures=%ld", sent, acked, connect_failures);
  if (subscribing) {
    double seconds = (last_receive - first_send) / 1e9;
    std::sort(latencies.begin(), latencies.end());
    auto pct = [&](double q) {
      if (latencies.empty()) return 0.0;
      std::size_t at =
          std::min(latencies.size() - 1, static_cast<std::size_t>(q * latencies.size()));
      return static_cast<double>(latencies[at]) / 1e6;
    };
    std::printf(
        " received=%ld seconds=%.3f msgs_per_s=%.0f lat_p50_ms=%.3f lat_p90_ms=%.3f "
        "lat_p99_ms=%.3f lat_max_ms=%.3f",
        received, seconds, seconds > 0 ? received / seconds : 0.0, pct(0.5), pct(0.9), pct(0.99),
        latencies.empty() ? 0.0 : latencies.back() / 1e6);
  }
  std::printf(" cpu_user_s=%.2f cpu_sys_s=%.2f\n",
              cpu_seconds(after.ru_utime) - cpu_seconds(before.ru_utime),
              cpu_seconds(after.ru_stime) - cpu_seconds(before.ru_stime));
  std::fflush(stdout);
  runtime.end_run();
  bool complete = !failed && (subscribing ? received == total : acked == total);
  publishers.clear();
  subscriber.reset();
  return complete ? 0 : 1;
}

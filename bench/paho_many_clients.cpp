// Paho alone, many clients in one process: N mqtt::async_clients connect to a broker, then
// ACTIVE of them each keep one QoS 1 publish in flight (the next one from the ack callback)
// for SECONDS. Prints the acknowledged publishes per second. No mqttbed code: this is the
// reproduction of why one live process carries ~1,500 devices (bench/RESULTS.md, "Live").
//
//   paho_many_clients tcp://127.0.0.1:1883 CLIENTS ACTIVE SECONDS
//
// The broker needs CLIENTS connections (mosquitto: `max_connections -1` and an open-file
// limit above CLIENTS). For symbols in a profile, run it against a Paho C built from source
// (LD_LIBRARY_PATH=.../paho.mqtt.c/build/src perf record -g -p PID).
#include <mqtt/async_client.h>
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

std::atomic<long> acks{0};
std::atomic<bool> running{true};

struct Publisher : mqtt::iaction_listener {
  std::unique_ptr<mqtt::async_client> client;
  std::string topic;
  void publish() {
    if (running)
      client->publish(mqtt::make_message(topic, std::string(64, 'x'), 1, false), nullptr, *this);
  }
  void on_success(const mqtt::token&) override {
    ++acks;
    publish();
  }
  void on_failure(const mqtt::token&) override {}
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s tcp://HOST:PORT CLIENTS ACTIVE SECONDS\n", argv[0]);
    return 2;
  }
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
  const std::string url = argv[1];
  const int clients = std::atoi(argv[2]), active = std::atoi(argv[3]);
  const int seconds = std::atoi(argv[4]);

  std::vector<std::unique_ptr<Publisher>> publishers;
  std::vector<mqtt::token_ptr> connecting;
  auto connect_start = std::chrono::steady_clock::now();
  for (int i = 0; i < clients; ++i) {
    auto p = std::make_unique<Publisher>();
    p->client = std::make_unique<mqtt::async_client>(
        url, "paho-many-" + std::to_string(i), mqtt::create_options(MQTTVERSION_3_1_1), nullptr);
    p->topic = "paho-many/" + std::to_string(i);
    mqtt::connect_options options;
    options.set_clean_session(true);
    options.set_keep_alive_interval(60);
    connecting.push_back(p->client->connect(options));
    publishers.push_back(std::move(p));
  }
  for (auto& token : connecting) token->wait();
  std::printf(
      "%d clients connected in %.1f s\n", clients,
      std::chrono::duration<double>(std::chrono::steady_clock::now() - connect_start).count());
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < active && i < clients; ++i)
    publishers[static_cast<std::size_t>(i)]->publish();
  long last = 0;
  for (int s = 1; s <= seconds; ++s) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    long now = acks;
    std::printf("t=%d s acks/s=%ld\n", s, now - last);
    std::fflush(stdout);
    last = now;
  }
  running = false;
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("clients=%d active=%d acks=%ld acks_per_s=%.0f\n", clients, active, acks.load(),
              acks / elapsed);
  std::fflush(stdout);
  std::_Exit(0);  // tearing down thousands of Paho clients one by one is not what is measured
}

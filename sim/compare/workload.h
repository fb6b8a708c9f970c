// What the fleet did in the MQTT run, per client, as every transport must carry it: when
// each device was reachable, what it subscribed to, published and received. Collected from
// the run's history (client-side events), so the comparison replays the same workload over
// the same network draws and faults.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sim/history/history.h"
#include "sim/scenario/scenario.h"

namespace mqttbed::compare {

enum class Site { home, phone, cloud };

struct Session {
  double start = 0;  // seconds: CONNACK accepted
  double end = 0;    // connection lost or DISCONNECT; the run's end if still up
  bool graceful = false;
};

struct Publish {
  double time = 0;
  std::string topic;
  int qos = 0;
  std::uint32_t bytes = 0;
};

struct Delivery {
  double time = 0;       // delivered over MQTT
  double published = 0;  // the publisher's publish_sent; < 0 unknown
  std::string topic;
  int qos = 0;
  std::uint32_t bytes = 0;
  bool retained = false;
  bool dup = false;
  Site publisher_site = Site::cloud;
};

struct ClientWork {
  std::string name;
  std::string kind;
  Site site = Site::cloud;
  std::vector<double> connects;  // CONNECT sent
  std::vector<Session> sessions;
  std::vector<std::pair<double, std::string>> subscribes;
  std::vector<Publish> publishes;
  std::vector<Delivery> deliveries;
  std::uint16_t keepalive_s = 0;
};

struct Workload {
  double end = 0;                   // seconds (duration + settle)
  std::vector<ClientWork> clients;  // in first-seen order
};

// Watches a history as it is written; finish() closes open sessions at the run's end.
class WorkloadRecorder {
 public:
  WorkloadRecorder(const scenario::Scenario& scenario, const history::History& history);
  void attach(history::History& history);
  Workload finish(double end_s);

 private:
  void on_event(const history::Event& event);
  ClientWork& client(std::uint32_t id);
  const history::History& history_;
  std::map<std::string, std::pair<std::string, Site>> slots_;  // name -> kind, site
  std::map<std::uint32_t, std::size_t> index_;
  std::map<std::pair<std::uint32_t, std::uint64_t>, double> published_at_;
  std::vector<ClientWork> clients_;
  std::vector<bool> open_;
};

}  // namespace mqttbed::compare

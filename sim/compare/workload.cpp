#include "sim/compare/workload.h"

#include "sim/scenario/fleet_layout.h"

namespace mqttbed::compare {

WorkloadRecorder::WorkloadRecorder(const scenario::Scenario& scenario,
                                   const history::History& history)
    : history_(history) {
  for (const auto& slot : scenario::layout_fleet(scenario.fleet))
    slots_[slot.client_id] = {slot.kind, slot.home >= 0 ? Site::home : Site::phone};
}

void WorkloadRecorder::attach(history::History& history) {
  history.add_observer([this](const history::Event& event) { on_event(event); });
}

ClientWork& WorkloadRecorder::client(std::uint32_t id) {
  auto [it, inserted] = index_.try_emplace(id, clients_.size());
  if (inserted) {
    ClientWork work;
    work.name = history_.client_name(id);
    auto slot = slots_.find(work.name);
    // Not in the fleet layout: a cloud service beside the broker (the shadow service).
    work.kind = slot == slots_.end() ? "cloud-service" : slot->second.first;
    work.site = slot == slots_.end() ? Site::cloud : slot->second.second;
    clients_.push_back(std::move(work));
    open_.push_back(false);
  }
  return clients_[it->second];
}

void WorkloadRecorder::on_event(const history::Event& e) {
  using history::EventType;
  const double t = static_cast<double>(e.time_ns) / 1e9;
  if (e.type == EventType::fault) return;
  ClientWork& c = client(e.client);
  const std::size_t i = index_.at(e.client);
  switch (e.type) {
    case EventType::connect_sent:
      c.connects.push_back(t);
      c.keepalive_s = e.keepalive_s;
      break;
    case EventType::connack:
      if (e.code == 0) {
        c.sessions.push_back({t, t, false});
        open_[i] = true;
      }
      break;
    case EventType::connection_lost:
    case EventType::disconnect_sent:
      if (open_[i]) {
        c.sessions.back().end = t;
        c.sessions.back().graceful = e.type == EventType::disconnect_sent;
        open_[i] = false;
      }
      break;
    case EventType::subscribe_sent:
      c.subscribes.emplace_back(t, history_.string(e.topic));
      break;
    case EventType::publish_sent:
      c.publishes.push_back({t, history_.string(e.topic), e.qos, e.bytes});
      published_at_[{e.msg.publisher, e.msg.seq}] = t;
      break;
    case EventType::delivered: {
      Delivery d;
      d.time = t;
      auto origin = published_at_.find({e.msg.publisher, e.msg.seq});
      d.published = origin == published_at_.end() ? -1.0 : origin->second;
      d.topic = history_.string(e.topic);
      d.qos = e.qos;
      d.bytes = e.bytes;
      d.retained = e.retain;
      d.dup = e.dup;
      auto publisher = index_.find(e.msg.publisher);
      d.publisher_site = publisher == index_.end() ? Site::cloud : clients_[publisher->second].site;
      clients_[i].deliveries.push_back(std::move(d));
      break;
    }
    default:
      break;
  }
}

Workload WorkloadRecorder::finish(double end_s) {
  for (std::size_t i = 0; i < clients_.size(); ++i)
    if (open_[i]) clients_[i].sessions.back().end = end_s;
  return Workload{end_s, std::move(clients_)};
}

}  // namespace mqttbed::compare

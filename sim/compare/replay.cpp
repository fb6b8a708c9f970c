#include "sim/compare/replay.h"

#include <algorithm>
#include <memory>
#include <random>

#include "sim/fleet/latency_sampler.h"
#include "sim/fleet/network_path.h"
#include "sim/mqtt/packet.h"
#include "sim/mqtt/packet_size.h"
#include "sim/runtime/runtime.h"
#include "sim/transport/http1.h"
#include "sim/transport/http2.h"
#include "sim/transport/tls.h"
#include "sim/transport/websocket.h"

namespace mqttbed::compare {

namespace {

using transport::Flight;
using transport::WireCost;

constexpr const char* kHost = "iot.example.com";

// One-way latency draws on a client's path to the server, from the scenario's link classes
// (the same distributions the simulation draws from), with the client's own stream.
class PathLatency {
 public:
  PathLatency(const scenario::Scenario& scenario, Site site, const std::string& stream)
      : rng_(runtime::derive_rng(scenario.seed, stream)) {
    if (site == Site::cloud) return;
    path_ = fleet::path_to_broker(scenario.network,
                                  site == Site::home ? fleet::Site::home : fleet::Site::phone);
    for (const auto* link : path_)
      floor_ += std::chrono::duration<double>(fleet::latency_floor(link->latency)).count();
  }
  double draw() {
    double s = floor_;
    for (const auto* link : path_)
      s += std::chrono::duration<double>(fleet::sample_latency_excess(link->latency, rng_)).count();
    return s;
  }
  double uniform(double high) { return std::uniform_real_distribution<double>(0, high)(rng_); }

 private:
  runtime::Rng rng_;
  fleet::LinkPath path_;
  double floor_ = 0;
};

// Bytes and radio bursts of one device.
// The first connection's setup is kept apart: a one-off cost that scaling a short run to a
// day would multiply.
struct Ledger {
  WireCost wire;
  WireCost startup;
  bool connected_once = false;
  std::vector<transport::Burst> bursts;
  void add(double at, const WireCost& cost, double seconds, bool first = false) {
    (first ? startup : wire) += cost;
    bursts.push_back({at, at + seconds});
  }
};

struct Intervals {
  std::vector<std::pair<double, double>> spans;
  void add(double open, double close) {
    if (close > open) spans.emplace_back(open, close);
  }
};

// Every MQTT packet through the optional WebSocket and TLS layers.
class MqttFraming {
 public:
  MqttFraming(const TransportSpec& spec, mqtt::Version version) : spec_(spec), version_(version) {}

  Flight wrap(Flight f) const {
    if (spec_.websocket)
      f.overhead += transport::websocket_frame_header(f.payload + f.overhead, f.up);
    if (spec_.tls)
      f.overhead += transport::tls_record_overhead(spec_.tls_version, f.payload + f.overhead);
    return f;
  }
  Flight packet(bool up, const mqtt::Packet& p, std::uint64_t payload) const {
    std::uint64_t size = mqtt::wire_size(p, version_);
    return wrap(Flight{up, payload, size - payload});
  }
  Flight control(bool up, mqtt::PacketType type) const {
    mqtt::Packet p;
    p.type = type;
    p.packet_id = 1;
    return packet(up, p, 0);
  }
  Flight publish(bool up, const std::string& topic, std::uint32_t bytes, int qos) const {
    mqtt::Packet p;
    p.type = mqtt::PacketType::publish;
    p.topic = topic;
    p.payload.assign(bytes, 'x');
    p.qos = static_cast<std::uint8_t>(qos);
    p.packet_id = qos > 0 ? 1 : 0;
    return packet(up, p, bytes);
  }
  // PUBLISH and its acknowledgements (MQTT 4.3): QoS 1 PUBACK, QoS 2 PUBREC/PUBREL/PUBCOMP.
  std::vector<Flight> publish_flow(bool up, const std::string& topic, std::uint32_t bytes,
                                   int qos) const {
    std::vector<Flight> flights{publish(up, topic, bytes, qos)};
    if (qos == 1) flights.push_back(control(!up, mqtt::PacketType::puback));
    if (qos == 2) {
      flights.push_back(control(!up, mqtt::PacketType::pubrec));
      flights.push_back(control(up, mqtt::PacketType::pubrel));
      flights.push_back(control(!up, mqtt::PacketType::pubcomp));
    }
    return flights;
  }

 private:
  const TransportSpec& spec_;
  mqtt::Version version_;
};

std::uint64_t up_packets(const std::vector<Flight>& flights) {
  return static_cast<std::uint64_t>(
      std::count_if(flights.begin(), flights.end(), [](const Flight& f) { return f.up; }));
}

bool is_command(const ClientWork& client, const Delivery& d) {
  return client.site == Site::home && !d.retained && !d.dup && d.published >= 0 &&
         d.publisher_site != Site::home;
}

void replay_mqtt(const TransportSpec& spec, const ClientWork& c, const scenario::Scenario& s,
                 PathLatency& path, Ledger& ledger, Intervals& connections,
                 TransportResult& result) {
  const MqttFraming framing(
      spec, s.mqtt.version == scenario::MqttVersion::v5 ? mqtt::Version::v5 : mqtt::Version::v311);
  auto exchange = [&](double at, const std::vector<Flight>& flights, bool first = false) {
    double seconds = 0;
    for (std::size_t i = 0; i < flights.size(); ++i) seconds += path.draw();
    ledger.add(at, transport::exchange_cost(flights), seconds, first);
    result.requests += up_packets(flights);
  };
  transport::TlsProfile tls;
  tls.version = spec.tls_version;
  for (std::size_t k = 0; k < c.connects.size(); ++k) {
    const double t = c.connects[k];
    const bool first = k == 0;
    ledger.add(t, transport::tcp_open_cost(), 3 * path.draw(), first);
    ++result.handshakes;
    if (spec.tls) {
      transport::TlsHandshake h = transport::tls_handshake(tls, k > 0 && tls.resumption);
      exchange(t, h.flights, first);
      result.requests -= up_packets(h.flights);
    }
    if (spec.websocket) {
      std::vector<Flight> upgrade{
          Flight{true, 0, transport::websocket_upgrade_request(kHost, "/mqtt").size()},
          Flight{false, 0, transport::websocket_upgrade_response().size()}};
      for (Flight& f : upgrade)
        if (spec.tls) f.overhead += transport::tls_record_overhead(spec.tls_version, f.overhead);
      exchange(t, upgrade, first);
    }
    mqtt::Packet connect;
    connect.type = mqtt::PacketType::connect;
    connect.client_id = c.name;
    connect.keepalive_s = c.keepalive_s;
    exchange(t,
             {framing.packet(true, connect, 0), framing.control(false, mqtt::PacketType::connack)},
             first);
  }
  std::vector<double> sends(c.connects.begin(), c.connects.end());
  for (const auto& [t, filter] : c.subscribes) {
    mqtt::Packet sub;
    sub.type = mqtt::PacketType::subscribe;
    sub.packet_id = 1;
    sub.subscriptions.push_back({filter, 1});
    mqtt::Packet suback;
    suback.type = mqtt::PacketType::suback;
    suback.packet_id = 1;
    suback.granted = {1};
    exchange(t, {framing.packet(true, sub, 0), framing.packet(false, suback, 0)});
    sends.push_back(t);
  }
  for (const Publish& p : c.publishes) {
    exchange(p.time, framing.publish_flow(true, p.topic, p.bytes, p.qos));
    sends.push_back(p.time);
    if (c.site == Site::home) result.telemetry_latency_s.push_back(path.draw());
  }
  for (const Delivery& d : c.deliveries) {
    exchange(d.time, framing.publish_flow(false, d.topic, d.bytes, d.qos));
    if (d.qos > 0) sends.push_back(d.time);
    ++result.delivered;
    if (is_command(c, d)) result.command_latency_s.push_back(d.time - d.published);
  }
  // Keepalive (MQTT-3.1.2-23): a PINGREQ after each keepalive period without a send.
  std::sort(sends.begin(), sends.end());
  const double keepalive = c.keepalive_s;
  for (const Session& session : c.sessions) {
    connections.add(session.start, session.end);
    if (keepalive <= 0) continue;
    double last = session.start;
    auto lo = std::lower_bound(sends.begin(), sends.end(), session.start);
    auto hi = std::upper_bound(sends.begin(), sends.end(), session.end);
    std::vector<double> marks(lo, hi);
    marks.push_back(session.end);
    for (double t : marks) {
      while (t - last >= keepalive) {
        last += keepalive;
        exchange(last, {framing.control(true, mqtt::PacketType::pingreq),
                        framing.control(false, mqtt::PacketType::pingresp)});
      }
      last = std::max(last, t);
    }
    if (session.graceful) {
      exchange(session.end, {framing.control(true, mqtt::PacketType::disconnect)});
      WireCost close = transport::tcp_close_cost();
      if (spec.websocket)
        close.up_overhead += transport::websocket_close_bytes(true),
            close.down_overhead += transport::websocket_close_bytes(false);
      if (spec.tls)
        close.up_overhead += transport::tls_close_notify_bytes(spec.tls_version),
            close.down_overhead += transport::tls_close_notify_bytes(spec.tls_version);
      ledger.add(session.end, close, 2 * path.draw());
    }
  }
}

// One HTTP connection of a device (HTTP/1.1 keep-alive, or HTTP/2), opened on demand and
// closed by the server after `idle_timeout` without a request.
class HttpConnection {
 public:
  HttpConnection(const TransportSpec& spec, PathLatency& path, Ledger& ledger,
                 Intervals& connections, TransportResult& result)
      : spec_(spec), path_(path), ledger_(ledger), connections_(connections), result_(result) {
    tls_.version = spec.tls_version;
  }

  // Makes sure a connection is up at `at`; returns the setup time before a request can go.
  double ready(double at) {
    const double idle = std::chrono::duration<double>(spec_.idle_timeout).count();
    if (open_ && at - last_ > idle) close(last_ + idle, true);
    if (open_) return 0;
    const bool first = !ledger_.connected_once;
    ledger_.connected_once = true;
    double rtt = path_.draw() + path_.draw();
    ledger_.add(at, transport::tcp_open_cost(), rtt, first);
    double setup = rtt;
    ++result_.handshakes;
    if (spec_.tls) {
      transport::TlsHandshake h = transport::tls_handshake(tls_, resumable_ && tls_.resumption);
      double seconds = 0;
      for (std::size_t i = 0; i < h.flights.size(); ++i) seconds += path_.draw();
      ledger_.add(at + setup, transport::exchange_cost(h.flights), seconds, first);
      setup += h.round_trips * (path_.draw() + path_.draw());
    }
    if (spec_.family == Family::http2_poll) {
      h2_ = std::make_unique<transport::Http2Connection>();
      std::vector<Flight> flights = transport::Http2Connection::open_flights();
      for (Flight& f : flights) f = wrap(f);
      ledger_.add(at + setup, transport::exchange_cost(flights), path_.draw(), first);
    }
    open_ = true;
    resumable_ = true;
    opened_ = at;
    return setup;
  }

  // Request and response; returns (request arrival, response arrival) after `at`, the
  // request sent `setup` seconds after `at`, answered `held` seconds after it arrives.
  std::pair<double, double> exchange(double at, double setup, const std::string& method,
                                     const std::string& path, std::uint64_t body,
                                     std::uint64_t response_payload,
                                     std::uint64_t response_overhead, double held) {
    Flight request;
    Flight response;
    const double up = path_.draw();
    const double down = path_.draw();
    const double answered = at + setup + up + held;
    if (h2_) {
      request = wrap(h2_->request(method, kHost, path, body));
      response =
          h2_->response(response_payload + response_overhead, static_cast<std::int64_t>(answered));
      // The body's JSON framing is overhead; only the messages' own bytes are payload.
      response.overhead += response_overhead;
      response.payload = response_payload;
      response = wrap(response);
    } else {
      transport::HttpRequestShape shape{method, kHost, path, body, spec_.keep_alive};
      request = wrap(Flight{true, body, transport::http1_request_head(shape).size()});
      std::uint64_t length = response_payload + response_overhead;
      response = wrap(Flight{
          false, response_payload,
          transport::http1_response_head(length > 0 ? 200 : 204, length, spec_.keep_alive).size() +
              response_overhead});
    }
    ++result_.requests;
    transport::WireCost cost = transport::exchange_cost({request, response});
    ledger_.wire += cost;
    ledger_.bursts.push_back({at + setup, at + setup + up});
    ledger_.bursts.push_back({answered, answered + down});
    last_ = answered + down;
    if (!spec_.keep_alive && !h2_) close(last_, false);
    return {at + setup + up, answered + down};
  }

  // The device lost its network: the connection is gone without a close.
  void drop(double at) {
    if (!open_) return;
    connections_.add(opened_, at);
    open_ = false;
    h2_.reset();
  }

  void finish(double end) {
    const double idle = std::chrono::duration<double>(spec_.idle_timeout).count();
    if (open_ && last_ + idle < end)
      close(last_ + idle, true);
    else
      drop(end);
  }

 private:
  Flight wrap(Flight f) const {
    if (spec_.tls)
      f.overhead += transport::tls_record_overhead(spec_.tls_version, f.payload + f.overhead);
    return f;
  }
  void close(double at, bool by_server) {
    WireCost cost = transport::tcp_close_cost();
    std::uint64_t server_extra = 0;
    if (h2_ && by_server) server_extra += transport::Http2Connection::goaway_bytes();
    if (spec_.tls) {
      server_extra += transport::tls_close_notify_bytes(spec_.tls_version);
      cost.up_overhead += transport::tls_close_notify_bytes(spec_.tls_version);
    }
    cost.down_overhead += server_extra;
    ledger_.add(at, cost, path_.draw());
    connections_.add(opened_, at);
    open_ = false;
    h2_.reset();
  }

  const TransportSpec& spec_;
  PathLatency& path_;
  Ledger& ledger_;
  Intervals& connections_;
  TransportResult& result_;
  transport::TlsProfile tls_;
  std::unique_ptr<transport::Http2Connection> h2_;
  bool open_ = false;
  bool resumable_ = false;
  double opened_ = 0;
  double last_ = 0;
};

// A message waiting at the server for the device's next poll.
struct Pending {
  double at_server = 0;
  const Delivery* delivery = nullptr;
};

// JSON framing around a poll response's messages: [{"topic":"T","payload":P},...].
std::uint64_t json_overhead(const std::vector<const Delivery*>& batch) {
  if (batch.empty()) return 0;
  std::uint64_t bytes = 2 + (batch.size() - 1);
  for (const Delivery* d : batch) bytes += d->topic.size() + 23;
  return bytes;
}

// Hands the device the pending messages that reached the server by `arrival`: the newest
// per topic (polling reads state; an older value the device never saw is superseded), or
// all of them in order with `queue`.
std::vector<const Delivery*> take(std::vector<Pending>& pending, std::size_t& next, double arrival,
                                  bool queue, TransportResult& result) {
  std::vector<const Delivery*> batch;
  if (queue) {
    while (next < pending.size() && pending[next].at_server <= arrival)
      batch.push_back(pending[next++].delivery);
    return batch;
  }
  std::map<std::string, const Delivery*> newest;
  while (next < pending.size() && pending[next].at_server <= arrival) {
    auto [it, inserted] = newest.try_emplace(pending[next].delivery->topic, pending[next].delivery);
    if (!inserted) {
      ++result.superseded;
      it->second = pending[next].delivery;
    }
    ++next;
  }
  for (const auto& [topic, d] : newest) batch.push_back(d);
  return batch;
}

void deliver(const ClientWork& c, const std::vector<const Delivery*>& batch, double at,
             TransportResult& result) {
  for (const Delivery* d : batch) {
    ++result.delivered;
    result.staleness_s += std::max(0.0, at - d->time);
    if (is_command(c, *d)) result.command_latency_s.push_back(at - d->published);
  }
}

std::uint64_t payload_bytes(const std::vector<const Delivery*>& batch) {
  std::uint64_t bytes = 0;
  for (const Delivery* d : batch) bytes += d->bytes;
  return bytes;
}

void replay_http(const TransportSpec& spec, const ClientWork& c, double end, PathLatency& path,
                 std::vector<PathLatency>& uplinks, Ledger& ledger, Intervals& connections,
                 TransportResult& result) {
  const double period = std::chrono::duration<double>(spec.period).count();
  const bool long_poll = spec.family == Family::http_long_poll;
  // Long polling holds one connection for the poll; posts take a second one.
  HttpConnection poll_connection(spec, path, ledger, connections, result);
  HttpConnection post_connection(spec, path, ledger, connections, result);
  HttpConnection& posts = long_poll ? post_connection : poll_connection;

  // Where each message reached the server: its publish time plus an uplink draw on the
  // publisher's path (home, phone or none for a cloud service), but no later than MQTT
  // delivered it; unknown publishers: the delivery less this device's downlink draw.
  std::vector<Pending> pending;
  for (const Delivery& d : c.deliveries) {
    if (d.dup) continue;
    double at = d.time - path.draw();
    if (d.published >= 0) {
      PathLatency& up = uplinks.at(static_cast<std::size_t>(d.publisher_site));
      at = std::min(d.published + up.draw(), d.time);
    }
    pending.push_back({at, &d});
  }
  std::stable_sort(pending.begin(), pending.end(),
                   [](const Pending& a, const Pending& b) { return a.at_server < b.at_server; });
  std::size_t next = 0;
  const bool polls = !c.subscribes.empty();
  const std::string poll_path = "/v1/things/" + c.name + "/messages";
  const double phase = path.uniform(std::max(period, 1e-9));

  // Requests in time order: (time, poll?, publish index).
  struct Action {
    double at;
    bool poll;
    std::size_t publish;
  };
  std::vector<Action> actions;
  for (std::size_t i = 0; i < c.publishes.size(); ++i)
    actions.push_back({c.publishes[i].time, false, i});
  if (polls && !long_poll)
    for (const Session& session : c.sessions) {
      actions.push_back({session.start, true, 0});
      auto k =
          static_cast<std::int64_t>(std::max(0.0, std::ceil((session.start - phase) / period)));
      for (;; ++k) {
        const double t = phase + static_cast<double>(k) * period;
        if (t >= session.end) break;
        if (t > session.start) actions.push_back({t, true, 0});
      }
    }
  std::stable_sort(actions.begin(), actions.end(),
                   [](const Action& a, const Action& b) { return a.at < b.at; });

  std::size_t session = 0;
  auto drop_until = [&](double t) {
    while (session < c.sessions.size() && c.sessions[session].end < t) {
      poll_connection.drop(c.sessions[session].end);
      post_connection.drop(c.sessions[session].end);
      ++session;
    }
  };
  for (const Action& action : actions) {
    drop_until(action.at);
    if (!action.poll) {
      const Publish& p = c.publishes[action.publish];
      double setup = posts.ready(p.time);
      auto [arrived, answered] = posts.exchange(
          p.time, setup, "POST", "/v1/things/" + c.name + "/topics/" + p.topic, p.bytes, 0, 0, 0);
      (void)answered;
      if (c.site == Site::home) result.telemetry_latency_s.push_back(arrived - p.time);
      continue;
    }
    double setup = poll_connection.ready(action.at);
    double arrival_estimate = action.at + setup;  // the request's own uplink draw follows
    std::vector<const Delivery*> batch = take(pending, next, arrival_estimate, spec.queue, result);
    auto [arrived, answered] = poll_connection.exchange(
        action.at, setup, "GET", poll_path, 0, payload_bytes(batch), json_overhead(batch), 0);
    (void)arrived;
    deliver(c, batch, answered, result);
  }

  if (polls && long_poll) {
    for (const Session& s : c.sessions) {
      double issue = s.start;
      while (issue < s.end) {
        double setup = poll_connection.ready(issue);
        double arrival = issue + setup + path.draw();
        if (arrival >= s.end) break;
        // Answered at once if something waits, else when the next message arrives or the
        // hold times out, whichever first; the session's end kills a held request.
        double respond = arrival + period;
        if (next < pending.size())
          respond = std::min(respond, std::max(arrival, pending[next].at_server));
        if (respond >= s.end) break;
        std::vector<const Delivery*> batch = take(pending, next, respond, spec.queue, result);
        auto [arrived, answered] =
            poll_connection.exchange(issue, setup, "GET", poll_path, 0, payload_bytes(batch),
                                     json_overhead(batch), respond - arrival);
        (void)arrived;
        deliver(c, batch, answered, result);
        issue = answered;
      }
      poll_connection.drop(s.end);
    }
  }
  drop_until(end + 1);
  poll_connection.finish(end);
  post_connection.finish(end);
  result.undelivered += pending.size() - next;
}

void summarize_connections(Intervals& intervals, double end, TransportResult& result) {
  std::vector<std::pair<double, int>> edges;
  double total = 0;
  for (const auto& [open, close] : intervals.spans) {
    edges.emplace_back(open, 1);
    edges.emplace_back(close, -1);
    total += close - open;
  }
  std::sort(edges.begin(), edges.end());
  std::int64_t now = 0;
  for (const auto& [t, delta] : edges) {
    now += delta;
    result.connections_max = std::max<std::uint64_t>(result.connections_max, now);
  }
  result.connections_mean = end > 0 ? total / end : 0;
}

}  // namespace

TransportResult replay(const TransportSpec& spec, const Workload& workload,
                       const scenario::Scenario& scenario, const RadioChoice& radios) {
  TransportResult result;
  result.spec = spec;
  Intervals connections;
  for (const ClientWork& c : workload.clients) {
    if (c.site == Site::cloud) continue;  // beside the server: no device link to count
    const std::string stream = "compare/" + spec.label + "/" + c.name;
    PathLatency path(scenario, c.site, stream);
    Ledger ledger;
    if (spec.family == Family::mqtt) {
      replay_mqtt(spec, c, scenario, path, ledger, connections, result);
    } else {
      // Publishers' uplinks, by Site (home, phone, cloud), drawn for this receiver.
      std::vector<PathLatency> uplinks;
      for (Site site : {Site::home, Site::phone, Site::cloud})
        uplinks.emplace_back(scenario, site,
                             stream + "/uplink-" + std::to_string(static_cast<int>(site)));
      replay_http(spec, c, workload.end, path, uplinks, ledger, connections, result);
    }
    KindResult& kind = result.kinds[c.kind];
    ++kind.devices;
    kind.wire += ledger.wire;
    kind.startup += ledger.startup;
    transport::RadioUsage usage = transport::radio_usage(
        c.site == Site::home ? radios.home : radios.phone, ledger.bursts, workload.end);
    kind.radio_on_s += usage.on_s();
    kind.radio_energy_j += usage.energy_j;
    kind.radio_above_idle_j += usage.above_idle_j;
    kind.promotions += usage.promotions;
  }
  summarize_connections(connections, workload.end, result);
  std::sort(result.command_latency_s.begin(), result.command_latency_s.end());
  std::sort(result.telemetry_latency_s.begin(), result.telemetry_latency_s.end());
  return result;
}

}  // namespace mqttbed::compare

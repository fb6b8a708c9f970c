#include "sim/probe/probes.h"

#include <functional>
#include <memory>
#include <stdexcept>

#include "sim/probe/probe_connection.h"
#include "sim/probe/wire.h"

namespace mqttbed::probe {
namespace {

using std::chrono::milliseconds;

struct Probe {
  ProbeInfo info;
  std::function<ProbeResult(const ProbeSettings&, const ProbeInfo&)> run;
};

ProbeResult result(const ProbeInfo& info, Outcome outcome, std::string observed) {
  return {info.name, info.spec_id, info.expected, std::move(observed), outcome};
}

std::unique_ptr<ProbeConnection> open(const ProbeSettings& s) {
  return std::make_unique<ProbeConnection>(s.host, s.port, s.answer_wait);
}

Clock::time_point after(milliseconds wait) { return Clock::now() + wait; }

bool is(const Packet& packet, int type) { return packet.type == type; }

// A CONNECT the broker must accept; nullopt on success, else why the probe cannot go on.
std::optional<std::string> handshake(ProbeConnection& connection, const ProbeSettings& s,
                                     const ConnectSpec& spec) {
  connection.send(connect(spec));
  auto connack =
      connection.await([](const Packet& p) { return is(p, kConnack); }, after(s.answer_wait));
  if (!connack) return std::string("no CONNACK to a valid CONNECT");
  if (connack->body.size() < 2 || connack->body[1] != 0)
    return "CONNACK " + std::to_string(connack->body.size() < 2 ? -1 : int(connack->body[1])) +
           " to a valid CONNECT";
  return std::nullopt;
}

// After a packet the server must close the connection for: closed -> kept; still open
// (it answered, or a PINGREQ still gets a PINGRESP) -> violated.
ProbeResult expect_close(const ProbeSettings& s, const ProbeInfo& info, const Bytes& offence,
                         const ConnectSpec& spec, bool connect_first = true) {
  auto connection = open(s);
  if (connect_first) {
    if (auto failed = handshake(*connection, s, spec))
      return result(info, Outcome::indeterminate, *failed);
  }
  connection->send(offence);
  std::string answered;
  for (const Packet& packet : connection->collect(after(s.answer_wait))) {
    answered += std::string(answered.empty() ? "" : ", ") + packet_name(packet.type);
    if (packet.type == kConnack && packet.body.size() >= 2)
      answered += " " + std::to_string(int(packet.body[1]));
  }
  if (connection->closed())
    return result(info, Outcome::kept,
                  "closed the connection" + (answered.empty() ? "" : " after " + answered));
  connection->send(pingreq());
  bool alive =
      connection->await([](const Packet& p) { return is(p, kPingresp); }, after(s.answer_wait))
          .has_value();
  return result(info, Outcome::violated,
                std::string(answered.empty() ? "answered nothing" : "answered " + answered) +
                    (alive ? " and kept the connection open (PINGRESP)" : " and did not close"));
}

ConnectSpec client(const ProbeSettings& s, const std::string& suffix) {
  ConnectSpec spec;
  spec.client_id = s.client_prefix + "-" + suffix;
  spec.username = s.username;
  spec.password = s.password;
  return spec;
}

ProbeResult second_connect(const ProbeSettings& s, const ProbeInfo& info) {
  ConnectSpec spec = client(s, "second-connect");
  return expect_close(s, info, connect(spec), spec);
}

ProbeResult empty_client_id_persistent(const ProbeSettings& s, const ProbeInfo& info) {
  auto connection = open(s);
  ConnectSpec spec = client(s, "");
  spec.client_id = "";
  spec.clean_session = false;
  connection->send(connect(spec));
  auto connack =
      connection->await([](const Packet& p) { return is(p, kConnack); }, after(s.answer_wait));
  int code = connack && connack->body.size() >= 2 ? connack->body[1] : -1;
  connection->collect(after(s.answer_wait));
  if (code == 2 && connection->closed())
    return result(info, Outcome::kept, "CONNACK 2 (identifier rejected), then closed");
  std::string observed = connack ? "CONNACK " + std::to_string(code) : "no CONNACK";
  observed += connection->closed() ? ", then closed" : ", connection left open";
  return result(info, Outcome::violated, observed);
}

ProbeResult connect_reserved_flag(const ProbeSettings& s, const ProbeInfo& info) {
  ConnectSpec spec = client(s, "reserved-flag");
  spec.reserved_flag = 1;
  return expect_close(s, info, connect(spec), spec, /*connect_first=*/false);
}

ProbeResult subscribe_reserved_flags(const ProbeSettings& s, const ProbeInfo& info) {
  return expect_close(s, info, subscribe(1, {{"probe/x", 0}}, /*header_flags=*/0x0),
                      client(s, "subscribe-flags"));
}

ProbeResult publish_qos3(const ProbeSettings& s, const ProbeInfo& info) {
  return expect_close(s, info, publish("probe/qos3", "x", 3, 1), client(s, "qos3"));
}

ProbeResult wildcard_topic_name(const ProbeSettings& s, const ProbeInfo& info) {
  return expect_close(s, info, publish("probe/+/x", "x", 0), client(s, "wildcard-topic"));
}

ProbeResult invalid_utf8_topic(const ProbeSettings& s, const ProbeInfo& info) {
  return expect_close(s, info, publish("probe/\xC3\x28", "x", 0), client(s, "bad-utf8"));
}

ProbeResult null_in_topic(const ProbeSettings& s, const ProbeInfo& info) {
  return expect_close(s, info, publish(std::string("probe/a\0b", 9), "x", 0),
                      client(s, "null-topic"));
}

// A subscriber of `filters` (granted as asked, else the probe cannot judge) and a publisher.
struct Pair {
  std::unique_ptr<ProbeConnection> subscriber, publisher;
  std::string failed;  // why the setup did not work
};

Pair subscribed_pair(const ProbeSettings& s, const std::string& name,
                     const std::vector<std::pair<std::string, int>>& filters) {
  Pair pair{open(s), open(s), ""};
  if (auto failed = handshake(*pair.subscriber, s, client(s, name + "-sub")))
    return {nullptr, nullptr, *failed};
  if (auto failed = handshake(*pair.publisher, s, client(s, name + "-pub")))
    return {nullptr, nullptr, *failed};
  pair.subscriber->send(subscribe(1, filters));
  auto suback =
      pair.subscriber->await([](const Packet& p) { return is(p, kSuback); }, after(s.answer_wait));
  if (!suback || suback->body.size() != 2 + filters.size())
    return {nullptr, nullptr, "no SUBACK for the probe's subscription"};
  for (std::size_t i = 0; i < filters.size(); ++i) {
    if (static_cast<std::uint8_t>(suback->body[2 + i]) != filters[i].second)
      return {nullptr, nullptr,
              "SUBACK granted " + std::to_string(static_cast<std::uint8_t>(suback->body[2 + i])) +
                  " for " + filters[i].first + " (asked " + std::to_string(filters[i].second) +
                  ")"};
  }
  return pair;
}

// Publishes at QoS 1 and waits for the PUBACK; false when the broker refused.
bool publish_acked(ProbeConnection& publisher, const ProbeSettings& s, const std::string& topic,
                   std::uint16_t id) {
  publisher.send(publish(topic, "probe", 1, id));
  return publisher
      .await([id](const Packet& p) { return is(p, kPuback) && p.id() == id; }, after(s.answer_wait))
      .has_value();
}

ProbeResult dollar_topics(const ProbeSettings& s, const ProbeInfo& info) {
  Pair pair = subscribed_pair(s, "dollar", {{"#", 1}, {"+/probe-dollar", 1}});
  if (!pair.subscriber) return result(info, Outcome::indeterminate, pair.failed);
  const std::string dollar = "$probe-" + s.client_prefix + "/probe-dollar";
  if (!publish_acked(*pair.publisher, s, dollar, 1))
    return result(info, Outcome::indeterminate, "the broker did not accept a PUBLISH to " + dollar);
  // A control message after it: once it arrives, the $-topic message had its chance.
  const std::string control = "probe/" + s.client_prefix + "/control";
  publish_acked(*pair.publisher, s, control, 2);
  bool leaked = false, control_seen = false;
  pair.subscriber->await(
      [&](const Packet& p) {
        auto publish = parse_publish(p);
        if (publish && publish->topic == dollar) leaked = true;
        if (publish && publish->topic == control) control_seen = true;
        return control_seen;
      },
      after(s.answer_wait));
  if (leaked)
    return result(info, Outcome::violated,
                  "delivered " + dollar + " to a subscriber of # and +/probe-dollar");
  if (!control_seen)
    return result(info, Outcome::indeterminate, "the control message did not arrive either");
  return result(info, Outcome::kept, "not delivered; the control message after it was");
}

ProbeResult overlapping_max_qos(const ProbeSettings& s, const ProbeInfo& info) {
  const std::string base = "probe/" + s.client_prefix + "/overlap";
  Pair pair = subscribed_pair(s, "overlap", {{base + "/#", 2}, {base + "/x", 1}});
  if (!pair.subscriber) return result(info, Outcome::indeterminate, pair.failed);
  pair.publisher->send(publish(base + "/x", "probe", 2, 7));
  auto pubcomp =
      pair.publisher->await([](const Packet& p) { return is(p, kPubcomp); }, after(s.answer_wait));
  if (!pubcomp) return result(info, Outcome::indeterminate, "the QoS 2 publish got no PUBCOMP");
  std::string qos_seen;
  bool at_two = false;
  for (const Packet& packet : pair.subscriber->collect(after(s.answer_wait))) {
    auto publish = parse_publish(packet);
    if (!publish || publish->topic != base + "/x") continue;
    qos_seen += std::string(qos_seen.empty() ? "" : ", ") + std::to_string(publish->qos);
    at_two = at_two || publish->qos == 2;
  }
  if (qos_seen.empty())
    return result(info, Outcome::violated, "the completed QoS 2 publish was not delivered");
  return result(info, at_two ? Outcome::kept : Outcome::violated, "delivered at QoS " + qos_seen);
}

ProbeResult keepalive_timeout(const ProbeSettings& s, const ProbeInfo& info) {
  const std::string will_topic = "probe/" + s.client_prefix + "/will";
  auto observer = open(s);
  if (auto failed = handshake(*observer, s, client(s, "keepalive-observer")))
    return result(info, Outcome::indeterminate, *failed);
  observer->send(subscribe(1, {{will_topic, 0}}));
  if (!observer->await([](const Packet& p) { return is(p, kSuback); }, after(s.answer_wait)))
    return result(info, Outcome::indeterminate, "no SUBACK for the will topic");
  auto silent = open(s);
  ConnectSpec spec = client(s, "keepalive-silent");
  spec.keepalive_s = s.keepalive_s;
  spec.will = std::pair{will_topic, std::string("gone")};
  if (auto failed = handshake(*silent, s, spec))
    return result(info, Outcome::indeterminate, *failed);
  // From the CONNACK on, the client sends nothing: the server must close within 1.5 x the
  // keepalive (MQTT-3.1.2-24) and, as the close is not a DISCONNECT, publish the will.
  const auto start = Clock::now();
  const milliseconds limit(s.keepalive_s * 1500);
  const milliseconds tolerance = s.keepalive_tolerance;
  const auto give_up = start + 3 * limit + s.answer_wait;
  silent->collect(give_up);
  auto will = observer->await([](const Packet& p) { return is(p, kPublish); }, give_up);
  auto seconds = [&](Clock::time_point t) {
    return std::to_string(std::chrono::duration<double>(t - start).count()).substr(0, 4) + " s";
  };
  std::string observed = "keepalive " + std::to_string(s.keepalive_s) + " s: ";
  observed += silent->closed() ? "closed after " + seconds(silent->closed_at())
                               : "not closed within " + seconds(give_up);
  observed += will ? ", will delivered after " + seconds(Clock::now()) : ", no will";
  bool in_time = silent->closed() && silent->closed_at() - start <= limit + tolerance;
  return result(
      info, in_time && will ? Outcome::kept : Outcome::violated,
      observed + " (limit 1.5 x keepalive + " + std::to_string(tolerance.count()) + " ms)");
}

const std::vector<Probe>& probes() {
  static const std::vector<Probe> kProbes = {
      {{"second_connect", "MQTT-3.1.0-2",
        "a second CONNECT on a connection is a protocol violation: the server closes it"},
       second_connect},
      {{"empty_client_id_persistent", "MQTT-3.1.3-8",
        "a zero-byte client id with CleanSession 0: CONNACK 0x02, then close"},
       empty_client_id_persistent},
      {{"connect_reserved_flag", "MQTT-3.1.2-3",
        "the CONNECT flags' reserved bit set: the server disconnects the client"},
       connect_reserved_flag},
      {{"subscribe_reserved_flags", "MQTT-3.8.1-1",
        "SUBSCRIBE fixed-header flags other than 0010 are malformed: the server closes"},
       subscribe_reserved_flags},
      {{"publish_qos3", "MQTT-3.3.1-4", "a PUBLISH with both QoS bits set: the server closes"},
       publish_qos3},
      {{"wildcard_topic_name", "MQTT-3.3.2-2",
        "a PUBLISH topic name with a wildcard is a protocol violation: the server closes "
        "(MQTT-4.8.0-1)"},
       wildcard_topic_name},
      {{"invalid_utf8_topic", "MQTT-1.5.3-1",
        "ill-formed UTF-8 in a topic name: the server closes the connection"},
       invalid_utf8_topic},
      {{"null_in_topic", "MQTT-1.5.3-2", "U+0000 in a topic name: the server closes"},
       null_in_topic},
      {{"dollar_topics", "MQTT-4.7.2-1",
        "filters starting with a wildcard (#, +/...) do not match topics starting with $"},
       dollar_topics},
      {{"overlapping_max_qos", "MQTT-3.3.5-1",
        "overlapping subscriptions granted QoS 2 and 1: the message comes at the maximum, 2"},
       overlapping_max_qos},
      {{"keepalive_timeout", "MQTT-3.1.2-24",
        "a client silent for 1.5 x its keepalive is disconnected, and its will published"},
       keepalive_timeout},
  };
  return kProbes;
}

}  // namespace

const char* to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::kept:
      return "kept";
    case Outcome::violated:
      return "violated";
    case Outcome::indeterminate:
      return "indeterminate";
  }
  return "?";
}

const std::vector<ProbeInfo>& probe_catalog() {
  static const std::vector<ProbeInfo> kInfo = [] {
    std::vector<ProbeInfo> info;
    for (const Probe& probe : probes()) info.push_back(probe.info);
    return info;
  }();
  return kInfo;
}

std::vector<ProbeResult> run_probes(const ProbeSettings& settings,
                                    const std::vector<std::string>& only) {
  for (const std::string& name : only) {
    bool known = false;
    for (const Probe& probe : probes()) known = known || probe.info.name == name;
    if (!known) throw std::invalid_argument("unknown probe \"" + name + "\"");
  }
  { ProbeConnection reachable(settings.host, settings.port, settings.answer_wait); }
  std::vector<ProbeResult> results;
  for (const Probe& probe : probes()) {
    bool chosen = only.empty();
    for (const std::string& name : only) chosen = chosen || name == probe.info.name;
    if (!chosen) continue;
    try {
      results.push_back(probe.run(settings, probe.info));
    } catch (const std::runtime_error& error) {
      results.push_back(result(probe.info, Outcome::indeterminate, error.what()));
    }
  }
  return results;
}

}  // namespace mqttbed::probe

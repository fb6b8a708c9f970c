// The broker facade: dispatches to Broker::State, and the names of the test mutations.
#include "sim/broker/broker.h"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <utility>

#include "sim/broker/broker_state.h"

namespace mqttbed::broker {
namespace {

constexpr std::array<Mutation, 34> kMutations = {
    Mutation::none,
    Mutation::drop_offline_qos1,
    Mutation::duplicate_qos2,
    Mutation::reorder,
    Mutation::will_after_disconnect,
    Mutation::skip_will,
    Mutation::forget_retained_on_restart,
    Mutation::forget_sessions_on_restart,
    Mutation::leak_across_accounts,
    Mutation::drop_acks,
    Mutation::refuse_subscriptions,
    Mutation::deliver_after_unsubscribe,
    Mutation::upgrade_qos,
    Mutation::retain_on_forward,
    Mutation::never_time_out,
    Mutation::no_takeover,
    Mutation::ignore_payload_limit,
    Mutation::corrupt_large_payloads,
    Mutation::invalid_reason_code,
    Mutation::ignore_message_expiry,
    Mutation::dollar_matches_wildcards,
    Mutation::ignore_no_local,
    Mutation::drop_subscription_ids,
    Mutation::ignore_retain_handling,
    Mutation::ignore_retain_as_published,
    Mutation::ignore_receive_maximum,
    Mutation::ignore_will_delay,
    Mutation::share_to_all,
    Mutation::drop_correlation_data,
    Mutation::reorder_user_properties,
    Mutation::authorizer_off,
    Mutation::ignore_token_expiry,
    Mutation::ignore_revocation,
    Mutation::wildcard_leak,
};

}  // namespace

const char* to_string(Mutation mutation) {
  switch (mutation) {
    case Mutation::none:
      return "none";
    case Mutation::drop_offline_qos1:
      return "drop_offline_qos1";
    case Mutation::duplicate_qos2:
      return "duplicate_qos2";
    case Mutation::reorder:
      return "reorder";
    case Mutation::will_after_disconnect:
      return "will_after_disconnect";
    case Mutation::skip_will:
      return "skip_will";
    case Mutation::forget_retained_on_restart:
      return "forget_retained_on_restart";
    case Mutation::forget_sessions_on_restart:
      return "forget_sessions_on_restart";
    case Mutation::leak_across_accounts:
      return "leak_across_accounts";
    case Mutation::drop_acks:
      return "drop_acks";
    case Mutation::refuse_subscriptions:
      return "refuse_subscriptions";
    case Mutation::deliver_after_unsubscribe:
      return "deliver_after_unsubscribe";
    case Mutation::upgrade_qos:
      return "upgrade_qos";
    case Mutation::retain_on_forward:
      return "retain_on_forward";
    case Mutation::never_time_out:
      return "never_time_out";
    case Mutation::no_takeover:
      return "no_takeover";
    case Mutation::ignore_payload_limit:
      return "ignore_payload_limit";
    case Mutation::corrupt_large_payloads:
      return "corrupt_large_payloads";
    case Mutation::invalid_reason_code:
      return "invalid_reason_code";
    case Mutation::ignore_message_expiry:
      return "ignore_message_expiry";
    case Mutation::dollar_matches_wildcards:
      return "dollar_matches_wildcards";
    case Mutation::ignore_no_local:
      return "ignore_no_local";
    case Mutation::drop_subscription_ids:
      return "drop_subscription_ids";
    case Mutation::ignore_retain_handling:
      return "ignore_retain_handling";
    case Mutation::ignore_retain_as_published:
      return "ignore_retain_as_published";
    case Mutation::ignore_receive_maximum:
      return "ignore_receive_maximum";
    case Mutation::ignore_will_delay:
      return "ignore_will_delay";
    case Mutation::share_to_all:
      return "share_to_all";
    case Mutation::drop_correlation_data:
      return "drop_correlation_data";
    case Mutation::reorder_user_properties:
      return "reorder_user_properties";
    case Mutation::authorizer_off:
      return "authorizer_off";
    case Mutation::ignore_token_expiry:
      return "ignore_token_expiry";
    case Mutation::ignore_revocation:
      return "ignore_revocation";
    case Mutation::wildcard_leak:
      return "wildcard_leak";
  }
  return "unknown";
}

std::vector<std::string> mutation_names() {
  std::vector<std::string> names;
  for (Mutation mutation : kMutations)
    if (mutation != Mutation::none) names.emplace_back(to_string(mutation));
  return names;
}

Mutation parse_mutation(const std::string& name) {
  // Accept "skip-will" as well as "skip_will": YAML and CLI users write both.
  std::string normal = name;
  std::replace(normal.begin(), normal.end(), '-', '_');
  for (Mutation mutation : kMutations) {
    if (normal == to_string(mutation)) return mutation;
  }
  std::string known;
  for (Mutation mutation : kMutations)
    known += std::string(known.empty() ? "" : ", ") + to_string(mutation);
  throw std::invalid_argument("unknown broker mutation \"" + name + "\" (known: " + known + ")");
}

Broker::State::State(BrokerConfig config_in, BrokerHost& host_in)
    : config(std::move(config_in)), host(host_in), reorder_rng(config.reorder_seed) {
  if (config.max_inflight < 1 || config.max_queued < 0) {
    throw std::invalid_argument("BrokerConfig: max_inflight must be >= 1 and max_queued >= 0");
  }
}

Broker::Broker(BrokerConfig config, BrokerHost& host)
    : state_(std::make_unique<State>(std::move(config), host)) {}

Broker::~Broker() = default;

void Broker::on_packet(ConnectionId connection, const mqtt::Packet& packet) {
  State& s = *state_;
  if (!s.up) {
    s.refuse(connection);  // nothing listens: the connection is refused
    return;
  }
  if (s.closed.count(connection) != 0) return;  // in flight when the connection ended
  if (Connection* open = s.connections.find(connection)) {
    s.on_client_packet(*open, packet);
  } else if (packet.type == mqtt::PacketType::connect) {
    s.on_connect(connection, packet);
  } else {
    s.refuse(connection);  // MQTT-3.1.0-1: the first packet must be CONNECT
  }
  s.refresh_stats();
}

void Broker::on_connection_lost(ConnectionId connection) {
  State& s = *state_;
  if (!s.up) return;
  if (s.connections.find(connection) != nullptr) {
    s.end_connection(connection, mqtt::ConnectionEnd::network_lost);
  }
  s.closed.insert(connection);
  s.refresh_stats();
}

void Broker::crash() {
  state_->crash();
  state_->refresh_stats();
}

void Broker::restart() {
  state_->restart();
  state_->refresh_stats();
}

bool Broker::is_up() const { return state_->up; }

const BrokerStats& Broker::stats() const { return state_->stats; }

}  // namespace mqttbed::broker

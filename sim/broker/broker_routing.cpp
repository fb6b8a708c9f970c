// Routing: fan-out of an accepted message to the sessions whose subscriptions match, the
// per-session queue and in-flight window, and resends when a session resumes.
#include <algorithm>
#include <utility>

#include "sim/broker/broker_state.h"

namespace mqttbed::broker {

bool Broker::State::authorized(const std::string& client_id, policy::Action action,
                               const std::string& name) const {
  // --- MUTATION authorizer_off: everything allowed. wildcard_leak: a filter with + or # is
  // granted unchecked, so the subscription routes every account's matching topics to it.
  if (config.mutation == Mutation::authorizer_off) return true;
  if (config.mutation == Mutation::wildcard_leak && action == policy::Action::subscribe &&
      name.find_first_of("+#") != std::string::npos)
    return true;
  return !config.authorize || config.authorize(client_id, action, name);
}

void Broker::State::route(mqtt::Message message, const std::string& publisher, bool will) {
  if (message.retain) retained.update(message);  // MQTT-3.3.1-5, -10, -11
  // v5 Retain As Published keeps the RETAIN flag as received (MQTT-3.3.1-13).
  const bool received_retain = message.retain;
  // MQTT-3.3.1-9: forwarded to existing subscribers with RETAIN=0. --- MUTATION
  // retain_on_forward: RETAIN kept on forwards of PUBLISHes (wills keep the rule, so the
  // mutation stays the deliveries checker's alone).
  if (config.mutation != Mutation::retain_on_forward || will) message.retain = false;
  // MQTT-3.3.5-1: a session matching through several filters gets one copy at the
  // highest granted QoS, carrying every matching subscription's identifier (MQTT-3.3.4-4);
  // every copy is capped at the publish QoS (MQTT-3.8.4-6). A No Local subscription does
  // not match what its own client id published (MQTT-3.8.3-3), a will included (as
  // mosquitto). --- MUTATION ignore_no_local: it does.
  const std::uint64_t publisher_key = sessions.key_of(publisher);
  const bool honour_no_local = config.mutation != Mutation::ignore_no_local;
  std::map<std::uint64_t, mqtt::SubscriberCopy> copies;
  // --- MUTATION dollar_matches_wildcards: '$' topics reach '#' and '+/...' filters.
  subscriptions.match(
      message.topic,
      [&](std::uint64_t key, const mqtt::SubscriptionEntry& entry) {
        copies[key].add(entry, key == publisher_key, honour_no_local);
      },
      config.mutation != Mutation::dollar_matches_wildcards);
  forward_properties(message);
  for (auto& [key, found] : copies) {
    if (!found.matched) continue;
    mqtt::Message copy = message;
    copy.qos = std::min(message.qos, found.qos);
    // --- MUTATION upgrade_qos: the granted QoS, even above the publish QoS.
    if (config.mutation == Mutation::upgrade_qos) copy.qos = found.qos;
    // --- MUTATION ignore_retain_as_published: RETAIN=0 on every forward.
    if (found.retain_as_published && config.mutation != Mutation::ignore_retain_as_published)
      copy.retain = received_retain;
    // --- MUTATION drop_subscription_ids: no identifier on any delivery.
    if (config.mutation != Mutation::drop_subscription_ids)
      copy.subscription_ids = std::move(found.ids);
    deliver(key, copy, publisher);
  }
  route_shared(message, publisher);
  // --- MUTATION leak_across_accounts: one more copy to a client not allowed to read it.
  if (config.mutation == Mutation::leak_across_accounts) leak_to_other_account(message, publisher);
}

void Broker::State::unroute(const std::string& filter, std::uint64_t session_key) {
  if (const auto share = mqtt::parse_shared(filter)) {
    shared.remove(share->group, share->filter, session_key);
  } else {
    subscriptions.erase(filter, session_key);
  }
}

void Broker::State::forward_properties(mqtt::Message& message) const {
  // MQTT-3.3.2-16: Correlation Data unaltered. --- MUTATION drop_correlation_data.
  if (config.mutation == Mutation::drop_correlation_data) message.properties.correlation_data = {};
  // MQTT-3.3.2-18: User Properties in order. --- MUTATION reorder_user_properties.
  if (config.mutation == Mutation::reorder_user_properties) {
    std::reverse(message.properties.user.begin(), message.properties.user.end());
  }
}

// §4.8.2: one member of each matching share gets the message, at most at its granted QoS
// (MQTT-4.8.2-3); a session holding the share and a matching plain subscription gets a copy
// for each.
void Broker::State::route_shared(const mqtt::Message& message, const std::string& publisher) {
  const auto send = [&](const mqtt::SharedSubscriptions::Member& member) {
    mqtt::Message copy = message;
    copy.qos = std::min(message.qos, member.granted_qos);
    deliver(member.session, copy, publisher);
  };
  // --- MUTATION share_to_all: every member, as if each held a plain subscription.
  if (config.mutation == Mutation::share_to_all) {
    shared.every_member(message.topic, send);
    return;
  }
  shared.choose(
      message.topic,
      [this](std::uint64_t key) {
        const mqtt::Session* session = sessions.find(key);
        return session != nullptr && connections.find_client(session->client_id()) != nullptr;
      },
      send);
}

void Broker::State::deliver(std::uint64_t session_key, const mqtt::Message& message,
                            const std::string& publisher) {
  mqtt::Session* session = sessions.find(session_key);
  if (session == nullptr) return;
  // --- MUTATION corrupt_large_payloads: one byte in the middle of a large payload changes
  // (past any header a client put in front; XOR 1 keeps text printable).
  if (config.mutation == Mutation::corrupt_large_payloads && message.payload.size() >= 4096) {
    mqtt::Message corrupted = message;
    corrupted.payload[corrupted.payload.size() / 2] ^= 0x01;
    offer(*session, std::move(corrupted));
    return;
  }
  // A broker without an ordering promise (reorder_window > 0): each delivery waits a seeded
  // random time before joining the session's queue, so later messages can overtake it.
  if (config.reorder_window.count() > 0) {
    const auto wait =
        std::uniform_int_distribution<std::int64_t>(0, config.reorder_window.count())(reorder_rng);
    const std::uint64_t serial = next_serial++;
    held_in_window.emplace(serial, std::make_pair(session_key, message));
    schedule(Duration(wait), [this, serial] { release_held(serial); });
    return;
  }
  // --- MUTATION reorder: hold every other message of a publisher to a subscriber and send
  // it after the next one; one that no next message follows within five seconds goes out
  // (late, not lost: the mutation breaks order only).
  if (config.mutation == Mutation::reorder) {
    const auto pair_key = std::make_pair(session_key, publisher);
    auto held = held_for_reorder.find(pair_key);
    if (held == held_for_reorder.end()) {
      held_for_reorder.emplace(pair_key, message);
      schedule(std::chrono::seconds(5), [this, pair_key, message] {
        auto still = held_for_reorder.find(pair_key);
        if (still == held_for_reorder.end() || still->second.payload != message.payload) return;
        held_for_reorder.erase(still);
        if (mqtt::Session* s = sessions.find(pair_key.first)) offer(*s, message);
      });
      return;
    }
    mqtt::Message earlier = std::move(held->second);
    held_for_reorder.erase(held);
    offer(*session, message);
    offer(*session, std::move(earlier));
    return;
  }
  offer(*session, message);
  // --- MUTATION duplicate_qos2: a second copy under a new packet id, DUP=0.
  if (config.mutation == Mutation::duplicate_qos2 && message.qos == 2) offer(*session, message);
}

void Broker::State::release_held(std::uint64_t serial) {
  auto held = held_in_window.find(serial);
  if (held == held_in_window.end()) return;
  auto [session_key, message] = std::move(held->second);
  held_in_window.erase(held);
  if (mqtt::Session* session = sessions.find(session_key)) offer(*session, std::move(message));
}

void Broker::State::offer(mqtt::Session& session, mqtt::Message message) {
  const bool online = connections.find_client(session.client_id()) != nullptr;
  if (!online) {
    // Only QoS 1/2 messages are session state kept for a disconnected client
    // (MQTT 3.1.1 §3.1.2.4); QoS 0 ones are dropped, as mosquitto does by default.
    if (message.qos == 0) return;
    // --- MUTATION drop_offline_qos1: QoS 1 for an offline session silently dropped.
    if (config.mutation == Mutation::drop_offline_qos1 && message.qos == 1) return;
  }
  // Every message goes through the session's FIFO queue, so each subscriber receives
  // messages in the order the broker accepted them (MQTT-4.6.0-6).
  if (!session.enqueue(std::move(message))) {
    ++stats.dropped_queue_full;
    return;
  }
  ++stats.queued_now;
  if (online) flush(session);
}

void Broker::State::flush(mqtt::Session& session) {
  const Connection* connection = connections.find_client(session.client_id());
  if (connection == nullptr) return;
  // --- MUTATION ignore_message_expiry: expired messages go out, their interval unchanged.
  const bool honour_expiry = config.mutation != Mutation::ignore_message_expiry;
  const std::uint64_t expired_before = session.expired_count();
  for (const mqtt::Outgoing& out : session.take_sendable(host.now().count(), honour_expiry)) {
    --stats.queued_now;
    ++stats.deliveries_out;
    host.send(connection->id, out.to_packet());
  }
  stats.queued_now -= session.expired_count() - expired_before;
}

void Broker::State::resume(mqtt::Session& session, ConnectionId id) {
  // MQTT-4.4.0-1: unacknowledged PUBLISH (DUP=1) and PUBREL again, original ids, in
  // order, before anything new from the queue.
  for (const mqtt::Outgoing& out : session.resend_unacknowledged()) {
    if (out.type == mqtt::PacketType::publish) ++stats.deliveries_out;
    host.send(id, out.to_packet());
  }
  flush(session);
}

void Broker::State::leak_to_other_account(const mqtt::Message& message,
                                          const std::string& publisher) {
  if (!config.authorize) return;  // everyone may read everything: nothing to leak
  // Deterministic victim: the lowest connection id of another client denied this topic.
  std::string victim;
  connections.for_each([&](const Connection& c) {
    if (victim.empty() && c.client_id != publisher &&
        !config.authorize(c.client_id, policy::Action::receive, message.topic)) {
      victim = c.client_id;
    }
  });
  mqtt::Session* session = victim.empty() ? nullptr : sessions.find(victim);
  if (session == nullptr) return;
  mqtt::Message copy = message;
  copy.qos = std::min<std::uint8_t>(message.qos, config.qos2 ? 2 : 1);
  offer(*session, std::move(copy));
}

void Broker::State::refresh_stats() {
  stats.sessions = sessions.size();
  stats.connections = connections.size();
}

}  // namespace mqttbed::broker

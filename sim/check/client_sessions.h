// What each client's own events say about its connection, session and subscriptions: who
// is connected, which filters it holds (in a topic trie), and epochs that change whenever
// a connection ends, the session is lost or a subscription is removed. Shared by the
// checkers that must know who was owed a message.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sim/history/event.h"
#include "sim/history/history.h"
#include "sim/mqtt/topic_trie.h"

namespace mqttbed::check {

struct ClientState {
  bool connected = false;     // CONNACK 0 received, no DISCONNECT/loss since
  bool clean = true;          // clean-session flag of the current (or last) connection
  bool pending_clean = true;  // clean-session flag of the last CONNECT sent
  // Does the session end with the current connection (v3.1.1 clean, or MQTT 5 expiry 0)?
  bool ends_with_connection = true;
  bool pending_ends_with_connection = true;
  bool ever_connected = false;
  std::uint32_t connection = 0;        // +1 whenever a connection ends
  std::uint32_t session = 0;           // +1 whenever the session (subscriptions, queue) may be lost
  std::uint32_t subscriptions = 0;     // +1 whenever a subscription is removed
  std::vector<std::uint32_t> filters;  // granted filters (string ids)
  // The last few connection/subscription events, for violation excerpts.
  std::array<history::Event, 4> recent{};
  std::uint8_t recent_count = 0;
};

// A subscriber's epochs at some moment; compared later to see whether it stayed alive.
struct SubscriberMark {
  std::uint32_t client = 0;
  std::uint8_t granted_qos = 0;
  std::uint32_t session = 0;
  std::uint32_t subscriptions = 0;
  std::uint32_t connection = 0;
  // Every matching subscription has MQTT 5 No Local: nothing its own client id publishes is
  // sent to it (MQTT-3.8.3-3).
  bool no_local_only = false;

  // Is this subscriber owed what `publisher` (a client index) published?
  bool owed_from(std::uint32_t publisher) const { return !(no_local_only && client == publisher); }
};

// Does `state` hold a shared subscription (MQTT 5 $share/{group}/{filter}, §4.8.2) whose filter
// matches `topic`? A member gets only some of the messages, and §4.6 promises order only on
// non-shared subscriptions (MQTT-4.6.0-6): stream checks skip what may have come that way.
bool shares_topic(const ClientState& state, const std::string& topic,
                  const history::History& history);

class ClientSessions {
 public:
  // Updates the state from one event (call for every event, before judging it; a second
  // call for the same event of a History does nothing, so checkers can share one).
  void observe(const history::Event& event, const history::History& history);

  const ClientState& state(std::uint32_t client) const;

  // Every connected client holding a granted subscription matching `topic`, with the highest
  // granted QoS among its matching filters (MQTT-3.3.5-1), in client id order.
  void connected_subscribers(const std::string& topic,
                             const std::function<void(const SubscriberMark&)>& visit) const;
  // Every client (connected or not) holding a granted subscription matching `topic`.
  void all_subscribers(const std::string& topic,
                       const std::function<void(const SubscriberMark&)>& visit) const;

  // Still the same session and subscriptions as at `mark`, and connected now? Then anything
  // owed since `mark` (QoS >= 1) must arrive. For QoS 0, also the same connection.
  bool alive_since(const SubscriberMark& mark, bool same_connection) const;
  // Does `client` hold a granted subscription matching `topic` with MQTT 5 Retain As
  // Published? Then a RETAIN=1 delivery may be a forward, not only a retained replay.
  bool keeps_retain(std::uint32_t client, const std::string& topic) const;

  // The recent events of `client`, described, for an excerpt.
  void append_recent(std::uint32_t client, const history::History& history,
                     std::vector<std::string>& excerpt) const;

 private:
  ClientState& mutable_state(std::uint32_t client);
  void remember(ClientState& state, const history::Event& event);
  void end_connection(std::uint32_t client, ClientState& state, const history::History& history);
  void drop_session(std::uint32_t client, ClientState& state, const history::History& history);
  void subscribers(const std::string& topic, bool connected_only,
                   const std::function<void(const SubscriberMark&)>& visit) const;

  // Every subscriber matching `topic` (any state), by client id; cached for the event.
  const std::vector<SubscriberMark>& matching(const std::string& topic) const;

  std::uint64_t last_event_ = 0;
  mutable std::uint64_t matched_event_ = 0;
  mutable std::string matched_topic_;
  mutable std::vector<SubscriberMark> matched_;
  std::vector<ClientState> clients_;
  mqtt::TopicTrie<std::uint8_t> filters_;  // (filter, client) -> granted QoS
};

}  // namespace mqttbed::check

#include "sim/live/live_client.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/live/fault_proxy.h"
#include "sim/live/live_identity.h"

namespace mqttbed::live {

namespace {

// As the simulated client (and Paho's default): an attempt without CONNACK by then failed.
constexpr int kConnectTimeoutS = 30;
// A v5 reason code of 0x80 or more is a failure (MQTT 5 §2.4); below it, success.
constexpr int kFirstFailureReason = 0x80;
// CONNACK return codes 1..5 (3.1.1, MQTT-3.2.2-4) and reason codes 0x80.. (v5 §3.2.2.2) are
// refusals; anything else Paho reports for a connect is a transport failure (negative) and
// is recorded as connect_failed.
bool is_connack_refusal(int code, bool v5) {
  return v5 ? code >= kFirstFailureReason : code >= 1 && code <= 5;
}

// Paho's per-token user context is a void*; it carries our request id and is never
// dereferenced, so the cast costs no optimisation that matters.
void* context_of(std::uint64_t value) {
  return reinterpret_cast<void*>(  // NOLINT(performance-no-int-to-ptr)
      static_cast<std::uintptr_t>(value));
}
std::uint64_t value_of(const ::mqtt::token& token) {
  return static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(token.get_user_context()));
}

// Paho's token accessors throw (missing_response, a failure code) when the response is not
// what they expect; the listeners run on Paho's threads, where nothing may throw.
bool session_present_of(const ::mqtt::token& token) {
  try {
    return token.get_connect_response().is_session_present();
  } catch (const ::mqtt::exception&) {
    return false;  // a CONNACK without readable flags: no session claimed
  }
}
int granted_of(const ::mqtt::token& token) {
  try {
    auto response = token.get_subscribe_response();
    const auto& codes = response.get_reason_codes();
    return codes.empty() ? 0 : static_cast<int>(codes.front());
  } catch (const ::mqtt::exception&) {
    return -1;  // nothing readable: recorded as no SUBACK
  }
}
// The Reason String property of a v5 answer, empty when it has none.
std::string reason_string_of(const ::mqtt::properties& properties) {
  if (!properties.contains(::mqtt::property::REASON_STRING)) return {};
  return ::mqtt::get<std::string>(properties, ::mqtt::property::REASON_STRING);
}
// A CONNACK's reason code and Reason String (Paho reports the code on the token).
std::pair<int, std::string> connack_of(const ::mqtt::token& token) {
  try {
    const int code = static_cast<int>(token.get_reason_code());
    return {code, reason_string_of(token.get_connect_response().get_properties())};
  } catch (const ::mqtt::exception&) {
    return {static_cast<int>(token.get_reason_code()), {}};
  }
}
// An UNSUBACK's first reason code (v5; 3.1.1 has none: 0) and Reason String.
std::pair<int, std::string> unsuback_of(const ::mqtt::token& token) {
  try {
    auto response = token.get_unsubscribe_response();
    const auto& codes = response.get_reason_codes();
    return {codes.empty() ? 0 : static_cast<int>(codes.front()),
            reason_string_of(response.get_properties())};
  } catch (const ::mqtt::exception&) {
    return {static_cast<int>(token.get_reason_code()), {}};
  }
}
std::string suback_reason_of(const ::mqtt::token& token) {
  try {
    return reason_string_of(token.get_subscribe_response().get_properties());
  } catch (const ::mqtt::exception&) {
    return {};
  }
}

// The v5 properties a PUBLISH carries on to its subscribers (MQTT-3.3.2-15..-18), in Paho's
// form and back. Paho keeps User Properties in wire order.
void add_properties(const mqtt::ApplicationProperties& from, ::mqtt::properties& to) {
  if (!from.response_topic.empty()) to.add({::mqtt::property::RESPONSE_TOPIC, from.response_topic});
  if (!from.correlation_data.empty())
    to.add({::mqtt::property::CORRELATION_DATA, from.correlation_data});
  for (const auto& [key, value] : from.user) to.add({::mqtt::property::USER_PROPERTY, key, value});
}
mqtt::ApplicationProperties properties_of(const ::mqtt::properties& from) {
  mqtt::ApplicationProperties to;
  if (from.contains(::mqtt::property::RESPONSE_TOPIC))
    to.response_topic = ::mqtt::get<std::string>(from, ::mqtt::property::RESPONSE_TOPIC);
  if (from.contains(::mqtt::property::CORRELATION_DATA))
    to.correlation_data = ::mqtt::get<std::string>(from, ::mqtt::property::CORRELATION_DATA);
  for (std::size_t i = 0; i < from.count(::mqtt::property::USER_PROPERTY); ++i) {
    const auto pair = ::mqtt::get<::mqtt::string_pair>(from, ::mqtt::property::USER_PROPERTY, i);
    to.user.emplace_back(std::get<0>(pair), std::get<1>(pair));
  }
  return to;
}

// Runs `work` and swallows what it throws: for code called from Paho's threads and from
// destructors, where an exception would terminate the process.
template <typename Work>
void without_throwing(Work&& work) noexcept {
  try {
    work();
  } catch (...) {
  }
}

}  // namespace

void LiveMqttClient::Listener::call(const ::mqtt::token& token, bool ok) noexcept {
  without_throwing([&] { handler_(token, ok); });
}

LiveMqttClient::LiveMqttClient(std::string client_id, ClientContext& context)
    : client_id_(std::move(client_id)),
      wire_id_(context.options.client_prefix + client_id_),
      context_(context),
      recorder_(context.history, client_id_, [&loop = context.loop] { return loop.now().count(); }),
      connect_listener_([this](const ::mqtt::token& token, bool ok) {
        std::uint64_t attempt = value_of(token);
        bool session_present = ok && session_present_of(token);
        std::pair<int, std::string> answer =
            v5_ ? connack_of(token) : std::pair<int, std::string>{};
        int code = answer.first;
        std::string reason = std::move(answer.second);
        // v5 refusals come as a failure with the CONNACK's reason code on the token.
        if (!ok && !(v5_ && code >= kFirstFailureReason)) code = token.get_return_code();
        post([this, attempt, ok, session_present, code, reason] {
          on_connect_result(attempt, ok, session_present, code, reason);
        });
      }),
      publish_listener_([this](const ::mqtt::token& token, bool ok) {
        std::uint64_t seq = value_of(token);
        int qos = 0;
        if (auto* delivery = dynamic_cast<const ::mqtt::delivery_token*>(&token)) {
          if (auto message = delivery->get_message()) qos = message->get_qos();
        }
        // Paho C++ 1.2 keeps no properties of a PUBACK/PUBCOMP (its token's are commented
        // out): the reason code is readable, the Reason String is not (docs/live.md).
        const int code = v5_ ? static_cast<int>(token.get_reason_code()) : 0;
        post([this, seq, qos, ok, code] { on_publish_result(seq, qos, ok, code); });
      }),
      subscribe_listener_([this](const ::mqtt::token& token, bool ok) {
        std::uint64_t request = value_of(token);
        int granted = 0x80;
        std::string reason;
        if (ok) {
          granted = granted_of(token);
          reason = suback_reason_of(token);
        } else if (v5_ && static_cast<int>(token.get_reason_code()) >= kFirstFailureReason) {
          granted = static_cast<int>(token.get_reason_code());
        } else if (v5_ || token.get_return_code() != 0x80) {
          granted = -1;  // no SUBACK at all (connection gone): nothing to record
        }
        post([this, request, granted, reason] { on_suback(request, granted, reason); });
      }),
      unsubscribe_listener_([this](const ::mqtt::token& token, bool ok) {
        std::uint64_t request = value_of(token);
        std::pair<int, std::string> answer = unsuback_of(token);
        int code = answer.first;
        std::string reason = std::move(answer.second);
        // A failure without a v5 reason code is a connection gone before the UNSUBACK.
        if (!ok && code < kFirstFailureReason) code = -1;
        post([this, request, code, reason] { on_unsuback(request, code, reason); });
      }) {}

::mqtt::async_client& LiveMqttClient::paho() {
  if (paho_) return *paho_;
  // Paho C binds the protocol when the client is made: a v5 connect needs a v5 client.
  ::mqtt::create_options create(v5_ ? MQTTVERSION_5 : MQTTVERSION_3_1_1);
  paho_ = std::make_unique<::mqtt::async_client>(
      identity_uri(context_.uri_for(client_id_), context_.options, client_id_), wire_id_, create,
      nullptr);
  // Both run on Paho's threads: nothing may escape them.
  paho_->set_message_callback([this](::mqtt::const_message_ptr message) {
    without_throwing([&] { post([this, message] { on_message_arrived(message); }); });
  });
  paho_->set_connection_lost_handler([this](const std::string&) {
    std::uint64_t attempt = paho_attempt_.load();
    without_throwing([&] { post([this, attempt] { on_lost(attempt, 0, {}); }); });
  });
  // v5: the server's DISCONNECT, which Paho reports before the connection's end.
  paho_->set_disconnected_handler(
      [this](const ::mqtt::properties& properties, ::mqtt::ReasonCode code) {
        std::uint64_t attempt = paho_attempt_.load();
        without_throwing([&] {
          std::string reason = reason_string_of(properties);
          post([this, attempt, code, reason] { on_lost(attempt, static_cast<int>(code), reason); });
        });
      });
  return *paho_;
}

LiveMqttClient::~LiveMqttClient() {
  *alive_ = false;
  if (!context_.run_over && state_ != State::disconnected) {
    // The device lost its memory (reboot): its connection dies without DISCONNECT. Paho
    // would say DISCONNECT when destroyed, so the proxy cuts the broker's side first.
    if (context_.proxy != nullptr) context_.proxy->reset(wire_id_, FaultProxy::Side::both);
    recorder_.connection_lost("reboot");
  }
  set_state(State::disconnected);
  if (paho_) {
    // Paho C refuses to change callbacks while a connect is in progress (MQTTASYNC_FAILURE,
    // thrown as mqtt::exception [-1]): a client torn down mid-reconnect used to abort the
    // run here (issue 12). The C++ wrapper replaces its handler before asking the C library,
    // so the handlers are dropped either way; the refusal itself is harmless.
    without_throwing([&] { paho_->set_message_callback(nullptr); });
    without_throwing([&] { paho_->set_connection_lost_handler(nullptr); });
    without_throwing([&] { paho_->set_disconnected_handler(nullptr); });
  }
}

void LiveMqttClient::post(std::function<void()> work) {
  context_.loop.post([alive = alive_, work = std::move(work)] {
    if (*alive) work();
  });
}

void LiveMqttClient::set_state(State state) {
  if ((state_ == State::connected) != (state == State::connected))
    context_.connected += state == State::connected ? 1 : -1;
  state_ = state;
}

::mqtt::connect_options LiveMqttClient::paho_options(const runtime::ConnectOptions& options,
                                                     const std::string& will_payload) const {
  ::mqtt::connect_options paho;
  if (v5_) {
    paho.set_mqtt_version(MQTTVERSION_5);
    // Paho C refuses a v5 connect with the 3.1.1 flag set (MQTTASYNC_BAD_MQTT_OPTION).
    paho.set_clean_session(false);
    paho.set_clean_start(options.clean_session);
    // v5 §3.1.2.11.2: absent means 0, the session ends with the connection.
    ::mqtt::properties properties;
    if (options.session_expiry) {
      properties.add(
          {::mqtt::property::SESSION_EXPIRY_INTERVAL,
           // Paho holds Four Byte Integers as int32_t; the bits go on the wire.
           static_cast<std::int32_t>(static_cast<std::uint32_t>(options.session_expiry->count()))});
    }
    // §3.1.2.11.3: the most unacknowledged QoS 1/2 PUBLISHes the server may send us.
    if (options.receive_maximum) {
      properties.add({::mqtt::property::RECEIVE_MAXIMUM, std::int32_t{*options.receive_maximum}});
    }
    if (!properties.empty()) paho.set_properties(properties);
  } else {
    paho.set_mqtt_version(MQTTVERSION_3_1_1);
    paho.set_clean_session(options.clean_session);
  }
  paho.set_keep_alive_interval(static_cast<int>(options.keepalive.count()));
  paho.set_connect_timeout(kConnectTimeoutS);
  // Devices reconnect themselves with backoff; Paho retrying too would hide their behaviour.
  paho.set_automatic_reconnect(false);
  const LiveOptions& live = context_.options;
  const std::string& username = live.username.empty() ? options.username : live.username;
  const std::string& password = live.username.empty() ? options.password : live.password;
  if (!username.empty()) paho.set_user_name(username);
  if (!password.empty()) paho.set_password(password);
  if (options.will) {
    const auto& will = *options.will;
    // v5 Will Delay Interval: a will property (Paho moves it into the CONNECT's will
    // properties, v5 §3.1.3.2).
    ::mqtt::properties will_properties;
    if (v5_ && will.delay && will.delay->count() > 0) {
      will_properties.add(
          {::mqtt::property::WILL_DELAY_INTERVAL,
           static_cast<std::int32_t>(static_cast<std::uint32_t>(will.delay->count()))});
    }
    paho.set_will(
        ::mqtt::will_options(will.topic, will_payload, will.qos, will.retain, will_properties));
  }
  apply_identity(paho, live, client_id_);
  return paho;
}

void LiveMqttClient::connect(const runtime::ConnectOptions& options) {
  if (state_ != State::disconnected) return;
  options_ = options;
  v5_ = options.version == runtime::ProtocolVersion::v5;
  set_state(State::connecting);
  std::uint64_t attempt = ++attempt_;
  std::string will_payload;
  // As paho_options() sends it (v3.1.1: no session expiry).
  const auto keepalive_s = static_cast<std::uint16_t>(options.keepalive.count());
  std::optional<std::uint32_t> expiry_s;
  if (v5_ && options.session_expiry)
    expiry_s = static_cast<std::uint32_t>(options.session_expiry->count());
  recorder_.set_protocol_level(v5_ ? 5 : 4);
  // Paho acknowledges received PUBLISHes itself: no ack_sent is recorded live.
  recorder_.set_flow_control(v5_ ? options.receive_maximum.value_or(0) : 0, false);
  if (const auto& will = options.will) {
    const std::uint32_t delay_s =
        v5_ && will->delay ? static_cast<std::uint32_t>(will->delay->count()) : 0;
    will_payload =
        recorder_.connect_sent(options.clean_session, will->topic, will->qos, will->retain,
                               will->payload, expiry_s, keepalive_s, delay_s);
  } else {
    recorder_.connect_sent(options.clean_session, expiry_s, keepalive_s);
  }
  // A clean session starts empty on both sides (MQTT-3.1.2-6).
  if (options.clean_session) outgoing_.clear();
  paho_attempt_ = attempt;
  try {
    paho().connect(paho_options(options, will_payload), context_of(attempt), connect_listener_);
  } catch (const ::mqtt::exception& error) {
    int code = error.get_return_code();
    post([this, attempt, code] { on_connect_result(attempt, false, false, code, {}); });
  }
}

void LiveMqttClient::on_connect_result(std::uint64_t attempt, bool ok, bool session_present,
                                       int code, const std::string& reason) {
  if (attempt != attempt_ || state_ != State::connecting) return;
  if (!ok) {
    set_state(State::disconnected);
    const bool refused = is_connack_refusal(code, v5_);
    if (refused) {
      recorder_.connack(false, code, reason);
    } else {
      recorder_.connect_failed(code);
    }
    if (on_connect_failed) on_connect_failed(refused ? code : -1);
    return;
  }
  recorder_.connack(session_present, code, reason);
  set_state(State::connected);
  if (on_connected) on_connected(session_present);
}

void LiveMqttClient::disconnect() {
  if (state_ == State::disconnected) return;
  recorder_.disconnect_sent();
  set_state(State::disconnected);
  ++attempt_;  // whatever Paho still reports about this connection is stale now
  pending_subscribes_.clear();
  pending_unsubscribes_.clear();
  if (options_.clean_session) outgoing_.clear();
  try {
    paho_->disconnect(0);
  } catch (const ::mqtt::exception&) {
    // Already gone: nothing to tell the broker.
  }
}

std::uint64_t LiveMqttClient::publish(const std::string& topic, const std::string& payload, int qos,
                                      bool retain, const runtime::PublishOptions& options) {
  // Like the simulated client (Paho without offline buffering): nothing while disconnected.
  if (state_ != State::connected) return 0;
  const std::uint32_t expiry_s = v5_ && options.message_expiry
                                     ? static_cast<std::uint32_t>(options.message_expiry->count())
                                     : 0;
  static const mqtt::ApplicationProperties kNone;
  const mqtt::ApplicationProperties& sent = v5_ ? options.properties : kNone;
  auto [seq, enveloped] = recorder_.publish_sent(topic, qos, retain, payload, expiry_s, sent);
  if (qos > 0) outgoing_.insert(seq);
  auto message = ::mqtt::make_message(topic, enveloped, qos, retain);
  ::mqtt::properties properties;
  if (expiry_s > 0) {
    // Paho holds Four Byte Integers as int32_t; the bits are what goes on the wire.
    properties.add(
        {::mqtt::property::MESSAGE_EXPIRY_INTERVAL, static_cast<std::int32_t>(expiry_s)});
  }
  add_properties(sent, properties);
  if (!properties.empty()) message->set_properties(properties);
  try {
    paho_->publish(message, context_of(seq), publish_listener_);
  } catch (const ::mqtt::exception&) {
    // The connection died under us; on_lost follows. Unacknowledged: no obligation.
  }
  return seq;
}

void LiveMqttClient::on_publish_result(std::uint64_t seq, int qos, bool ok, int code) {
  // A v5 PUBACK/PUBREC/PUBCOMP refusing the message is an answer, recorded with its code.
  const bool refused = v5_ && code >= kFirstFailureReason;
  // Otherwise not acknowledged (connection lost); a persistent session may resend it.
  if (!ok && !refused) return;
  if (qos > 0) {
    if (outgoing_.erase(seq) == 0) return;
    recorder_.publish_acked(seq, code);
  }
  if (refused) return;
  if (on_publish_complete) on_publish_complete(seq);
}

void LiveMqttClient::subscribe(const std::string& filter, int qos,
                               const runtime::SubscribeOptions& options) {
  if (state_ != State::connected) return;
  std::uint64_t request = next_request_++;
  pending_subscribes_[request] = filter;
  // v5 Subscription Options and Identifier (§3.8.3.1, §3.8.2.1.2); 3.1.1 has neither.
  ::mqtt::subscribe_options paho_subscribe;
  ::mqtt::properties properties;
  std::uint8_t options_byte = 0;
  if (v5_) {
    paho_subscribe = ::mqtt::subscribe_options(
        options.no_local, options.retain_as_published,
        static_cast<::mqtt::subscribe_options::RetainHandling>(options.retain_handling));
    if (options.subscription_id != 0) {
      properties.add({::mqtt::property::SUBSCRIPTION_IDENTIFIER,
                      static_cast<std::int32_t>(options.subscription_id)});
    }
    options_byte = static_cast<std::uint8_t>((options.no_local ? 1 : 0) |
                                             (options.retain_as_published ? 2 : 0) |
                                             (options.retain_handling << 2));
  }
  recorder_.subscribe_sent(filter, qos, options_byte, v5_ ? options.subscription_id : 0);
  try {
    paho_->subscribe(filter, qos, context_of(request), subscribe_listener_, paho_subscribe,
                     properties);
  } catch (const ::mqtt::exception&) {
    pending_subscribes_.erase(request);
  }
}

void LiveMqttClient::on_suback(std::uint64_t request, int granted, const std::string& reason) {
  auto it = pending_subscribes_.find(request);
  if (it == pending_subscribes_.end()) return;
  std::string filter = std::move(it->second);
  pending_subscribes_.erase(it);
  if (granted < 0) return;
  recorder_.suback(filter, granted, reason);
  if (on_subscribed) on_subscribed(filter, granted);
}

void LiveMqttClient::unsubscribe(const std::string& filter) {
  if (state_ != State::connected) return;
  std::uint64_t request = next_request_++;
  pending_unsubscribes_[request] = filter;
  recorder_.unsubscribe_sent(filter);
  try {
    paho_->unsubscribe(filter, context_of(request), unsubscribe_listener_);
  } catch (const ::mqtt::exception&) {
    pending_unsubscribes_.erase(request);
  }
}

void LiveMqttClient::on_unsuback(std::uint64_t request, int code, const std::string& reason) {
  auto it = pending_unsubscribes_.find(request);
  if (it == pending_unsubscribes_.end()) return;
  std::string filter = std::move(it->second);
  pending_unsubscribes_.erase(it);
  if (code >= 0) recorder_.unsuback(filter, code, reason);
}

void LiveMqttClient::on_message_arrived(const ::mqtt::const_message_ptr& message) {
  // Recorded whatever the loop's state: the PUBLISH did reach this client (Paho reports
  // CONNACK and PUBLISHes from one thread, in order, so none precedes on_connected).
  const std::string& topic = message->get_topic();
  std::uint32_t expiry_s = 0;
  const ::mqtt::properties& properties = message->get_properties();
  if (properties.contains(::mqtt::property::MESSAGE_EXPIRY_INTERVAL)) {
    expiry_s = static_cast<std::uint32_t>(
        ::mqtt::get<std::int32_t>(properties, ::mqtt::property::MESSAGE_EXPIRY_INTERVAL));
  }
  // Every matching subscription's identifier (MQTT-3.3.4-4), one property each.
  std::vector<std::uint32_t> subscription_ids;
  const std::size_t id_count = properties.count(::mqtt::property::SUBSCRIPTION_IDENTIFIER);
  for (std::size_t i = 0; i < id_count; ++i) {
    subscription_ids.push_back(
        ::mqtt::get<std::uint32_t>(properties, ::mqtt::property::SUBSCRIPTION_IDENTIFIER, i));
  }
  const mqtt::ApplicationProperties forwarded = properties_of(properties);
  std::string payload = recorder_.delivered(topic, message->get_qos(), message->is_retained(),
                                            message->is_duplicate(), message->get_payload_str(),
                                            expiry_s, subscription_ids, forwarded);
  if (on_message) {
    runtime::ReceivedMessage received{topic,
                                      std::move(payload),
                                      message->get_qos(),
                                      message->is_retained(),
                                      message->is_duplicate(),
                                      std::nullopt,
                                      subscription_ids};
    if (expiry_s > 0) received.message_expiry = std::chrono::seconds(expiry_s);
    received.properties = forwarded;
    on_message(received);
  }
}

void LiveMqttClient::on_lost(std::uint64_t attempt, int server_code,
                             const std::string& server_reason) {
  if (attempt != attempt_ || state_ == State::disconnected) return;
  State was = state_;
  set_state(State::disconnected);
  pending_subscribes_.clear();
  pending_unsubscribes_.clear();
  if (options_.clean_session) outgoing_.clear();  // no session to resend from
  if (was == State::connecting) {
    recorder_.connect_failed(-1);
    if (on_connect_failed) on_connect_failed(-1);
    return;
  }
  // Paho does not say whether its keepalive or the socket noticed; both are "network" here.
  // A v5 server's DISCONNECT says why; the close that follows it is the same loss.
  if (server_code != 0 || !server_reason.empty()) {
    recorder_.connection_lost("broker_closed", server_code, server_reason);
    if (on_connection_lost) on_connection_lost(runtime::LossReason::broker_closed);
    return;
  }
  recorder_.connection_lost("network");
  if (on_connection_lost) on_connection_lost(runtime::LossReason::network);
}

}  // namespace mqttbed::live

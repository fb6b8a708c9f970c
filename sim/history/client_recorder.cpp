#include "sim/history/client_recorder.h"

#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "sim/history/envelope.h"

namespace mqttbed::history {
namespace {

constexpr std::string_view kShadowPrefix = "$aws/things/";

// A JSON object's top-level numeric "seq" and "total" (the seed's completeness technique).
bool app_sequence(const nlohmann::json& json, std::uint32_t& seq, std::uint32_t& total) {
  const auto s = json.find("seq");
  const auto t = json.find("total");
  if (s == json.end() || t == json.end() || !s->is_number_unsigned() || !t->is_number_unsigned()) {
    return false;
  }
  seq = s->get<std::uint32_t>();
  total = t->get<std::uint32_t>();
  return total > 0;
}

}  // namespace

std::string join_ids(std::vector<std::uint32_t> ids) {
  std::sort(ids.begin(), ids.end());
  std::string text;
  for (std::uint32_t id : ids) text += (text.empty() ? "" : ",") + std::to_string(id);
  return text;
}

std::vector<std::uint32_t> split_ids(const std::string& text) {
  std::vector<std::uint32_t> ids;
  for (const char* at = text.c_str(); *at != '\0';) {
    char* end = nullptr;
    ids.push_back(static_cast<std::uint32_t>(std::strtoul(at, &end, 10)));
    if (end == at) break;
    at = *end == ',' ? end + 1 : end;
  }
  return ids;
}

ClientRecorder::ClientRecorder(History& history, const std::string& client_name,
                               std::function<std::int64_t()> now_ns)
    : history_(history),
      name_(client_name),
      client_(history.client_id(client_name)),
      now_ns_(std::move(now_ns)) {}

Event ClientRecorder::make(EventType type) const {
  Event event;
  event.time_ns = now_ns_();
  event.type = type;
  event.client = client_;
  return event;
}

void ClientRecorder::describe_payload(const std::string& topic, std::string_view payload,
                                      Event& event) {
  event.bytes = static_cast<std::uint32_t>(payload.size());
  if (topic.compare(0, kShadowPrefix.size(), kShadowPrefix) == 0 && !payload.empty()) {
    event.detail = history_.transient_string_id(std::string(payload));
  }
  if (payload.empty() || payload.front() != '{' ||
      payload.find("\"total\"") == std::string_view::npos) {
    return;
  }
  auto json = nlohmann::json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return;
  std::uint32_t seq = 0;
  std::uint32_t total = 0;
  if (app_sequence(json, seq, total)) {
    event.app_seq = seq;
    event.app_total = total;
  }
  // A chunked upload's chunk or its receiver's report (devices/chunked_upload.h): what the
  // reassembly checker needs, without the chunk's data. Only when sent: a delivery is known
  // by its identity.
  if (event.type == EventType::publish_sent && json.contains("upload") &&
      json["upload"].is_string()) {
    json.erase("data");
    event.detail = history_.transient_string_id(json.dump());
  }
}

ConnectMode connect_mode(const std::string& detail) {
  ConnectMode mode;
  mode.clean = detail.rfind("clean", 0) == 0;
  const auto maximum = detail.find(" receive_maximum=");
  if (maximum != std::string::npos) {
    mode.receive_maximum =
        static_cast<std::uint16_t>(std::strtoul(detail.c_str() + maximum + 17, nullptr, 10));
  }
  mode.records_acks = detail.size() >= 5 && detail.compare(detail.size() - 5, 5, " acks") == 0;
  const auto at = detail.find(" expiry=");
  if (at != std::string::npos) {
    mode.session_expiry_s =
        static_cast<std::uint32_t>(std::strtoul(detail.c_str() + at + 8, nullptr, 10));
  }
  if (const auto delay = detail.find("will_delay="); delay != std::string::npos) {
    mode.will_delay_s =
        static_cast<std::uint32_t>(std::strtoul(detail.c_str() + delay + 11, nullptr, 10));
  }
  return mode;
}

std::uint32_t ClientRecorder::connect_detail(bool clean_session,
                                             std::optional<std::uint32_t> expiry_s,
                                             std::uint32_t will_delay_s) {
  std::string text = clean_session ? "clean" : "persistent";
  if (expiry_s) text += " expiry=" + std::to_string(*expiry_s);
  if (receive_maximum_ != 0) text += " receive_maximum=" + std::to_string(receive_maximum_);
  if (records_acks_) text += " acks";
  if (will_delay_s > 0) text += " will_delay=" + std::to_string(will_delay_s);
  return history_.string_id(text);
}

void ClientRecorder::connect_sent(bool clean_session, std::optional<std::uint32_t> expiry_s,
                                  std::uint16_t keepalive_s) {
  Event event = make(EventType::connect_sent);
  event.detail = connect_detail(clean_session, expiry_s);
  event.keepalive_s = keepalive_s;
  if (protocol_level_ == 5) event.code = 5;
  append(event);
}

std::string ClientRecorder::connect_sent(bool clean_session, const std::string& will_topic,
                                         int will_qos, bool will_retain,
                                         std::string_view will_payload,
                                         std::optional<std::uint32_t> expiry_s,
                                         std::uint16_t keepalive_s, std::uint32_t will_delay_s) {
  Event event = make(EventType::connect_sent);
  event.detail = connect_detail(clean_session, expiry_s, will_delay_s);
  event.keepalive_s = keepalive_s;
  if (protocol_level_ == 5) event.code = 5;
  event.is_will = true;
  event.topic = history_.string_id(will_topic);
  event.qos = event.publish_qos = static_cast<std::uint8_t>(will_qos);
  event.retain = will_retain;
  event.msg = {client_, history_.next_message_seq(client_)};
  event.bytes = static_cast<std::uint32_t>(will_payload.size());
  append(event);
  return envelope::encode(name_, event.msg.seq, will_payload, will_qos, /*is_will=*/true);
}

void ClientRecorder::connack(bool session_present, int return_code, const std::string& reason) {
  Event event = make(EventType::connack);
  event.session_present = session_present;
  event.code = return_code;
  event.detail = reason_id(reason);
  append(event);
}

void ClientRecorder::connect_failed(int return_code) {
  Event event = make(EventType::connect_failed);
  event.code = return_code;
  append(event);
}

void ClientRecorder::subscribe_sent(const std::string& filter, int qos, std::uint8_t sub_options,
                                    std::uint32_t sub_id) {
  Event event = make(EventType::subscribe_sent);
  event.topic = history_.string_id(filter);
  event.qos = event.publish_qos = static_cast<std::uint8_t>(qos);
  event.sub_options = sub_options;
  event.sub_ids = sub_id;
  if (sub_options != 0 || sub_id != 0) {
    subscribe_options_[event.topic] = {sub_options, sub_id};
  } else {
    subscribe_options_.erase(event.topic);
  }
  append(event);
}

void ClientRecorder::suback(const std::string& filter, int code, const std::string& reason) {
  Event event = make(EventType::suback);
  event.topic = history_.string_id(filter);
  event.qos = event.publish_qos = static_cast<std::uint8_t>(code);
  event.code = code;
  event.detail = reason_id(reason);
  if (auto it = subscribe_options_.find(event.topic); it != subscribe_options_.end()) {
    event.sub_options = it->second.first;
    event.sub_ids = it->second.second;
  }
  append(event);
}

void ClientRecorder::unsuback(const std::string& filter, int code, const std::string& reason) {
  Event event = make(EventType::unsuback);
  event.topic = history_.string_id(filter);
  event.code = code;
  event.detail = reason_id(reason);
  append(event);
}

void ClientRecorder::attempt(const std::string& kind, const std::string& target) {
  Event event = make(EventType::attempt);
  event.topic = history_.string_id(target);
  event.detail = history_.string_id(kind);
  append(event);
}

void ClientRecorder::unsubscribe_sent(const std::string& filter) {
  Event event = make(EventType::unsubscribe_sent);
  event.topic = history_.string_id(filter);
  append(event);
}

EnvelopedPublish ClientRecorder::publish_sent(const std::string& topic, int qos, bool retain,
                                              std::string_view payload, std::uint32_t expiry_s,
                                              const mqtt::ApplicationProperties& properties) {
  Event event = make(EventType::publish_sent);
  event.expiry_s = expiry_s;
  event.properties = properties_id(properties);
  event.topic = history_.string_id(topic);
  event.qos = event.publish_qos = static_cast<std::uint8_t>(qos);
  event.retain = retain;
  event.msg = {client_, history_.next_message_seq(client_)};
  describe_payload(topic, payload, event);
  if (qos > 0) in_flight_[event.msg.seq] = {event.topic, event.qos};
  append(event);
  // A zero-length retained PUBLISH clears the topic's retained message (MQTT-3.3.1-10): the
  // envelope would make it a retained message like any other, so it travels bare and its
  // deliveries are foreign (docs/checks.md).
  if (retain && payload.empty()) return {event.msg.seq, std::string()};
  return {event.msg.seq, envelope::encode(name_, event.msg.seq, payload, qos)};
}

void ClientRecorder::record_ack(EventType type, std::uint64_t seq, bool done, int code,
                                const std::string& reason) {
  Event event = make(type);
  event.msg = {client_, seq};
  event.code = code;
  event.detail = reason_id(reason);
  if (auto it = in_flight_.find(seq); it != in_flight_.end()) {
    event.topic = it->second.topic;
    event.qos = event.publish_qos = it->second.qos;
    if (done) in_flight_.erase(it);
  }
  append(event);
}

void ClientRecorder::publish_acked(std::uint64_t seq, int code, const std::string& reason) {
  record_ack(EventType::publish_acked, seq, /*done=*/true, code, reason);
}

void ClientRecorder::pubrec(std::uint64_t seq, int code, const std::string& reason) {
  record_ack(EventType::pubrec, seq, /*done=*/false, code, reason);
}

std::string ClientRecorder::delivered(const std::string& topic, int qos, bool retain, bool dup,
                                      std::string_view payload, std::uint32_t expiry_s,
                                      const std::vector<std::uint32_t>& sub_ids,
                                      const mqtt::ApplicationProperties& properties) {
  Event event = make(EventType::delivered);
  event.expiry_s = expiry_s;
  if (!sub_ids.empty()) event.sub_ids = history_.string_id(join_ids(sub_ids));
  event.properties = properties_id(properties);
  event.topic = history_.string_id(topic);
  event.qos = event.publish_qos = static_cast<std::uint8_t>(qos);
  event.retain = retain;
  event.dup = dup;
  std::string_view application = payload;
  if (auto decoded = envelope::decode(payload)) {
    event.msg = {history_.client_id(decoded->publisher), decoded->seq};
    event.is_will = decoded->is_will;
    event.publish_qos = static_cast<std::uint8_t>(decoded->qos);
    application = decoded->payload;
  }
  describe_payload(topic, application, event);
  append(event);
  return std::string(application);
}

void ClientRecorder::ack_sent(const std::string& topic, int qos, std::string_view payload) {
  Event event = make(EventType::ack_sent);
  event.topic = history_.string_id(topic);
  event.qos = event.publish_qos = static_cast<std::uint8_t>(qos);
  if (auto decoded = envelope::decode(payload)) {
    event.msg = {history_.client_id(decoded->publisher), decoded->seq};
  }
  append(event);
}

void ClientRecorder::disconnect_sent() { append(make(EventType::disconnect_sent)); }

void ClientRecorder::connection_lost(const std::string& reason, int server_code,
                                     const std::string& server_reason) {
  Event event = make(EventType::connection_lost);
  event.detail = history_.string_id(server_reason.empty() ? reason : reason + ": " + server_reason);
  event.code = server_code;
  append(event);
}

void ClientRecorder::fault(const std::string& target, const std::string& description) {
  Event event = make(EventType::fault);
  event.client = history_.client_id(target);
  event.detail = history_.string_id(description);
  append(event);
}

}  // namespace mqttbed::history

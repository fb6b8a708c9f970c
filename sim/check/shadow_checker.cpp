#include "sim/check/shadow_checker.h"

#include <algorithm>
#include <functional>

namespace mqttbed::check {

using history::Event;
using history::EventType;
using nlohmann::json;

namespace {

constexpr std::string_view kPrefix = "$aws/things/";
constexpr std::size_t kVersionsKept = 256;  // per thing: enough to catch a reuse in flight

// "$aws/things/T/shadow/[name/N/]REST" -> thing key "T" or "T/N", and REST.
bool split_topic(const std::string& topic, std::string* thing, std::string* rest) {
  if (topic.rfind(kPrefix, 0) != 0) return false;
  const auto shadow = topic.find("/shadow/", kPrefix.size());
  if (shadow == std::string::npos) return false;
  *thing = topic.substr(kPrefix.size(), shadow - kPrefix.size());
  *rest = topic.substr(shadow + 8);
  if (rest->rfind("name/", 0) == 0) {
    const auto slash = rest->find('/', 5);
    if (slash == std::string::npos) return false;
    *thing += "/" + rest->substr(5, slash - 5);
    *rest = rest->substr(slash + 1);
  }
  return true;
}

// Fields of `desired` that `reported` does not match (recursively for objects).
bool converged(const json& desired, const json& reported) {
  if (!desired.is_object()) return desired == reported;
  if (!reported.is_object()) return desired.empty();
  for (const auto& [key, value] : desired.items()) {
    if (value.is_null()) continue;
    const auto it = reported.find(key);
    if (it == reported.end() || !converged(value, *it)) return false;
  }
  return true;
}

json state_part(const json& document, const char* part) {
  if (!document.is_object()) return json::object();
  const auto state = document.find("state");
  if (state == document.end() || !state->is_object()) return json::object();
  const auto it = state->find(part);
  return it == state->end() || it->is_null() ? json::object() : *it;
}

}  // namespace

void ShadowChecker::observe(const Event& event, const history::History& history) {
  history_ = &history;
  if ((event.type != EventType::delivered && event.type != EventType::publish_sent) ||
      event.detail == 0) {
    return;
  }
  std::string key, rest;
  if (!split_topic(history.string(event.topic), &key, &rest)) return;
  const bool accepted = rest == "update/accepted";
  const bool documents = rest == "update/documents";
  if (!accepted && !documents) return;
  const json payload = json::parse(history.string(event.detail), nullptr, false);
  if (!payload.is_object()) return;
  Thing& thing = things_[key];
  const json& versioned = documents ? payload.value("current", json::object()) : payload;
  if (!versioned.contains("version") || !versioned["version"].is_number_integer()) return;
  const auto version = versioned["version"].get<std::int64_t>();
  on_versioned(thing, key + (documents ? "|documents" : "|accepted"), version, event, history);
  if (documents) on_document(thing, key, payload, version, event, history);
}

void ShadowChecker::on_versioned(Thing& thing, const std::string& key, std::int64_t version,
                                 const Event& event, const history::History& history) {
  ++counts_.checked;
  // One version, one message: the same text again is a redelivery, other text a reuse.
  const std::string channel_key = std::to_string(event.client) + "|" + key;
  // Accepted and documents messages carry the same versions: keep them apart (odd = documents).
  const std::int64_t use_key = version * 2 + (key.back() == 's');
  const std::uint64_t text_hash = std::hash<std::string>{}(history.string(event.detail));
  auto it = std::lower_bound(thing.versions.begin(), thing.versions.end(), use_key,
                             [](const VersionUse& use, std::int64_t k) { return use.key < k; });
  if (it != thing.versions.end() && it->key == use_key) {
    if (it->text_hash != text_hash) {
      ++counts_.duplicated;
      report("a shadow version is used by one update only", key.substr(0, key.find('|')), event,
             history,
             "(version " + std::to_string(version) + " was already used by message " +
                 describe_message(it->msg, history) + ", first seen at " +
                 std::to_string(static_cast<double>(it->time_ns) / 1e9) + " s)");
      return;
    }
  } else {
    thing.versions.insert(it, VersionUse{use_key, text_hash, event.msg, event.time_ns});
  }
  if (thing.versions.size() > kVersionsKept) thing.versions.erase(thing.versions.begin());
  if (event.type == EventType::delivered && !event.dup) {
    auto [seen, first] = seen_.try_emplace(channel_key, version);
    // Strictly increasing: a lower version is out of order (the same one is a redelivery).
    if (!first && version < seen->second) {
      // An order break, judged at finish: only a broker that promises order owes it.
      ++out_of_order_;
      report("a subscriber sees a thing's shadow versions increase", key.substr(0, key.find('|')),
             event, history, "(after version " + std::to_string(seen->second) + ")", &order_log_);
      return;
    }
    if (version > seen->second) seen->second = version;
  }
  ++counts_.ok;
}

void ShadowChecker::on_document(Thing& thing, const std::string& key, const json& documents,
                                std::int64_t version, const Event& event,
                                const history::History& history) {
  if (version <= thing.latest_version) return;  // seen already, or older
  const json current = documents.value("current", json::object());
  const json previous = documents.value("previous", json::object());
  // Consecutive documents chain: whatever happened between them (a rejected update
  // included) left the document as the last accepted update made it.
  const bool consecutive = thing.latest_version != 0 &&
                           previous.value("version", std::int64_t{-1}) == thing.latest_version;
  if (consecutive) {
    ++counts_.checked;
    if (state_part(previous, "desired") != state_part(thing.current, "desired") ||
        state_part(previous, "reported") != state_part(thing.current, "reported")) {
      ++counts_.unexpected;
      report("only accepted updates change a shadow (a rejected update changes nothing)", key,
             event, history,
             "(previous " + previous.dump() + " != the last current " + thing.current.dump() + ")");
    } else {
      ++counts_.ok;
    }
  }
  json desired = state_part(current, "desired");
  if (desired != thing.desired) thing.desired_changed_ns = event.time_ns;
  thing.desired = std::move(desired);
  thing.reported = state_part(current, "reported");
  thing.current = current;
  thing.latest_version = version;
  thing.latest = event;
}

void ShadowChecker::report(const char* invariant, const std::string& thing, const Event& event,
                           const history::History& history, std::string note, ViolationLog* into) {
  ViolationLog& log = into != nullptr ? *into : log_;
  Violation v{invariant,
              "AWS-IoT-shadow",
              {history.client_name(event.client)},
              history.string(event.topic),
              {describe_message(event.msg, history)},
              {}};
  v.clients.push_back(thing);
  if (log.wants_detail()) {
    v.excerpt.push_back(describe_event(event, history));
    v.excerpt.push_back(std::move(note));
  }
  log.add(std::move(v));
}

Verdict ShadowChecker::finish(const CheckContext& context) {
  std::map<std::string, const Thing*> ordered;
  for (const auto& [key, thing] : things_) ordered.emplace(key, &thing);
  for (const auto& [key, thing] : ordered) {
    if (thing->latest_version == 0) continue;
    ++counts_.checked;
    if (converged(thing->desired, thing->reported)) {
      ++counts_.ok;
    } else if (thing->desired_changed_ns >= context.deadline_ns()) {
      ++counts_.indeterminate;
    } else {
      ++counts_.lost;
      report("after faults heal, a thing's reported state converges to desired", key, thing->latest,
             *history_,
             "(desired " + thing->desired.dump() + " != reported " + thing->reported.dump() +
                 " at version " + std::to_string(thing->latest_version) + ")");
    }
  }
  // Shadow documents are MQTT messages: a broker without an ordering promise (AWS IoT Core)
  // may deliver them out of version order, which devices must tolerate (they compare versions).
  if (context.broker_ordering) {
    counts_.unexpected += out_of_order_;
    log_.merge(std::move(order_log_));
  } else {
    counts_.ok += out_of_order_;
  }
  return log_.verdict(name(), counts_);
}

}  // namespace mqttbed::check

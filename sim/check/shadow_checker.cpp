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
// Per shadow: a device has a few requests in flight; an answer to an older one (a QoS 1
// duplicate answered again much later) is indeterminate rather than a false alarm.
constexpr std::size_t kRequestsKept = 8;
constexpr const char* kOperations[] = {"update", "get", "delete"};

// "update" -> 0, "get" -> 1, "delete" -> 2, else -1.
int operation_of(std::string_view text) {
  for (int i = 0; i < 3; ++i) {
    if (text == kOperations[i]) return i;
  }
  return -1;
}

std::uint64_t token_hash(const json& message) {
  const auto it = message.find("clientToken");
  if (it == message.end()) return 0;
  return std::hash<std::string>{}(it->dump()) | 1;  // never 0: 0 means no token
}

bool holds_null(const json& value) {
  if (value.is_null()) return true;
  if (!value.is_object()) return false;
  for (const auto& [key, inner] : value.items()) {
    if (holds_null(inner)) return true;
  }
  return false;
}

// True when an update request alone makes the shadow's state (desired and reported, as the
// service stores them) larger than the limit, whatever the shadow held: no field is deleted
// (null) and every field it sets stays in the merged document.
bool surely_oversize(const json& request) {
  const auto state = request.find("state");
  if (state == request.end() || !state->is_object() || holds_null(*state)) return false;
  json kept = json::object();
  for (const char* section : {"desired", "reported"}) {
    const auto it = state->find(section);
    if (it != state->end() && it->is_object() && !it->empty()) kept[section] = *it;
  }
  return kept.dump().size() > kAwsShadowStateLimitBytes;
}

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
  const auto slash = rest.find('/');
  const int operation = operation_of(std::string_view(rest).substr(0, slash));
  const bool accepted = rest == "update/accepted";
  const bool documents = rest == "update/documents";
  const bool answer = operation >= 0 && slash != std::string::npos &&
                      (rest.compare(slash, std::string::npos, "/accepted") == 0 ||
                       rest.compare(slash, std::string::npos, "/rejected") == 0);
  // Requests and answers are judged once, as sent; documents and versions also as delivered.
  const bool sent = event.type == EventType::publish_sent;
  const bool request = operation >= 0 && slash == std::string::npos;
  if (!accepted && !documents && !((request || answer) && sent)) return;
  const json payload = json::parse(history.string(event.detail), nullptr, false);
  if (!payload.is_object()) return;
  Thing& thing = things_[key];
  if (request) {
    on_request(thing, static_cast<std::uint8_t>(operation), payload);
    return;
  }
  if (answer && sent) {
    const bool yes = rest.compare(slash, std::string::npos, "/accepted") == 0;
    on_answer(thing, key, static_cast<std::uint8_t>(operation), yes, payload, event, history);
    if (operation == 2) {
      if (yes) on_delete(thing, payload);
      return;
    }
  }
  if (!accepted && !documents) return;
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

void ShadowChecker::on_request(Thing& thing, std::uint8_t operation, const json& request) {
  const std::uint64_t token = token_hash(request);
  if (token == 0) {
    thing.tokenless |= static_cast<std::uint8_t>(1u << operation);
    return;  // its answer cannot be told from others: judged by the token-less rule only
  }
  Request entry{token, -1, operation, false};
  if (operation == 0) {
    const auto version = request.find("version");
    if (version != request.end() && version->is_number_integer()) {
      entry.version = version->get<std::int64_t>();
    }
    entry.oversize = surely_oversize(request);
  }
  thing.requests.push_back(entry);
  if (thing.requests.size() > kRequestsKept) {
    thing.requests.erase(thing.requests.begin());
    thing.requests_evicted = true;
  }
}

void ShadowChecker::on_answer(Thing& thing, const std::string& key, std::uint8_t operation,
                              bool accepted, const json& answer, const Event& event,
                              const history::History& history) {
  ++counts_.checked;
  const std::uint64_t token = token_hash(answer);
  const std::string op = kOperations[operation];
  if (token == 0) {
    // AWS echoes the clientToken in every answer: one without a token answers a request that
    // had none.
    if ((thing.tokenless & (1u << operation)) != 0) {
      ++counts_.ok;
    } else {
      ++counts_.unexpected;
      report("a shadow answer echoes its request's clientToken", key, event, history,
             "(no clientToken, and no " + op + " request without one was sent)");
    }
    return;
  }
  const auto found = std::find_if(
      thing.requests.rbegin(), thing.requests.rend(),
      [&](const Request& r) { return r.token_hash == token && r.operation == operation; });
  if (found == thing.requests.rend()) {
    if (thing.requests_evicted) {
      ++counts_.indeterminate;
    } else {
      ++counts_.unexpected;
      report("a shadow answer echoes its request's clientToken", key, event, history,
             "(clientToken " + answer["clientToken"].dump() + " is that of no earlier " + op +
                 " request of this shadow)");
    }
    return;
  }
  if (operation != 0) {
    ++counts_.ok;
    return;
  }
  const std::int64_t version = answer.value("version", std::int64_t{-1});
  const int code = answer.value("code", 0);
  if (accepted && found->oversize) {
    ++counts_.unexpected;
    report("a shadow state over 8 KB is rejected (413), not accepted", key, event, history,
           "(the request's state alone is over " + std::to_string(kAwsShadowStateLimitBytes) +
               " bytes)");
  } else if (accepted && found->version >= 0 && version != found->version + 1) {
    ++counts_.unexpected;
    report("an update is accepted only when its version is the shadow's current one", key, event,
           history,
           "(requested version " + std::to_string(found->version) + ", accepted as version " +
               std::to_string(version) + "; it should be " + std::to_string(found->version + 1) +
               ")");
  } else if (!accepted && code == 409 && found->version >= 0 &&
             found->version == thing.latest_version && thing.latest_version != 0) {
    ++counts_.unexpected;
    report("a version conflict (409) answers only a request whose version is not the current one",
           key, event, history,
           "(requested version " + std::to_string(found->version) +
               " is the version of the latest document)");
  } else {
    ++counts_.ok;
  }
}

void ShadowChecker::on_delete(Thing& thing, const json& answer) {
  const auto version = answer.find("version");
  if (version == answer.end() || !version->is_number_integer()) return;
  // The deleted shadow is empty; its version is where the next document counts on from.
  thing.current = json{{"state", json::object()}, {"version", *version}};
  thing.latest_version = std::max(thing.latest_version, version->get<std::int64_t>());
  thing.desired = json::object();
  thing.reported = json::object();
}

void ShadowChecker::on_document(Thing& thing, const std::string& key, const json& documents,
                                std::int64_t version, const Event& event,
                                const history::History& history) {
  const json current = documents.value("current", json::object());
  const json previous = documents.value("previous", json::object());
  // One accepted update, one version more (a delete in between keeps the count); judged as
  // the service published it.
  const auto previous_version = previous.find("version");
  if (event.type == EventType::publish_sent && previous_version != previous.end() &&
      previous_version->is_number_integer()) {
    ++counts_.checked;
    if (version != previous_version->get<std::int64_t>() + 1) {
      ++counts_.unexpected;
      report("a shadow's version grows by one per accepted update", key, event, history,
             "(previous version " + previous_version->dump() + ", current version " +
                 std::to_string(version) + ")");
    } else {
      ++counts_.ok;
    }
  }
  if (version <= thing.latest_version) return;  // seen already, or older
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

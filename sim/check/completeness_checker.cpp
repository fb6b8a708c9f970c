#include "sim/check/completeness_checker.h"

#include <algorithm>
#include <map>

#include "sim/check/seq_set.h"
#include "sim/mqtt/topic.h"

namespace mqttbed::check {

using history::Event;
using history::EventType;

namespace {
constexpr std::size_t kRecentPublishes = 8;
}  // namespace

void CompletenessChecker::observe(const Event& event, const history::History& history) {
  history_ = &history;
  sessions_->observe(event, history);
  switch (event.type) {
    case EventType::connect_sent:
    case EventType::publish_sent:
      if (event.msg.seq != 0) {
        if (event.client >= last_issued_.size()) last_issued_.resize(event.client + 1, 0);
        last_issued_[event.client] = event.msg.seq;
      }
      if (event.type == EventType::publish_sent && event.app_total != 0) on_publish(event);
      break;
    case EventType::disconnect_sent:
    case EventType::connection_lost:
      if (event.client < last_issued_.size()) {
        if (event.client >= breaks_.size()) breaks_.resize(event.client + 1);
        auto& marks = breaks_[event.client];
        if (marks.empty() || marks.back() != last_issued_[event.client]) {
          marks.push_back(last_issued_[event.client]);
        }
      }
      break;
    case EventType::delivered:
      if (event.app_total != 0 && event.msg.seq != 0 && !event.retain && !event.is_will) {
        on_delivered(event);
      }
      break;
    default:
      break;
  }
}

std::uint32_t CompletenessChecker::stream_of(const Event& event, bool create) {
  const std::uint64_t key = pair_key(event.msg.publisher, event.topic);
  auto it = stream_index_.find(key);
  if (it != stream_index_.end()) return it->second;
  if (!create) return UINT32_MAX;
  const auto index = static_cast<std::uint32_t>(streams_.size());
  streams_.push_back({event.msg.publisher, event.topic, event.app_total, 0, 1, 0, {}, {}});
  stream_index_.emplace(key, index);
  return index;
}

void CompletenessChecker::on_publish(const Event& event) {
  Stream& stream = streams_[stream_of(event, true)];
  // A seq not above the last one starts a new cycle (the publisher wrapped or restarted).
  if (stream.cycle_starts.empty() || event.app_seq <= stream.last_app_seq ||
      event.app_total != stream.total) {
    if (!stream.cycle_starts.empty()) ++stream.cycle;
    stream.cycle_starts.push_back(event.msg.seq);
    stream.total = event.app_total;
  }
  if (event.app_seq == 0) stream.base = 0;
  if (event.expiry_s > 0) stream.expires = true;
  stream.last_app_seq = event.app_seq;
  stream.recent.push_back(
      {position_of(stream, event.msg.seq, event.app_seq), event.msg.seq, event.time_ns});
  if (stream.recent.size() > kRecentPublishes) stream.recent.pop_front();
}

std::uint64_t CompletenessChecker::position_of(const Stream& stream, std::uint64_t msg_seq,
                                               std::uint32_t app_seq) const {
  auto it = std::upper_bound(stream.cycle_starts.begin(), stream.cycle_starts.end(), msg_seq);
  const std::uint64_t cycle =
      it == stream.cycle_starts.begin()
          ? 0
          : static_cast<std::uint64_t>(it - stream.cycle_starts.begin()) - 1;
  return cycle * stream.total + app_seq - std::min(app_seq, stream.base);
}

bool CompletenessChecker::publisher_broke(std::uint32_t publisher, std::uint64_t from_seq,
                                          std::uint64_t to_seq) const {
  if (publisher >= breaks_.size()) return false;
  const auto& marks = breaks_[publisher];
  auto it = std::lower_bound(marks.begin(), marks.end(), from_seq);
  return it != marks.end() && *it < to_seq;
}

void CompletenessChecker::on_delivered(const Event& event) {
  const std::uint32_t index = stream_of(event, false);
  if (index == UINT32_MAX) return;  // a stream nobody was seen publishing: not judged
  // A shared subscription's member is owed only its share of a stream (§4.8.2).
  if (shares_topic(sessions_->state(event.client), history_->string(event.topic), *history_)) {
    return;
  }
  if (!delivered_[pair_key(event.client, event.msg.publisher)].insert(event.msg.seq)) return;
  const Stream& stream = streams_[index];
  const std::uint64_t position = position_of(stream, event.msg.seq, event.app_seq);
  SubscriberMark mark{event.client, event.qos, sessions_->state(event.client).session,
                      sessions_->state(event.client).subscriptions,
                      sessions_->state(event.client).connection};
  // Arrived after the subscriber had dropped every matching filter (buffered across its
  // UNSUBSCRIBE, MQTT-3.10.4-3): the next delivery comes through a new subscription, so a
  // gap before it is explained, as for an UNSUBSCRIBE between the two deliveries.
  if (!holds_matching(event)) mark.subscriptions = kNoSubscription;
  auto [it, first] =
      readers_.try_emplace(pair_key(event.client, index),
                           Reader{index, event.client, position, event.msg.seq, mark, event, {}});
  ++counts_.checked;
  if (first) {
    ++counts_.ok;
    return;
  }
  Reader& reader = it->second;
  if (event.msg.seq < reader.msg_seq) {
    out_of_order(reader, position, event);
    return;
  }
  if (position > reader.position + 1) {
    const bool explained = stream.expires || mark.connection != reader.mark.connection ||
                           mark.subscriptions != reader.mark.subscriptions ||
                           publisher_broke(stream.publisher, reader.msg_seq, event.msg.seq);
    if (reader.gaps.size() == kMaxOpenGaps) {
      judge(reader, reader.gaps.front(), &reader.gaps.front().after);
      reader.gaps.erase(reader.gaps.begin());
    }
    reader.gaps.push_back({reader.position + 1, position - 1, explained, reader.last, event});
  }
  ++counts_.ok;
  reader.position = position;
  reader.msg_seq = event.msg.seq;
  reader.mark = mark;
  reader.last = event;
}

bool CompletenessChecker::holds_matching(const Event& event) const {
  const std::string& topic = history_->string(event.topic);
  for (std::uint32_t filter : sessions_->state(event.client).filters) {
    if (mqtt::topic_matches(history_->string(filter), topic)) return true;
  }
  return false;
}

void CompletenessChecker::out_of_order(Reader& reader, std::uint64_t position, const Event& event) {
  // It arrived after all: take it out of its gap.
  for (auto gap = reader.gaps.begin(); gap != reader.gaps.end(); ++gap) {
    if (position < gap->from || position > gap->to) continue;
    if (gap->from == gap->to) {
      reader.gaps.erase(gap);
    } else if (position == gap->from) {
      ++gap->from;
    } else if (position == gap->to) {
      --gap->to;
    } else {
      Gap upper = *gap;
      upper.from = position + 1;
      gap->to = position - 1;
      reader.gaps.insert(gap + 1, upper);
    }
    break;
  }
  ++out_of_order_;
  const history::History& h = *history_;
  const Stream& stream = streams_[reader.stream];
  Violation v{
      "a stream's messages arrive in order",
      "MQTT-4.6.0-6",
      {h.client_name(stream.publisher), h.client_name(event.client)},
      h.string(stream.topic),
      {describe_message({stream.publisher, reader.msg_seq}, h), describe_message(event.msg, h)},
      {}};
  if (order_log_.wants_detail()) {
    v.excerpt = {describe_event(reader.last, h), describe_event(event, h)};
  }
  order_log_.add(std::move(v));
}

void CompletenessChecker::judge(const Reader& reader, const Gap& gap, const Event* after) {
  const Stream& stream = streams_[reader.stream];
  const std::uint64_t missing = gap.to - gap.from + 1;
  if (gap.explained) {
    counts_.indeterminate += missing;
    return;
  }
  counts_.lost += missing;
  const history::History& h = *history_;
  const auto app = [&](std::uint64_t p) {
    return std::to_string(p % stream.total + stream.base) + "/" + std::to_string(stream.total);
  };
  Violation v{"a stream's seq/total numbers arrive complete (gap " + app(gap.from) + ".." +
                  app(gap.to) + ")",
              "MQTT-4.3.2-1",
              {h.client_name(stream.publisher), h.client_name(reader.subscriber)},
              h.string(stream.topic),
              {},
              {}};
  if (log_.wants_detail()) {
    v.excerpt.push_back(describe_event(gap.before, h));
    if (after != nullptr) {
      v.excerpt.push_back(describe_event(*after, h));
    } else {
      v.excerpt.push_back("(nothing later arrived; connected throughout)");
    }
  }
  log_.add(std::move(v));
}

Verdict CompletenessChecker::finish(const CheckContext& context) {
  std::map<std::pair<std::uint32_t, std::uint32_t>, const Reader*> ordered;
  for (const auto& [key, reader] : readers_) {
    ordered.emplace(std::make_pair(reader.stream, reader.subscriber), &reader);
  }
  for (const auto& [key, reader] : ordered) {
    for (const Gap& gap : reader->gaps) judge(*reader, gap, &gap.after);
    const Stream& stream = streams_[reader->stream];
    const Published* last = nullptr;
    bool unknown = false;
    for (const Published& p : stream.recent) {
      if (p.time_ns < context.deadline_ns()) last = &p;
    }
    if (!stream.recent.empty() && stream.recent.front().time_ns >= context.deadline_ns()) {
      unknown = true;  // the last publish before the deadline is no longer remembered
    }
    if (last == nullptr || unknown || last->position <= reader->position) continue;
    const bool explained = stream.expires ||
                           !sessions_->alive_since(reader->mark, /*same_connection=*/true) ||
                           publisher_broke(stream.publisher, reader->msg_seq, last->msg_seq + 1);
    judge(*reader, Gap{reader->position + 1, last->position, explained, reader->last, {}}, nullptr);
  }
  // Late arrivals break the order, which only a broker that promises order owes (MQTT-4.6.0-6);
  // on one that does not (broker.ordering: false) they still complete their stream.
  if (context.broker_ordering) {
    counts_.unexpected += out_of_order_;
    log_.merge(std::move(order_log_));
  } else {
    counts_.ok += out_of_order_;
  }
  return log_.verdict(name(), counts_);
}

}  // namespace mqttbed::check

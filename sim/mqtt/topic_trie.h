// The subscription index: topic filters in a trie by level, so finding the subscribers of
// a topic costs the topic's depth and the matching branches, not the number of filters.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "sim/mqtt/topic.h"

namespace mqttbed::mqtt {

// Maps (filter, subscriber key) to a value (e.g. granted QoS); one value per pair.
// Each node is one filter level: exact children in a hash map, the '+' and '#' children in
// slots of their own, so match() visits only branches that can match. Not thread-safe.
template <typename Value>
class TopicTrie {
 public:
  using Visitor = std::function<void(std::uint64_t key, const Value&)>;

  // Adds (filter, key) -> value; true if the pair is new. An existing pair takes the new
  // value: a repeated SUBSCRIBE replaces the subscription (MQTT-3.8.4-3).
  // Throws std::invalid_argument if `filter` is not a valid topic filter.
  bool insert(std::string_view filter, std::uint64_t key, Value value) {
    if (std::string error = topic_filter_error(filter); !error.empty()) {
      throw std::invalid_argument("TopicTrie::insert: filter \"" + std::string(filter) +
                                  "\": " + error);
    }
    Node* node = &root_;
    for_each_level(filter, [&node](std::string_view level) { node = &node->child_for(level); });
    auto [it, inserted] = node->subscribers.insert_or_assign(key, std::move(value));
    (void)it;
    if (inserted) ++size_;
    return inserted;
  }

  // Removes (filter, key); true if it was there. Nodes left empty are freed.
  bool erase(std::string_view filter, std::uint64_t key) {
    std::vector<Node*> path{&root_};
    bool found = true;
    for_each_level(filter, [&](std::string_view level) {
      Node* next = found ? path.back()->find_child(level) : nullptr;
      found = next != nullptr;
      if (found) path.push_back(next);
    });
    if (!found || path.back()->subscribers.erase(key) == 0) return false;
    --size_;
    prune(filter, path);
    return true;
  }

  // The value stored for (filter, key), or nullptr.
  const Value* find(std::string_view filter, std::uint64_t key) const {
    const Node* node = &root_;
    for_each_level(filter, [&node](std::string_view level) {
      if (node != nullptr) node = node->find_child(level);
    });
    if (node == nullptr) return nullptr;
    auto it = node->subscribers.find(key);
    return it == node->subscribers.end() ? nullptr : &it->second;
  }

  // Calls `visit` for every (key, value) whose filter matches `topic` (a valid topic name).
  // A key subscribed through several matching filters is visited once per filter; the
  // caller merges them (MQTT-3.3.5-1). Filters starting with a wildcard do not match a
  // topic starting with '$' (MQTT-4.7.2-1) unless `dollar_rule` is false (only a broker
  // mutation turns it off). Order is deterministic for a given history.
  void match(std::string_view topic, const Visitor& visit, bool dollar_rule = true) const {
    if (topic.empty()) return;
    const bool dollar_topic = dollar_rule && topic.front() == '$';
    // Depth-first with an explicit stack: a deep trie must not exhaust a small actor stack.
    struct Step {
      const Node* node;
      std::string_view rest;  // unconsumed topic, starting at a level
      bool at_end;            // no level left
    };
    std::vector<Step> pending{{&root_, topic, false}};
    while (!pending.empty()) {
      const Step step = pending.back();
      pending.pop_back();
      const Node& node = *step.node;
      // MQTT-4.7.2-1: a '$' topic is not offered to the root's wildcard children.
      const bool wildcards = !(dollar_topic && step.node == &root_);
      // MQTT-4.7.1-2: '#' matches the parent level and every level below it.
      if (node.hash != nullptr && wildcards) emit(*node.hash, visit);
      if (step.at_end) {
        emit(node, visit);
        continue;
      }
      const std::size_t slash = step.rest.find('/');
      const bool last = slash == std::string_view::npos;
      const std::string_view level = last ? step.rest : step.rest.substr(0, slash);
      const std::string_view next = last ? std::string_view{} : step.rest.substr(slash + 1);
      // Exact child pushed first so the '+' branch is visited first, as a recursion would.
      if (auto it = node.children.find(level); it != node.children.end()) {
        pending.push_back({it->second.get(), next, last});
      }
      if (node.plus != nullptr && wildcards) pending.push_back({node.plus.get(), next, last});
    }
  }

  // Number of (filter, key) pairs stored.
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // Nodes in the trie, root included (diagnostics: shows erase() frees what it no longer needs).
  std::size_t node_count() const {
    std::size_t count = 0;
    std::vector<const Node*> pending{&root_};
    while (!pending.empty()) {
      const Node* node = pending.back();
      pending.pop_back();
      ++count;
      for (const auto& entry : node->children) pending.push_back(entry.second.get());
      if (node->plus != nullptr) pending.push_back(node->plus.get());
      if (node->hash != nullptr) pending.push_back(node->hash.get());
    }
    return count;
  }

  void clear() {
    root_.release_children();
    root_.subscribers.clear();
    size_ = 0;
  }

 private:
  // Transparent hashing so lookups by string_view do not allocate.
  struct LevelHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  struct Node {
    std::unordered_map<std::string, std::unique_ptr<Node>, LevelHash, std::equal_to<>> children;
    std::unique_ptr<Node> plus;                  // '+' level
    std::unique_ptr<Node> hash;                  // '#' level (always a leaf)
    std::map<std::uint64_t, Value> subscribers;  // ordered: deterministic visits

    Node() = default;
    Node(const Node&) = delete;
    Node& operator=(const Node&) = delete;
    Node(Node&&) noexcept = default;
    Node& operator=(Node&&) noexcept = default;
    // Torn down iteratively: a filter of 65535 '/' is 65536 levels, too deep to recurse.
    ~Node() { release_children(); }

    void release_children() {
      std::vector<std::unique_ptr<Node>> pending;
      move_children_to(pending);
      while (!pending.empty()) {
        std::unique_ptr<Node> node = std::move(pending.back());
        pending.pop_back();
        node->move_children_to(pending);
      }  // each node dies childless, so its destructor does not recurse
    }

    bool is_empty() const {
      return subscribers.empty() && children.empty() && plus == nullptr && hash == nullptr;
    }

    Node& child_for(std::string_view level) {
      if (level == "+") return slot(plus);
      if (level == "#") return slot(hash);
      auto it = children.find(level);
      if (it == children.end()) {
        it = children.emplace(std::string(level), std::make_unique<Node>()).first;
      }
      return *it->second;
    }

    Node* find_child(std::string_view level) const {
      if (level == "+") return plus.get();
      if (level == "#") return hash.get();
      auto it = children.find(level);
      return it == children.end() ? nullptr : it->second.get();
    }

    void remove_child(std::string_view level) {
      if (level == "+") {
        plus.reset();
      } else if (level == "#") {
        hash.reset();
      } else if (auto it = children.find(level); it != children.end()) {
        children.erase(it);
      }
    }

   private:
    void move_children_to(std::vector<std::unique_ptr<Node>>& out) {
      for (auto& entry : children) out.push_back(std::move(entry.second));
      children.clear();
      if (plus != nullptr) out.push_back(std::move(plus));
      if (hash != nullptr) out.push_back(std::move(hash));
    }

    static Node& slot(std::unique_ptr<Node>& p) {
      if (p == nullptr) p = std::make_unique<Node>();
      return *p;
    }
  };

  // Calls `f` on each level of `s`, empty levels included ("a//b" has three).
  template <typename F>
  static void for_each_level(std::string_view s, F&& f) {
    std::size_t pos = 0;
    while (true) {
      const std::size_t slash = s.find('/', pos);
      if (slash == std::string_view::npos) {
        f(s.substr(pos));
        return;
      }
      f(s.substr(pos, slash - pos));
      pos = slash + 1;
    }
  }

  // Frees the empty nodes at the end of `path` (path[i + 1] is the child of path[i] by
  // the i-th level of `filter`); the root stays.
  static void prune(std::string_view filter, const std::vector<Node*>& path) {
    std::vector<std::string_view> levels;
    levels.reserve(path.size());
    for_each_level(filter, [&levels](std::string_view level) { levels.push_back(level); });
    for (std::size_t i = path.size() - 1; i > 0 && path[i]->is_empty(); --i) {
      path[i - 1]->remove_child(levels[i - 1]);
    }
  }

  static void emit(const Node& node, const Visitor& visit) {
    for (const auto& [key, value] : node.subscribers) visit(key, value);
  }

  Node root_;
  std::size_t size_ = 0;
};

}  // namespace mqttbed::mqtt

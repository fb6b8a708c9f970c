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
  // topic starting with '$' (MQTT-4.7.2-1). Order is deterministic for a given history.
  void match(std::string_view topic, const Visitor& visit) const {
    if (topic.empty()) return;
    walk(root_, topic, /*at_end=*/false, /*dollar_root=*/topic.front() == '$', visit);
  }

  // Number of (filter, key) pairs stored.
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // Nodes in the trie, root included (diagnostics: shows erase() frees what it no longer needs).
  std::size_t node_count() const { return count_nodes(root_); }

  void clear() {
    root_ = Node{};
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

  // `rest` is the unconsumed topic starting at a level; `at_end` means no level is left.
  static void walk(const Node& node, std::string_view rest, bool at_end, bool dollar_root,
                   const Visitor& visit) {
    // MQTT-4.7.1-2: '#' matches the parent level and every level below it.
    if (node.hash != nullptr && !dollar_root) emit(*node.hash, visit);
    if (at_end) {
      emit(node, visit);
      return;
    }
    const std::size_t slash = rest.find('/');
    const bool last = slash == std::string_view::npos;
    const std::string_view level = last ? rest : rest.substr(0, slash);
    const std::string_view next = last ? std::string_view{} : rest.substr(slash + 1);
    if (node.plus != nullptr && !dollar_root) walk(*node.plus, next, last, false, visit);
    if (auto it = node.children.find(level); it != node.children.end()) {
      walk(*it->second, next, last, false, visit);
    }
  }

  static std::size_t count_nodes(const Node& node) {
    std::size_t count = 1;
    for (const auto& [level, child] : node.children) count += count_nodes(*child);
    if (node.plus != nullptr) count += count_nodes(*node.plus);
    if (node.hash != nullptr) count += count_nodes(*node.hash);
    return count;
  }

  static void emit(const Node& node, const Visitor& visit) {
    for (const auto& [key, value] : node.subscribers) visit(key, value);
  }

  Node root_;
  std::size_t size_ = 0;
};

}  // namespace mqttbed::mqtt

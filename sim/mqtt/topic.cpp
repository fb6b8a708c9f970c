// Topic name / filter validation and matching, one level at a time.
#include "sim/mqtt/topic.h"

#include <cstddef>
#include <cstdint>

namespace mqttbed::mqtt {
namespace {

constexpr std::size_t kMaxStringBytes = 65535;

// "" when `s` is well-formed UTF-8 without surrogates (MQTT-1.5.3-1) nor U+0000
// (MQTT-1.5.3-2, MQTT-4.7.3-2), else the reason.
std::string utf8_error(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto lead = static_cast<unsigned char>(s[i]);
    if (lead == 0) return "contains U+0000 at byte " + std::to_string(i) + " (MQTT-4.7.3-2)";
    std::size_t extra = 0;
    std::uint32_t code = 0;
    if (lead < 0x80) {
      ++i;
      continue;
    } else if ((lead & 0xE0) == 0xC0) {
      extra = 1;
      code = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
      extra = 2;
      code = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
      extra = 3;
      code = lead & 0x07;
    } else {
      return "ill-formed UTF-8 at byte " + std::to_string(i) + " (MQTT-1.5.3-1)";
    }
    if (i + extra >= s.size()) {
      return "truncated UTF-8 sequence at byte " + std::to_string(i) + " (MQTT-1.5.3-1)";
    }
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto cont = static_cast<unsigned char>(s[i + k]);
      if ((cont & 0xC0) != 0x80) {
        return "ill-formed UTF-8 at byte " + std::to_string(i) + " (MQTT-1.5.3-1)";
      }
      code = (code << 6) | (cont & 0x3F);
    }
    static constexpr std::uint32_t kMinForLength[] = {0, 0x80, 0x800, 0x10000};
    if (code < kMinForLength[extra] || code > 0x10FFFF) {
      return "ill-formed UTF-8 at byte " + std::to_string(i) + " (MQTT-1.5.3-1)";
    }
    if (code >= 0xD800 && code <= 0xDFFF) {
      return "UTF-16 surrogate encoded at byte " + std::to_string(i) + " (MQTT-1.5.3-1)";
    }
    i += extra + 1;
  }
  return "";
}

// Checks shared by names and filters: non-empty, length, encoding.
std::string common_error(std::string_view s) {
  if (s.empty()) return "empty topic (MQTT-4.7.3-1)";
  if (s.size() > kMaxStringBytes) {
    return "topic of " + std::to_string(s.size()) + " bytes exceeds 65535 (MQTT-4.7.3-3)";
  }
  return utf8_error(s);
}

// The level of `s` starting at `pos` (up to the next '/' or the end).
std::string_view level_at(std::string_view s, std::size_t pos) {
  const std::size_t slash = s.find('/', pos);
  return s.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos);
}

}  // namespace

std::string topic_name_error(std::string_view topic) {
  if (std::string error = common_error(topic); !error.empty()) return error;
  // MQTT-3.3.2-2: the Topic Name in a PUBLISH must not contain wildcard characters.
  for (const char c : topic) {
    if (c == '+' || c == '#') {
      return std::string("wildcard '") + c + "' in a topic name (MQTT-3.3.2-2)";
    }
  }
  return "";
}

std::string topic_filter_error(std::string_view filter) {
  if (std::string error = common_error(filter); !error.empty()) return error;
  std::size_t pos = 0;
  while (true) {
    const std::string_view level = level_at(filter, pos);
    const bool last = pos + level.size() == filter.size();
    for (std::size_t k = 0; k < level.size(); ++k) {
      if (level[k] == '#' && (level.size() != 1 || !last)) {
        // MQTT-4.7.1-2: '#' alone in its level and the filter's last character.
        return "'#' not alone in the last level at byte " + std::to_string(pos + k) +
               " (MQTT-4.7.1-2)";
      }
      if (level[k] == '+' && level.size() != 1) {
        // MQTT-4.7.1-3: '+' occupies an entire level.
        return "'+' not alone in its level at byte " + std::to_string(pos + k) + " (MQTT-4.7.1-3)";
      }
    }
    if (last) return "";
    pos += level.size() + 1;
  }
}

bool topic_matches(std::string_view filter, std::string_view topic) {
  if (filter.empty() || topic.empty()) return false;
  // MQTT-4.7.2-1: a filter starting with a wildcard does not match a '$' topic.
  if (topic.front() == '$' && (filter.front() == '+' || filter.front() == '#')) return false;
  std::size_t f = 0;
  std::size_t t = 0;
  bool topic_done = false;  // all topic levels consumed
  while (true) {
    const std::string_view flevel = level_at(filter, f);
    const bool filter_last = f + flevel.size() == filter.size();
    // MQTT-4.7.1-2: '#' matches the parent level and any number of child levels.
    if (flevel == "#") return true;
    if (topic_done) return false;
    const std::string_view tlevel = level_at(topic, t);
    const bool topic_last = t + tlevel.size() == topic.size();
    if (flevel != "+" && flevel != tlevel) return false;
    if (filter_last) return topic_last;
    f += flevel.size() + 1;
    if (topic_last) {
      topic_done = true;
    } else {
      t += tlevel.size() + 1;
    }
  }
}

std::optional<SharedFilter> parse_shared(std::string_view filter, std::string* error) {
  constexpr std::string_view kPrefix = "$share/";
  if (error != nullptr) error->clear();
  if (filter.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  const std::string_view rest = filter.substr(kPrefix.size());
  const std::size_t slash = rest.find('/');
  const std::string_view group = rest.substr(0, slash);
  std::string why;
  if (slash == std::string_view::npos || group.empty()) {
    why = "a shared subscription needs a ShareName and a filter (MQTT-4.8.2-1)";
  } else if (group.find_first_of("+#") != std::string_view::npos) {
    why = "a ShareName has no '+' or '#' (MQTT-4.8.2-2)";
  } else {
    why = topic_filter_error(rest.substr(slash + 1));
  }
  if (!why.empty()) {
    if (error != nullptr) *error = why;
    return std::nullopt;
  }
  return SharedFilter{std::string(group), std::string(rest.substr(slash + 1))};
}

std::string authorized_filter(std::string_view filter) {
  if (auto shared = parse_shared(filter)) return std::move(shared->filter);
  return std::string(filter);
}

}  // namespace mqttbed::mqtt

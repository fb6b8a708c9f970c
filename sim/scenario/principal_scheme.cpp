#include "sim/scenario/principal_scheme.h"

#include <cstdio>

#include "sim/policy/variables.h"
#include "sim/scenario/client_id.h"

namespace mqttbed::scenario {
namespace {

// splitmix64 over an FNV-1a hash of the name: stable across platforms and runs.
std::uint64_t mix(std::uint64_t seed, std::string_view name, std::uint64_t salt) {
  std::uint64_t h = 1469598103934665603ull ^ salt;
  for (unsigned char c : name) h = (h ^ c) * 1099511628211ull;
  std::uint64_t z = h + seed + 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

std::string cert(std::string_view attribute) {
  return std::string(policy::kCertificatePrefix) + std::string(attribute);
}
std::string claim(std::string_view name) {
  return std::string(policy::kClaimPrefix) + std::string(name);
}

}  // namespace

std::string installation_uuid(std::uint64_t seed, std::string_view name) {
  const std::uint64_t hi = mix(seed, name, 1);
  const std::uint64_t lo = mix(seed, name, 2);
  char text[37];
  std::snprintf(text, sizeof text, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xffff), static_cast<unsigned>(hi & 0xfff),
                static_cast<unsigned>(0x8000 | ((lo >> 48) & 0x3fff)),
                static_cast<unsigned long long>(lo & 0xffffffffffffull));
  return text;
}

std::string mac_address(std::uint64_t seed, std::string_view name) {
  const std::uint64_t bits = mix(seed, name, 3);
  char text[18];
  std::snprintf(
      text, sizeof text, "02:%02x:%02x:%02x:%02x:%02x", static_cast<unsigned>((bits >> 32) & 0xff),
      static_cast<unsigned>((bits >> 24) & 0xff), static_cast<unsigned>((bits >> 16) & 0xff),
      static_cast<unsigned>((bits >> 8) & 0xff), static_cast<unsigned>(bits & 0xff));
  return text;
}

std::optional<policy::Principal> fleet_principal(std::string_view client_id,
                                                 std::string_view partner_id, std::uint64_t seed) {
  auto parts = parse_client_id(client_id);
  if (!parts) return std::nullopt;
  policy::Principal p;
  p.kind = parts->kind;
  p.thing_name = std::string(client_id);
  const std::string pid(partner_id);
  p.values["principal:pid"] = pid;
  if (parts->account < 0) {  // the cloud shadow service: the platform's own certificate
    p.source = policy::Principal::Source::service;
    p.values[cert("Organization")] = pid;
    p.values[cert("CommonName")] = std::string(client_id);
    return p;
  }
  const std::string aid = account_name(parts->account);
  const std::string device = parts->kind + std::to_string(parts->index);
  p.values["principal:aid"] = aid;
  if (parts->home >= 0) {
    p.source = policy::Principal::Source::certificate;
    p.values[cert("Organization")] = pid;
    p.values[cert("OrganizationalUnit")] = aid;
    p.values[cert("CommonName")] = home_name(parts->home) + "-" + device;
    p.values[cert("SerialNumber")] = installation_uuid(seed, client_id);
    p.values[cert("UID")] = mac_address(seed, client_id);
  } else {
    // jti changes with every token; the fleet's view names the first one.
    p.source = policy::Principal::Source::token;
    p.values[claim("pid")] = pid;
    p.values[claim("aid")] = aid;
    p.values[claim("sub")] = device;
    p.values[claim("jti")] = installation_uuid(seed, std::string(client_id) + "#0");
  }
  return p;
}

}  // namespace mqttbed::scenario

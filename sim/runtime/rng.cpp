#include "sim/runtime/runtime.h"

namespace mqttbed::runtime {

namespace {
// FNV-1a then splitmix64: stable across platforms and standard libraries (std::hash is not).
std::uint64_t fnv1a(const std::string& text) {
  std::uint64_t hash = 1469598103934665603ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}
std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}
}  // namespace

Rng derive_rng(std::uint64_t master_seed, const std::string& stable_name) {
  return Rng(splitmix64(master_seed ^ splitmix64(fnv1a(stable_name))));
}

}  // namespace mqttbed::runtime

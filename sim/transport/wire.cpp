#include "sim/transport/wire.h"

#include <algorithm>

namespace mqttbed::transport {

WireCost& WireCost::operator+=(const WireCost& other) {
  up_payload += other.up_payload;
  up_overhead += other.up_overhead;
  down_payload += other.down_payload;
  down_overhead += other.down_overhead;
  packets += other.packets;
  return *this;
}

std::uint64_t segments(std::uint64_t bytes) {
  return std::max<std::uint64_t>(1, (bytes + kMss - 1) / kMss);
}

WireCost exchange_cost(const std::vector<Flight>& flights) {
  WireCost cost;
  for (const Flight& flight : flights) {
    std::uint64_t n = segments(flight.payload + flight.overhead);
    std::uint64_t overhead = flight.overhead + n * kIpTcpHeaderBytes;
    (flight.up ? cost.up_payload : cost.down_payload) += flight.payload;
    (flight.up ? cost.up_overhead : cost.down_overhead) += overhead;
    cost.packets += n;
  }
  if (!flights.empty()) {
    (flights.back().up ? cost.down_overhead : cost.up_overhead) += kIpTcpHeaderBytes;
    ++cost.packets;
  }
  return cost;
}

WireCost tcp_open_cost() {
  WireCost cost;
  cost.up_overhead = kSynBytes + kIpTcpHeaderBytes;
  cost.down_overhead = kSynBytes;
  cost.packets = 3;
  return cost;
}

WireCost tcp_close_cost() {
  WireCost cost;
  cost.up_overhead = 2 * kIpTcpHeaderBytes;
  cost.down_overhead = 2 * kIpTcpHeaderBytes;
  cost.packets = 4;
  return cost;
}

}  // namespace mqttbed::transport

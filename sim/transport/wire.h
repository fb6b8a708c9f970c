// What one exchange on a connection costs on the wire: flights of application-layer bytes
// (split into payload and protocol overhead) carried by TCP/IPv4 segments. Every transport
// model (MQTT, TLS, WebSocket, HTTP/1.1, HTTP/2) describes its traffic as exchanges; this
// unit alone turns them into bytes and packets, so all transports are counted alike.
#pragma once

#include <cstdint>
#include <vector>

namespace mqttbed::transport {

// IPv4 header without options (RFC 791 §3.1: IHL 5 = 20 bytes) plus the TCP header without
// options (RFC 9293 §3.1: Data Offset 5 = 20 bytes). The simulation's frames use the same.
inline constexpr std::uint64_t kIpTcpHeaderBytes = 40;
// Ethernet MTU 1500 - 40: the MSS a 1500-byte path advertises (RFC 9293 §3.7.1).
inline constexpr std::uint64_t kMss = 1460;
// SYN and SYN-ACK carry the MSS option (RFC 9293 §3.2, kind 2, length 4); the other options
// (window scale, SACK-permitted, timestamps) are left out, as in the simulation's frames.
inline constexpr std::uint64_t kSynBytes = kIpTcpHeaderBytes + 4;

// Bytes one way, as the layer above TCP writes them.
struct Flight {
  bool up = true;              // device -> server
  std::uint64_t payload = 0;   // the application's own bytes (message bodies)
  std::uint64_t overhead = 0;  // every protocol byte above TCP (headers, framing, records)
};

struct WireCost {
  std::uint64_t up_payload = 0;
  std::uint64_t up_overhead = 0;  // protocol bytes above TCP plus TCP/IP headers
  std::uint64_t down_payload = 0;
  std::uint64_t down_overhead = 0;
  std::uint64_t packets = 0;
  std::uint64_t up() const { return up_payload + up_overhead; }
  std::uint64_t down() const { return down_payload + down_overhead; }
  std::uint64_t total() const { return up() + down(); }
  WireCost& operator+=(const WireCost& other);
};

// Segments a flight of `bytes` needs (at least one).
std::uint64_t segments(std::uint64_t bytes);

// Cost of flights exchanged in order, each answering the one before it (so it carries the
// ACK for it), then one pure ACK (40 bytes) from the receiver of the last flight: delayed
// ACK (RFC 9293 §3.8.6.3) acknowledges it alone when nothing is sent back in time.
WireCost exchange_cost(const std::vector<Flight>& flights);

// TCP three-way handshake (RFC 9293 §3.5, Figure 6): SYN and SYN-ACK with the MSS option,
// then the ACK (which a client may merge with its first data; counted apart here).
WireCost tcp_open_cost();
// Orderly close (RFC 9293 §3.6, Figure 12): FIN, ACK, FIN, ACK, four bare segments.
WireCost tcp_close_cost();

}  // namespace mqttbed::transport

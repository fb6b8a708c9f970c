// TLS 1.2 (RFC 5246) and TLS 1.3 (RFC 8446) as bytes on the wire: the handshake flights
// (full, or resumed with a ticket) and the per-record overhead on application data. Sizes
// are built from the messages' structures; certificate sizes are parameters.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/transport/wire.h"

namespace mqttbed::transport {

enum class TlsVersion { v12, v13 };

struct TlsProfile {
  TlsVersion version = TlsVersion::v13;
  std::string server_name = "iot.example.com";  // SNI (RFC 6066 §3)
  // DER sizes of the server's chain (leaf, intermediate): typical RSA-2048 certificates
  // from a public CA are 1.2-1.5 KB each; measure your own with `openssl s_client`.
  std::vector<std::uint64_t> server_chain{1300, 1100};
  std::uint64_t server_signature = 256;  // RSA-2048 PKCS#1 / PSS
  // Mutual TLS: the device presents its certificate (X.509 auth, as AWS IoT does).
  bool client_certificate = true;
  std::uint64_t client_certificate_bytes = 600;  // an ECDSA P-256 device certificate
  std::uint64_t client_signature = 72;           // ECDSA P-256, DER
  std::uint64_t ticket_bytes = 192;              // the opaque session ticket
  bool resumption = true;  // reconnects resume with the ticket of the last session
};

// Bytes a record adds to `plaintext` application bytes (records of at most 2^14 bytes):
// 1.3 AEAD (§5.2): 5-byte header + 1 inner content type + 16-byte AES-GCM tag = 22;
// 1.2 AES-GCM (RFC 5246 §6.2.3.3, RFC 5288 §3): 5 + 8 explicit nonce + 16 tag = 29.
std::uint64_t tls_record_overhead(TlsVersion version, std::uint64_t plaintext);

struct TlsHandshake {
  std::vector<Flight> flights;  // in order, alternating client/server
  int round_trips = 0;          // before the client may send application data
};

// The handshake flights, all overhead. `resumed`: an abbreviated handshake with a ticket
// (1.3 §2.2 PSK with (EC)DHE; 1.2 RFC 5077 §3.1) instead of certificates.
TlsHandshake tls_handshake(const TlsProfile& profile, bool resumed);
// close_notify (1.3 §6.1, 1.2 §7.2.1): a 2-byte alert in its own record.
std::uint64_t tls_close_notify_bytes(TlsVersion version);

}  // namespace mqttbed::transport

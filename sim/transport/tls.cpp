#include "sim/transport/tls.h"

namespace mqttbed::transport {

namespace {

constexpr std::uint64_t kRecordHeader = 5;     // type, legacy version, length (§5.1)
constexpr std::uint64_t kHandshakeHeader = 4;  // msg_type, uint24 length (§4)
constexpr std::uint64_t kExtensionHeader = 4;  // type, length (§4.2)
constexpr std::uint64_t kRandom = 32;
constexpr std::uint64_t kSessionId = 1 + 32;  // 1.3 middlebox compatibility (Appendix D.4)
constexpr std::uint64_t kX25519Share = 32;    // RFC 7748
constexpr std::uint64_t kSha256 = 32;
// ChangeCipherSpec: a 1-byte message in a plaintext record (1.2 §7.1; 1.3 sends it for
// middlebox compatibility, Appendix D.4, as OpenSSL does).
constexpr std::uint64_t kChangeCipherSpec = kRecordHeader + 1;

std::uint64_t sni(const TlsProfile& p) {
  return kExtensionHeader + 2 + 1 + 2 + p.server_name.size();  // RFC 6066 §3
}

// ClientHello (1.3 §4.1.2; 1.2 §7.4.1.2): version, random, session id, three suites,
// null compression, then extensions.
std::uint64_t client_hello(const TlsProfile& p, bool resumed) {
  std::uint64_t extensions = sni(p) + kExtensionHeader + 2 + 2 * 2ULL  // supported_groups
                             + kExtensionHeader + 2 + 2 * 4ULL;        // signature_algorithms
  if (p.version == TlsVersion::v13) {
    extensions += kExtensionHeader + 1 + 2                       // supported_versions
                  + kExtensionHeader + 2 + 2 + 2 + kX25519Share  // key_share
                  + kExtensionHeader + 1 + 1;                    // psk_key_exchange_modes
    if (resumed)  // pre_shared_key (§4.2.11): one identity, one binder; last extension
      extensions += kExtensionHeader + 2 + 2 + p.ticket_bytes + 4 + 2 + 1 + kSha256;
  } else if (resumed) {
    extensions += kExtensionHeader + p.ticket_bytes;  // SessionTicket (RFC 5077 §3.2)
  }
  std::uint64_t body = 2 + kRandom + kSessionId + 2 + 3 * 2ULL + 1 + 1 + 2 + extensions;
  return kRecordHeader + kHandshakeHeader + body;
}

std::uint64_t certificate_13(const std::vector<std::uint64_t>& chain) {
  std::uint64_t list = 0;
  for (std::uint64_t der : chain) list += 3 + der + 2;  // cert_data + empty extensions
  return kHandshakeHeader + 1 + 3 + list;               // context, list length (§4.4.2)
}

std::uint64_t certificate_12(const std::vector<std::uint64_t>& chain) {
  std::uint64_t list = 0;
  for (std::uint64_t der : chain) list += 3 + der;
  return kHandshakeHeader + 3 + list;  // §7.4.2
}

}  // namespace

std::uint64_t tls_record_overhead(TlsVersion version, std::uint64_t plaintext) {
  std::uint64_t records = plaintext == 0 ? 1 : (plaintext + 16383) / 16384;
  return records * (version == TlsVersion::v13 ? kRecordHeader + 1 + 16 : kRecordHeader + 8 + 16);
}

std::uint64_t tls_close_notify_bytes(TlsVersion version) {
  return 2 + tls_record_overhead(version, 2);
}

TlsHandshake tls_handshake(const TlsProfile& p, bool resumed) {
  TlsHandshake h;
  const bool mtls = p.client_certificate && !resumed;
  if (p.version == TlsVersion::v13) {
    // ServerHello (§4.1.3): supported_versions, key_share, and pre_shared_key if resumed.
    std::uint64_t server_hello = kRecordHeader + kHandshakeHeader + 2 + kRandom + kSessionId + 2 +
                                 1 + 2 + kExtensionHeader + 2 + kExtensionHeader + 2 + 2 +
                                 kX25519Share + (resumed ? kExtensionHeader + 2 : 0);
    // Encrypted: EncryptedExtensions, [CertificateRequest, Certificate, CertificateVerify],
    // Finished, in one record.
    std::uint64_t encrypted = kHandshakeHeader + 2 + kHandshakeHeader + kSha256;
    if (!resumed) {
      encrypted += certificate_13(p.server_chain) + kHandshakeHeader + 2 + 2 + p.server_signature;
      if (mtls) encrypted += kHandshakeHeader + 1 + 2 + kExtensionHeader + 2 + 2 * 4ULL;
    }
    h.flights.push_back({true, 0, client_hello(p, resumed)});
    h.flights.push_back({false, 0,
                         server_hello + kChangeCipherSpec + encrypted +
                             tls_record_overhead(TlsVersion::v13, encrypted)});
    std::uint64_t client = kHandshakeHeader + kSha256;
    if (mtls)
      client += certificate_13({p.client_certificate_bytes}) + kHandshakeHeader + 2 + 2 +
                p.client_signature;
    h.flights.push_back(
        {true, 0, kChangeCipherSpec + client + tls_record_overhead(TlsVersion::v13, client)});
    // NewSessionTicket (§4.6.1) after the handshake: lifetime, age_add, nonce, ticket,
    // no extensions. The client's Finished and first data go out together: 1 RTT.
    std::uint64_t ticket = kHandshakeHeader + 4 + 4 + 1 + 8 + 2 + p.ticket_bytes + 2;
    if (p.resumption)
      h.flights.push_back({false, 0, ticket + tls_record_overhead(TlsVersion::v13, ticket)});
    h.round_trips = 1;
    return h;
  }
  // TLS 1.2 with ECDHE (RFC 8422 §5.4) and a session ticket (RFC 5077).
  std::uint64_t server_hello =
      kHandshakeHeader + 2 + kRandom + 1 + 32 + 2 + 1 + 2 + (p.resumption ? kExtensionHeader : 0);
  std::uint64_t finished = kHandshakeHeader + 12;  // verify_data (§7.4.9)
  std::uint64_t encrypted_finished = finished + tls_record_overhead(TlsVersion::v12, finished);
  std::uint64_t new_ticket = p.resumption ? kHandshakeHeader + 4 + 2 + p.ticket_bytes : 0;
  h.flights.push_back({true, 0, client_hello(p, resumed)});
  if (resumed) {  // RFC 5077 §3.1 Figure 2: 1 RTT
    h.flights.push_back(
        {false, 0,
         kRecordHeader + server_hello + new_ticket + kChangeCipherSpec + encrypted_finished});
    h.flights.push_back({true, 0, kChangeCipherSpec + encrypted_finished});
    h.round_trips = 1;
    return h;
  }
  std::uint64_t server_key_exchange =
      kHandshakeHeader + 1 + 2 + 1 + kX25519Share + 2 + 2 + p.server_signature;
  std::uint64_t server = server_hello + certificate_12(p.server_chain) + server_key_exchange +
                         kHandshakeHeader;                          // ServerHelloDone
  if (mtls) server += kHandshakeHeader + 1 + 1 + 2 + 2 * 4ULL + 2;  // CertificateRequest
  h.flights.push_back({false, 0, kRecordHeader + server});
  std::uint64_t client = kHandshakeHeader + 1 + kX25519Share;  // ClientKeyExchange
  if (mtls)
    client += certificate_12({p.client_certificate_bytes}) + kHandshakeHeader + 2 + 2 +
              p.client_signature;
  h.flights.push_back({true, 0, kRecordHeader + client + kChangeCipherSpec + encrypted_finished});
  h.flights.push_back(
      {false, 0,
       (new_ticket ? kRecordHeader + new_ticket : 0) + kChangeCipherSpec + encrypted_finished});
  h.round_trips = 2;
  return h;
}

}  // namespace mqttbed::transport

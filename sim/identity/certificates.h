// The scenario's device PKI (the talk's xPKI): a CA that issues gateway certificates whose
// subject carries the principal attributes (partner id, account id, installation UUID, MAC),
// a revocation list, and the check a broker runs on a presented certificate at virtual time.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "sim/identity/openssl_handles.h"

namespace mqttbed::identity {

// The subject attributes, as the DN spells them:
//   O = partner id, OU = account id, CN = the device within the account ("home3-light0"),
//   serialNumber = installation UUID, UID = MAC address.
struct CertificateSubject {
  std::string partner_id;
  std::string account_id;
  std::string common_name;
  std::string installation_id;
  std::string mac;
};

// Visits each (attribute name as ${iot:Certificate.Subject.<name>} spells it, value).
template <class Visit>
void for_each_attribute(const CertificateSubject& subject, Visit visit) {
  visit("Organization", subject.partner_id);
  visit("OrganizationalUnit", subject.account_id);
  visit("CommonName", subject.common_name);
  visit("SerialNumber", subject.installation_id);
  visit("UID", subject.mac);
}

struct IssuedCertificate {
  X509Ptr certificate;
  PkeyPtr key;
  std::uint64_t serial = 0;
};

class CertificateAuthority {
 public:
  // A self-signed CA whose key derives from (seed, name); valid from `not_before_s` for
  // `lifetime_s` (Unix seconds).
  CertificateAuthority(std::uint64_t seed, std::string name, std::int64_t not_before_s,
                       std::int64_t lifetime_s);

  // Issues a certificate for `subject` with a key derived from (seed, key_label); serials
  // count up from 1 in issue order.
  IssuedCertificate issue(const CertificateSubject& subject, std::int64_t not_before_s,
                          std::int64_t not_after_s, const std::string& key_label);
  // A TLS server certificate for a live broker (CN = `host`, subjectAltName IP or DNS,
  // serverAuth), so clients trust the broker through the same CA as the devices.
  IssuedCertificate issue_server(const std::string& host, std::int64_t not_before_s,
                                 std::int64_t not_after_s);
  void revoke(std::uint64_t serial);
  // The CRL over every revoked serial so far, signed now (`at_s`).
  X509CrlPtr crl(std::int64_t at_s) const;

  X509* certificate() const { return certificate_.get(); }
  const std::string& name() const { return name_; }

 private:
  std::uint64_t seed_;
  std::string name_;
  PkeyPtr key_;
  X509Ptr certificate_;
  std::uint64_t next_serial_ = 1;
  std::set<std::uint64_t> revoked_;
};

enum class CertificateError {
  none,
  unknown_issuer,  // not signed by the trusted CA (or issuer name differs)
  bad_signature,
  revoked,
  not_yet_valid,
  expired,
  bad_subject,  // O or CN missing
};
const char* to_string(CertificateError error);

struct CertificateCheck {
  CertificateError error = CertificateError::unknown_issuer;
  CertificateSubject subject;
  std::uint64_t serial = 0;
};

// What the broker trusts: one CA and its CRL (whose signature is checked once, here).
// Checking a leaf is one ECDSA verification plus lookups: the chain is one level deep.
class CertificateVerifier {
 public:
  CertificateVerifier(X509* ca_certificate, X509_CRL* crl);
  CertificateCheck verify(X509* leaf, std::int64_t now_s, std::int64_t skew_s) const;

 private:
  X509Ptr ca_;
  PkeyPtr ca_key_;
  std::set<std::uint64_t> revoked_;
};

CertificateSubject read_subject(X509* certificate);
std::string certificate_pem(X509* certificate);
std::string crl_pem(X509_CRL* crl);

}  // namespace mqttbed::identity

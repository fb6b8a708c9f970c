#include "sim/identity/certificates.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <ctime>
#include <stdexcept>

#include "sim/identity/keys.h"

namespace mqttbed::identity {
namespace {

using Asn1TimePtr = std::unique_ptr<ASN1_TIME, OpenSslDeleter<ASN1_TIME_free>>;

struct SubjectField {
  int nid;
  std::string CertificateSubject::*member;
};

const SubjectField kSubjectFields[] = {
    {NID_organizationName, &CertificateSubject::partner_id},
    {NID_organizationalUnitName, &CertificateSubject::account_id},
    {NID_commonName, &CertificateSubject::common_name},
    {NID_serialNumber, &CertificateSubject::installation_id},
    {NID_userId, &CertificateSubject::mac},
};

void add_extension(X509* certificate, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, certificate, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (!ext || !X509_add_ext(certificate, ext, -1)) throw_openssl("X509_add_ext");
  X509_EXTENSION_free(ext);
}

void add_name_entry(X509_NAME* name, int nid, const std::string& value) {
  if (value.empty()) return;
  if (!X509_NAME_add_entry_by_NID(name, nid, MBSTRING_UTF8,
                                  reinterpret_cast<const unsigned char*>(value.data()),
                                  static_cast<int>(value.size()), -1, 0)) {
    throw_openssl("X509_NAME_add_entry_by_NID");
  }
}

// The SubjectPublicKeyInfo of a P-256 key, written directly: X509_set_pubkey goes through
// OpenSSL 3's encoder lookup, which made it most of the cost of issuing a certificate. The
// certificate then holds no decoded EVP_PKEY (X509_get_pubkey fails until it is re-read
// from DER); nothing here needs a leaf's key, only the CA's.
void set_p256_public_key(X509* certificate, EVP_PKEY* key) {
  unsigned char point[65];
  std::size_t size = 0;
  if (!EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point, &size)) {
    throw_openssl("EVP_PKEY_get_octet_string_param");
  }
  auto* encoded = static_cast<unsigned char*>(OPENSSL_memdup(point, size));
  X509_PUBKEY* spki = X509_get_X509_PUBKEY(certificate);
  if (!encoded ||
      !X509_PUBKEY_set0_param(spki, OBJ_nid2obj(NID_X9_62_id_ecPublicKey), V_ASN1_OBJECT,
                              OBJ_nid2obj(NID_X9_62_prime256v1), encoded, static_cast<int>(size))) {
    OPENSSL_free(encoded);
    throw_openssl("X509_PUBKEY_set0_param");
  }
}

// A certificate with serial and validity set: no key, name, extension or signature yet.
X509Ptr new_certificate(std::uint64_t serial, std::int64_t not_before_s, std::int64_t not_after_s) {
  X509Ptr certificate(X509_new());
  if (!certificate || !X509_set_version(certificate.get(), 2) ||
      !ASN1_INTEGER_set_uint64(X509_get_serialNumber(certificate.get()), serial) ||
      !ASN1_TIME_set(X509_getm_notBefore(certificate.get()), static_cast<time_t>(not_before_s)) ||
      !ASN1_TIME_set(X509_getm_notAfter(certificate.get()), static_cast<time_t>(not_after_s))) {
    throw_openssl("X509 fields");
  }
  return certificate;
}

}  // namespace

CertificateAuthority::CertificateAuthority(std::uint64_t seed, std::string name,
                                           std::int64_t not_before_s, std::int64_t lifetime_s)
    : seed_(seed), name_(std::move(name)), key_(derive_p256_key(seed, "ca/" + name_)) {
  certificate_ = new_certificate(0, not_before_s, not_before_s + lifetime_s);
  if (!X509_set_pubkey(certificate_.get(), key_.get())) throw_openssl("X509_set_pubkey");
  X509_NAME* subject = X509_get_subject_name(certificate_.get());
  add_name_entry(subject, NID_organizationName, "mqttbed test PKI");
  add_name_entry(subject, NID_commonName, name_);
  X509_set_issuer_name(certificate_.get(), subject);
  add_extension(certificate_.get(), certificate_.get(), NID_basic_constraints, "critical,CA:TRUE");
  add_extension(certificate_.get(), certificate_.get(), NID_key_usage,
                "critical,keyCertSign,cRLSign");
  add_extension(certificate_.get(), certificate_.get(), NID_subject_key_identifier, "hash");
  if (!X509_sign(certificate_.get(), key_.get(), EVP_sha256())) throw_openssl("X509_sign (CA)");
}

IssuedCertificate CertificateAuthority::issue(const CertificateSubject& subject,
                                              std::int64_t not_before_s, std::int64_t not_after_s,
                                              const std::string& key_label) {
  IssuedCertificate issued;
  issued.serial = next_serial_++;
  issued.key = derive_p256_key(seed_, "device/" + key_label);
  issued.certificate = new_certificate(issued.serial, not_before_s, not_after_s);
  X509* cert = issued.certificate.get();
  set_p256_public_key(cert, issued.key.get());
  X509_NAME* name = X509_get_subject_name(cert);
  for (const SubjectField& f : kSubjectFields) add_name_entry(name, f.nid, subject.*f.member);
  X509_set_issuer_name(cert, X509_get_subject_name(certificate_.get()));
  add_extension(cert, certificate_.get(), NID_basic_constraints, "critical,CA:FALSE");
  add_extension(cert, certificate_.get(), NID_key_usage, "critical,digitalSignature");
  add_extension(cert, certificate_.get(), NID_ext_key_usage, "clientAuth");
  if (!X509_sign(cert, key_.get(), EVP_sha256())) throw_openssl("X509_sign");
  return issued;
}

IssuedCertificate CertificateAuthority::issue_server(const std::string& host,
                                                     std::int64_t not_before_s,
                                                     std::int64_t not_after_s) {
  IssuedCertificate issued;
  issued.serial = next_serial_++;
  issued.key = derive_p256_key(seed_, "server/" + host);
  issued.certificate = new_certificate(issued.serial, not_before_s, not_after_s);
  X509* cert = issued.certificate.get();
  set_p256_public_key(cert, issued.key.get());
  add_name_entry(X509_get_subject_name(cert), NID_commonName, host);
  X509_set_issuer_name(cert, X509_get_subject_name(certificate_.get()));
  const bool numeric = host.find_first_not_of("0123456789.:") == std::string::npos;
  const std::string alt = (numeric ? "IP:" : "DNS:") + host;
  add_extension(cert, certificate_.get(), NID_basic_constraints, "critical,CA:FALSE");
  add_extension(cert, certificate_.get(), NID_key_usage, "critical,digitalSignature");
  add_extension(cert, certificate_.get(), NID_ext_key_usage, "serverAuth");
  add_extension(cert, certificate_.get(), NID_subject_alt_name, alt.c_str());
  if (!X509_sign(cert, key_.get(), EVP_sha256())) throw_openssl("X509_sign");
  return issued;
}

void CertificateAuthority::revoke(std::uint64_t serial) { revoked_.insert(serial); }

X509CrlPtr CertificateAuthority::crl(std::int64_t at_s) const {
  X509CrlPtr crl(X509_CRL_new());
  Asn1TimePtr now(ASN1_TIME_set(nullptr, static_cast<time_t>(at_s)));
  if (!crl || !now || !X509_CRL_set_version(crl.get(), 1) ||
      !X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(certificate_.get())) ||
      !X509_CRL_set1_lastUpdate(crl.get(), now.get()) ||
      // RFC 5280 §5.1.2.5: issuers MUST include nextUpdate (Erlang's ssl refuses every
      // certificate against a CRL without one); the CA's own end, as nothing reissues it.
      !X509_CRL_set1_nextUpdate(crl.get(), X509_get0_notAfter(certificate_.get()))) {
    throw_openssl("X509_CRL fields");
  }
  for (std::uint64_t serial : revoked_) {
    X509_REVOKED* entry = X509_REVOKED_new();
    ASN1_INTEGER* number = ASN1_INTEGER_new();
    if (!entry || !number || !ASN1_INTEGER_set_uint64(number, serial) ||
        !X509_REVOKED_set_serialNumber(entry, number) ||
        !X509_REVOKED_set_revocationDate(entry, now.get()) ||
        !X509_CRL_add0_revoked(crl.get(), entry)) {
      throw_openssl("X509_CRL_add0_revoked");
    }
    ASN1_INTEGER_free(number);
  }
  X509_CRL_sort(crl.get());
  if (!X509_CRL_sign(crl.get(), key_.get(), EVP_sha256())) throw_openssl("X509_CRL_sign");
  return crl;
}

const char* to_string(CertificateError error) {
  switch (error) {
    case CertificateError::none:
      return "valid";
    case CertificateError::unknown_issuer:
      return "unknown issuer";
    case CertificateError::bad_signature:
      return "bad signature";
    case CertificateError::revoked:
      return "revoked";
    case CertificateError::not_yet_valid:
      return "not yet valid";
    case CertificateError::expired:
      return "expired";
    case CertificateError::bad_subject:
      return "subject lacks a principal attribute";
  }
  return "?";
}

CertificateVerifier::CertificateVerifier(X509* ca_certificate, X509_CRL* crl) {
  X509_up_ref(ca_certificate);
  ca_.reset(ca_certificate);
  ca_key_.reset(X509_get_pubkey(ca_certificate));
  if (!ca_key_) throw_openssl("X509_get_pubkey (CA)");
  if (crl == nullptr) return;
  if (X509_CRL_verify(crl, ca_key_.get()) != 1) {
    ERR_clear_error();
    throw std::invalid_argument("the CRL is not signed by the CA it names");
  }
  const STACK_OF(X509_REVOKED)* entries = X509_CRL_get_REVOKED(crl);
  for (int i = 0; i < sk_X509_REVOKED_num(entries); ++i) {
    std::uint64_t serial = 0;
    if (ASN1_INTEGER_get_uint64(
            &serial, X509_REVOKED_get0_serialNumber(sk_X509_REVOKED_value(entries, i)))) {
      revoked_.insert(serial);
    }
  }
}

CertificateCheck CertificateVerifier::verify(X509* leaf, std::int64_t now_s,
                                             std::int64_t skew_s) const {
  CertificateCheck check;
  check.subject = read_subject(leaf);
  ASN1_INTEGER_get_uint64(&check.serial, X509_get0_serialNumber(leaf));
  if (X509_NAME_cmp(X509_get_issuer_name(leaf), X509_get_subject_name(ca_.get())) != 0) {
    check.error = CertificateError::unknown_issuer;
    return check;
  }
  // A CA with the same name but another key (a forger's) fails here.
  if (X509_verify(leaf, ca_key_.get()) != 1) {
    ERR_clear_error();
    check.error = CertificateError::bad_signature;
    return check;
  }
  if (revoked_.count(check.serial) != 0) {
    check.error = CertificateError::revoked;
    return check;
  }
  time_t late = static_cast<time_t>(now_s + skew_s);
  time_t early = static_cast<time_t>(now_s - skew_s);
  if (X509_cmp_time(X509_get0_notBefore(leaf), &late) > 0) {
    check.error = CertificateError::not_yet_valid;
  } else if (X509_cmp_time(X509_get0_notAfter(leaf), &early) <= 0) {
    check.error = CertificateError::expired;
  } else if (check.subject.partner_id.empty() || check.subject.common_name.empty()) {
    // OU (the account) may be absent: the platform's own service certificate has none.
    check.error = CertificateError::bad_subject;
  } else {
    check.error = CertificateError::none;
  }
  return check;
}

CertificateSubject read_subject(X509* certificate) {
  CertificateSubject subject;
  X509_NAME* name = X509_get_subject_name(certificate);
  for (const SubjectField& f : kSubjectFields) {
    const int index = X509_NAME_get_index_by_NID(name, f.nid, -1);
    if (index < 0) continue;
    unsigned char* utf8 = nullptr;
    const int size =
        ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index)));
    if (size < 0) continue;
    subject.*f.member = std::string(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(size));
    OPENSSL_free(utf8);
  }
  return subject;
}

std::string certificate_pem(X509* certificate) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (!bio || !PEM_write_bio_X509(bio, certificate)) throw_openssl("PEM_write_bio_X509");
  return take_bio_text(bio);
}

std::string crl_pem(X509_CRL* crl) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (!bio || !PEM_write_bio_X509_CRL(bio, crl)) throw_openssl("PEM_write_bio_X509_CRL");
  return take_bio_text(bio);
}

}  // namespace mqttbed::identity

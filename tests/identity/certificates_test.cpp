// The scenario PKI: gateway certificates carry the principal, and the broker's check refuses
// a certificate of an unknown or forged CA, a revoked one, and one outside its validity.
#include "sim/identity/certificates.h"

#include <gtest/gtest.h>

#include "sim/identity/keys.h"
#include "sim/identity/principal_of.h"
#include "sim/scenario/principal_scheme.h"

namespace mqttbed::identity {
namespace {

constexpr std::int64_t kEpoch = 1'767'225'600;  // 2026-01-01T00:00:00Z
constexpr std::int64_t kYear = 365 * 86'400;
constexpr std::int64_t kSkew = 30;

CertificateSubject gateway_subject() {
  return {"xfinity", "acct3", "home3-gateway0", "0f8fad5b-d9cb-469f-a165-70867728950e",
          "02:00:00:00:00:01"};
}

struct Pki {
  CertificateAuthority ca{42, "scenario CA", kEpoch, 10 * kYear};
};

TEST(Certificates, IssuedCertificateVerifiesAndCarriesThePrincipal) {
  Pki pki;
  IssuedCertificate issued = pki.ca.issue(gateway_subject(), kEpoch, kEpoch + kYear, "gw");
  CertificateVerifier verifier(pki.ca.certificate(), pki.ca.crl(kEpoch).get());
  CertificateCheck check = verifier.verify(issued.certificate.get(), kEpoch + 100, kSkew);
  ASSERT_EQ(check.error, CertificateError::none);
  EXPECT_EQ(check.subject.partner_id, "xfinity");
  EXPECT_EQ(check.subject.account_id, "acct3");
  EXPECT_EQ(check.subject.common_name, "home3-gateway0");
  EXPECT_EQ(check.subject.installation_id, "0f8fad5b-d9cb-469f-a165-70867728950e");
  EXPECT_EQ(check.subject.mac, "02:00:00:00:00:01");
  EXPECT_EQ(principal_from_certificate(check.subject, "gateway").thing_name,
            "acct3-home3-gateway0");
}

TEST(Certificates, TheFleetPrincipalSurvivesTheRoundTripThroughACertificate) {
  Pki pki;
  auto principal = scenario::fleet_principal("acct3-home3-light1", "xfinity", 42);
  ASSERT_TRUE(principal);
  IssuedCertificate issued = pki.ca.issue(subject_for(*principal), kEpoch, kEpoch + kYear, "l1");
  CertificateVerifier verifier(pki.ca.certificate(), nullptr);
  CertificateCheck check = verifier.verify(issued.certificate.get(), kEpoch, kSkew);
  ASSERT_EQ(check.error, CertificateError::none);
  policy::Principal back = principal_from_certificate(check.subject, "light");
  EXPECT_EQ(back.thing_name, principal->thing_name);
  EXPECT_EQ(back.values, principal->values);
}

TEST(Certificates, ACertificateOfAnotherCaIsRefused) {
  Pki pki;
  CertificateAuthority stranger(42, "another CA", kEpoch, 10 * kYear);
  CertificateAuthority forger(99, "scenario CA", kEpoch, 10 * kYear);  // same name, other key
  CertificateVerifier verifier(pki.ca.certificate(), nullptr);
  auto foreign = stranger.issue(gateway_subject(), kEpoch, kEpoch + kYear, "gw");
  auto forged = forger.issue(gateway_subject(), kEpoch, kEpoch + kYear, "gw");
  EXPECT_EQ(verifier.verify(foreign.certificate.get(), kEpoch, kSkew).error,
            CertificateError::unknown_issuer);
  EXPECT_EQ(verifier.verify(forged.certificate.get(), kEpoch, kSkew).error,
            CertificateError::bad_signature);
}

TEST(Certificates, ARevokedCertificateIsRefusedAndOnlyIt) {
  Pki pki;
  auto kept = pki.ca.issue(gateway_subject(), kEpoch, kEpoch + kYear, "a");
  auto revoked = pki.ca.issue(gateway_subject(), kEpoch, kEpoch + kYear, "b");
  pki.ca.revoke(revoked.serial);
  CertificateVerifier verifier(pki.ca.certificate(), pki.ca.crl(kEpoch).get());
  EXPECT_EQ(verifier.verify(kept.certificate.get(), kEpoch, kSkew).error, CertificateError::none);
  EXPECT_EQ(verifier.verify(revoked.certificate.get(), kEpoch, kSkew).error,
            CertificateError::revoked);
}

TEST(Certificates, ACrlSignedByAnotherCaIsNotTrusted) {
  Pki pki;
  CertificateAuthority forger(99, "scenario CA", kEpoch, 10 * kYear);
  EXPECT_THROW(CertificateVerifier(pki.ca.certificate(), forger.crl(kEpoch).get()),
               std::invalid_argument);
}

TEST(Certificates, ValidityIsJudgedAtTheGivenTimeWithSkew) {
  Pki pki;
  auto issued = pki.ca.issue(gateway_subject(), kEpoch + 1000, kEpoch + 2000, "gw");
  CertificateVerifier verifier(pki.ca.certificate(), nullptr);
  X509* cert = issued.certificate.get();
  EXPECT_EQ(verifier.verify(cert, kEpoch + 1000 - kSkew, kSkew).error, CertificateError::none);
  EXPECT_EQ(verifier.verify(cert, kEpoch + 1000 - kSkew - 1, kSkew).error,
            CertificateError::not_yet_valid);
  EXPECT_EQ(verifier.verify(cert, kEpoch + 2000 + kSkew - 1, kSkew).error, CertificateError::none);
  EXPECT_EQ(verifier.verify(cert, kEpoch + 2000 + kSkew, kSkew).error, CertificateError::expired);
}

TEST(Certificates, KeysAndCertificatesAreTheSameOnEveryRun) {
  Pki a;
  Pki b;
  EXPECT_EQ(public_key_pem(derive_p256_key(42, "device/gw").get()),
            public_key_pem(derive_p256_key(42, "device/gw").get()));
  EXPECT_NE(public_key_pem(derive_p256_key(42, "device/gw").get()),
            public_key_pem(derive_p256_key(43, "device/gw").get()));
  // Same CA key, so a certificate of one run verifies against the other's CA.
  auto issued = a.ca.issue(gateway_subject(), kEpoch, kEpoch + kYear, "gw");
  CertificateVerifier verifier(b.ca.certificate(), nullptr);
  EXPECT_EQ(verifier.verify(issued.certificate.get(), kEpoch, kSkew).error, CertificateError::none);
}

TEST(Certificates, PemOutputHasTheStandardArmour) {
  Pki pki;
  EXPECT_EQ(certificate_pem(pki.ca.certificate()).rfind("-----BEGIN CERTIFICATE-----", 0), 0u);
  EXPECT_EQ(crl_pem(pki.ca.crl(kEpoch).get()).rfind("-----BEGIN X509 CRL-----", 0), 0u);
}

}  // namespace
}  // namespace mqttbed::identity

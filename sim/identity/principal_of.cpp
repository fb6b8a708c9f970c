#include "sim/identity/principal_of.h"

#include "sim/policy/variables.h"

namespace mqttbed::identity {
namespace {

std::string value_of(const policy::Principal& principal, const std::string& name) {
  auto it = principal.values.find(name);
  return it == principal.values.end() ? "" : it->second;
}

std::string cert(const char* attribute) {
  return std::string(policy::kCertificatePrefix) + attribute;
}
std::string claim(const char* name) { return std::string(policy::kClaimPrefix) + name; }

}  // namespace

policy::Principal principal_from_certificate(const CertificateSubject& subject, std::string kind) {
  policy::Principal p;
  p.source = policy::Principal::Source::certificate;
  p.kind = std::move(kind);
  for_each_attribute(subject, [&](const char* name, const std::string& value) {
    if (!value.empty()) p.values[cert(name)] = value;
  });
  p.values["principal:pid"] = subject.partner_id;
  if (subject.account_id.empty()) {  // the platform's own service certificate
    p.source = policy::Principal::Source::service;
    p.thing_name = subject.common_name;
  } else {
    p.values["principal:aid"] = subject.account_id;
    p.thing_name = subject.account_id + "-" + subject.common_name;
  }
  return p;
}

policy::Principal principal_from_claims(const JwtClaims& claims, std::string kind) {
  policy::Principal p;
  p.source = policy::Principal::Source::token;
  p.kind = std::move(kind);
  p.thing_name = claims.aid + "-" + claims.sub;
  p.values[claim("pid")] = claims.pid;
  p.values[claim("aid")] = claims.aid;
  p.values[claim("jti")] = claims.jti;
  p.values[claim("sub")] = claims.sub;
  p.values["principal:pid"] = claims.pid;
  p.values["principal:aid"] = claims.aid;
  return p;
}

CertificateSubject subject_for(const policy::Principal& principal) {
  CertificateSubject subject;
  subject.partner_id = value_of(principal, cert("Organization"));
  subject.account_id = value_of(principal, cert("OrganizationalUnit"));
  subject.common_name = value_of(principal, cert("CommonName"));
  subject.installation_id = value_of(principal, cert("SerialNumber"));
  subject.mac = value_of(principal, cert("UID"));
  return subject;
}

JwtClaims claims_for(const policy::Principal& principal) {
  JwtClaims claims;
  claims.pid = value_of(principal, claim("pid"));
  claims.aid = value_of(principal, claim("aid"));
  claims.sub = value_of(principal, claim("sub"));
  claims.jti = value_of(principal, claim("jti"));
  return claims;
}

}  // namespace mqttbed::identity

// From a verified credential to the principal the policy evaluates, and back: the subject or
// claims a fleet principal's credential must carry. The client id is derived, never chosen:
// {OU}-{CN} for a certificate, {aid}-{sub} for a token (the talk's "CID generated from the
// principal information").
#pragma once

#include <string>

#include "sim/identity/certificates.h"
#include "sim/identity/jwt.h"
#include "sim/policy/principal.h"

namespace mqttbed::identity {

policy::Principal principal_from_certificate(const CertificateSubject& subject, std::string kind);
policy::Principal principal_from_claims(const JwtClaims& claims, std::string kind);

// The inverse, for the issuer: what to put in a certificate or token for `principal`
// (scenario::fleet_principal's).
CertificateSubject subject_for(const policy::Principal& principal);
// iat/nbf/exp and jti are the issuer's to set.
JwtClaims claims_for(const policy::Principal& principal);

}  // namespace mqttbed::identity

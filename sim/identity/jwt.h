// App identity tokens as the talk's mobile clients hold them: compact JWS (RFC 7515/7519)
// signed ES256 (RFC 7518 §3.4: P-256, SHA-256, raw r||s) carrying pid, aid, jti, sub, iat,
// nbf and exp. Signing, and the custom authorizer's verification against virtual time.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "sim/identity/openssl_handles.h"

namespace mqttbed::identity {

// Times are seconds since the Unix epoch (the scenario maps virtual time onto it).
struct JwtClaims {
  std::string pid;  // partner id (the MSO)
  std::string aid;  // account id
  std::string jti;  // token id, new on every refresh
  std::string sub;  // the app installation within the account ("app0")
  std::int64_t iat = 0;
  std::int64_t nbf = 0;
  std::int64_t exp = 0;
};

std::string base64url_encode(std::string_view bytes);
// nullopt-like: returns false on characters outside the URL-safe alphabet or bad padding.
bool base64url_decode(std::string_view text, std::string* bytes);

// "header.payload.signature" with {"alg":"ES256","typ":"JWT","kid":kid}.
std::string sign_es256(const JwtClaims& claims, EVP_PKEY* key, std::string_view kid);
// An unsecured token, {"alg":"none"} and an empty signature (RFC 7519 §6): what an intruder
// presents hoping the authorizer skips verification.
std::string unsecured_token(const JwtClaims& claims);

enum class TokenError {
  none,
  malformed,        // not three base64url parts of JSON objects
  unsupported_alg,  // anything but ES256, "none" included (RFC 8725 §3.1)
  unknown_key,      // no key for the header's kid
  bad_signature,
  missing_claim,  // pid, aid, jti, sub, iat or exp absent or mistyped
  not_yet_valid,  // nbf (or iat) later than now + skew
  expired,        // exp at or before now - skew
};
const char* to_string(TokenError error);

struct TokenCheck {
  TokenError error = TokenError::malformed;
  JwtClaims claims;  // filled when the payload parsed, even if a later check failed
};

// The identity provider's public keys by kid, and the check the custom authorizer runs.
class TokenVerifier {
 public:
  void add_key(std::string kid, PkeyPtr public_key);
  TokenCheck verify(std::string_view token, std::int64_t now_s, std::int64_t skew_s) const;

 private:
  std::map<std::string, PkeyPtr, std::less<>> keys_;
};

}  // namespace mqttbed::identity

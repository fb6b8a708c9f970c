// ES256 tokens: what the custom authorizer accepts and each way a token is refused.
#include "sim/identity/jwt.h"

#include <gtest/gtest.h>

#include "sim/identity/keys.h"

namespace mqttbed::identity {
namespace {

constexpr std::int64_t kSkew = 30;

JwtClaims claims(std::int64_t iat, std::int64_t exp) {
  return JwtClaims{"xfinity", "acct3", "jti-1", "app0", iat, 0, exp};
}

struct Issuer {
  PkeyPtr key = derive_p256_key(7, "issuer");
  TokenVerifier verifier;
  Issuer() { verifier.add_key("k1", public_key_of(key.get())); }
};

TEST(Jwt, Base64UrlRoundTripsEveryLength) {
  for (std::string bytes : {"", "a", "ab", "abc", "abcd", "\xff\xfe\x00\x01"}) {
    std::string back;
    ASSERT_TRUE(base64url_decode(base64url_encode(bytes), &back));
    EXPECT_EQ(back, bytes);
  }
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");  // URL-safe alphabet, no padding
  std::string out;
  EXPECT_FALSE(base64url_decode("ab=c", &out));
  EXPECT_FALSE(base64url_decode("a", &out));
}

TEST(Jwt, SignedTokenVerifiesAndCarriesItsClaims) {
  Issuer issuer;
  const std::string token = sign_es256(claims(1000, 4600), issuer.key.get(), "k1");
  TokenCheck check = issuer.verifier.verify(token, 2000, kSkew);
  EXPECT_EQ(check.error, TokenError::none);
  EXPECT_EQ(check.claims.pid, "xfinity");
  EXPECT_EQ(check.claims.aid, "acct3");
  EXPECT_EQ(check.claims.jti, "jti-1");
  EXPECT_EQ(check.claims.sub, "app0");
  EXPECT_EQ(check.claims.iat, 1000);
  EXPECT_EQ(check.claims.exp, 4600);
}

TEST(Jwt, SignatureIsRawRAndSOfSixtyFourBytes) {
  Issuer issuer;
  const std::string token = sign_es256(claims(1000, 4600), issuer.key.get(), "k1");
  std::string signature;
  ASSERT_TRUE(base64url_decode(token.substr(token.rfind('.') + 1), &signature));
  EXPECT_EQ(signature.size(), 64u);  // RFC 7518 §3.4, not DER
}

TEST(Jwt, ExpiryHonoursTheClockSkewBothWays) {
  Issuer issuer;
  const std::string token = sign_es256(claims(1000, 4600), issuer.key.get(), "k1");
  EXPECT_EQ(issuer.verifier.verify(token, 4600 + kSkew - 1, kSkew).error, TokenError::none);
  EXPECT_EQ(issuer.verifier.verify(token, 4600 + kSkew, kSkew).error, TokenError::expired);
  EXPECT_EQ(issuer.verifier.verify(token, 1000 - kSkew, kSkew).error, TokenError::none);
  EXPECT_EQ(issuer.verifier.verify(token, 1000 - kSkew - 1, kSkew).error,
            TokenError::not_yet_valid);
}

TEST(Jwt, TokenOfAnUnknownKeyIsRefused) {
  Issuer issuer;
  PkeyPtr stranger = derive_p256_key(7, "someone else");
  // Same kid, another key: the signature does not verify.
  EXPECT_EQ(
      issuer.verifier.verify(sign_es256(claims(1000, 4600), stranger.get(), "k1"), 2000, kSkew)
          .error,
      TokenError::bad_signature);
  EXPECT_EQ(
      issuer.verifier.verify(sign_es256(claims(1000, 4600), stranger.get(), "k9"), 2000, kSkew)
          .error,
      TokenError::unknown_key);
}

TEST(Jwt, AlgNoneIsRefused) {
  Issuer issuer;
  TokenCheck check = issuer.verifier.verify(unsecured_token(claims(1000, 4600)), 2000, kSkew);
  EXPECT_EQ(check.error, TokenError::unsupported_alg);
  EXPECT_EQ(check.claims.aid, "acct3");  // what it claimed, for the history
}

TEST(Jwt, TamperedClaimsAreRefused) {
  Issuer issuer;
  const std::string token = sign_es256(claims(1000, 4600), issuer.key.get(), "k1");
  JwtClaims other = claims(1000, 4600);
  other.aid = "acct4";
  PkeyPtr stranger = derive_p256_key(7, "someone else");
  const std::string donor = sign_es256(other, stranger.get(), "k1");
  auto payload = [](const std::string& t) {
    const std::size_t dot1 = t.find('.');
    return std::pair(dot1, t.find('.', dot1 + 1));
  };
  const auto [a1, a2] = payload(token);
  const auto [b1, b2] = payload(donor);
  // The issuer's header and signature around another account's claims.
  const std::string forged =
      token.substr(0, a1 + 1) + donor.substr(b1 + 1, b2 - b1 - 1) + token.substr(a2);
  EXPECT_EQ(issuer.verifier.verify(forged, 2000, kSkew).error, TokenError::bad_signature);
}

TEST(Jwt, MalformedTokensAreRefused) {
  Issuer issuer;
  for (const char* token : {"", "a.b", "a.b.c.d", "!!.??.xx", "e30.e30"}) {
    EXPECT_EQ(issuer.verifier.verify(token, 2000, kSkew).error, TokenError::malformed) << token;
  }
}

TEST(Jwt, MissingClaimsAreRefusedAfterTheSignature) {
  Issuer issuer;
  JwtClaims partial = claims(1000, 4600);
  partial.aid.clear();
  EXPECT_EQ(issuer.verifier.verify(sign_es256(partial, issuer.key.get(), "k1"), 2000, kSkew).error,
            TokenError::missing_claim);
}

}  // namespace
}  // namespace mqttbed::identity

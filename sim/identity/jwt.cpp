#include "sim/identity/jwt.h"

#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <algorithm>
#include <nlohmann/json.hpp>

namespace mqttbed::identity {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::size_t kCoordinateBytes = 32;  // P-256

using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, OpenSslDeleter<EVP_MD_CTX_free>>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, OpenSslDeleter<ECDSA_SIG_free>>;

std::string claims_json(const JwtClaims& claims) {
  nlohmann::json payload = {{"pid", claims.pid}, {"aid", claims.aid}, {"jti", claims.jti},
                            {"sub", claims.sub}, {"iat", claims.iat}, {"exp", claims.exp}};
  if (claims.nbf != 0) payload["nbf"] = claims.nbf;
  return payload.dump();
}

// RFC 7518 §3.4: the JWS signature is r and s as fixed 32-byte big-endian numbers, not the
// DER SEQUENCE OpenSSL produces.
std::string der_to_raw(const unsigned char* der, std::size_t size) {
  const unsigned char* cursor = der;
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(size)));
  if (!sig) throw_openssl("d2i_ECDSA_SIG");
  std::string raw(2 * kCoordinateBytes, '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), out, kCoordinateBytes) < 0 ||
      BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), out + kCoordinateBytes, kCoordinateBytes) < 0) {
    throw_openssl("BN_bn2binpad");
  }
  return raw;
}

bool raw_to_der(std::string_view raw, std::string* der) {
  if (raw.size() != 2 * kCoordinateBytes) return false;
  const auto* in = reinterpret_cast<const unsigned char*>(raw.data());
  BIGNUM* r = BN_bin2bn(in, kCoordinateBytes, nullptr);
  BIGNUM* s = BN_bin2bn(in + kCoordinateBytes, kCoordinateBytes, nullptr);
  EcdsaSigPtr sig(ECDSA_SIG_new());
  if (!r || !s || !sig || !ECDSA_SIG_set0(sig.get(), r, s)) {
    BN_free(r);
    BN_free(s);
    return false;
  }
  unsigned char* out = nullptr;
  const int size = i2d_ECDSA_SIG(sig.get(), &out);
  if (size <= 0) return false;
  der->assign(reinterpret_cast<const char*>(out), static_cast<std::size_t>(size));
  OPENSSL_free(out);
  return true;
}

bool read_string(const nlohmann::json& j, const char* key, std::string* out) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return false;
  *out = it->get<std::string>();
  return !out->empty();
}

bool read_time(const nlohmann::json& j, const char* key, std::int64_t* out) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer()) return false;
  *out = it->get<std::int64_t>();
  return true;
}

bool parse_json_object(std::string_view part, nlohmann::json* out) {
  std::string text;
  if (!base64url_decode(part, &text)) return false;
  *out = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  return out->is_object();
}

}  // namespace

std::string base64url_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(buffer >> bits) & 0x3f]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (6 - bits)) & 0x3f]);
  return out;
}

bool base64url_decode(std::string_view text, std::string* bytes) {
  bytes->clear();
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    const std::size_t value = kAlphabet.find(c);
    if (value == std::string_view::npos) return false;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes->push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  // A lone trailing character (6 bits) cannot end a base64url text (RFC 4648 §5).
  return bits < 6;
}

std::string sign_es256(const JwtClaims& claims, EVP_PKEY* key, std::string_view kid) {
  const nlohmann::json header = {{"alg", "ES256"}, {"typ", "JWT"}, {"kid", std::string(kid)}};
  const std::string signing_input =
      base64url_encode(header.dump()) + "." + base64url_encode(claims_json(claims));
  MdCtxPtr ctx(EVP_MD_CTX_new());
  std::size_t der_size = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) <= 0 ||
      EVP_DigestSign(ctx.get(), nullptr, &der_size,
                     reinterpret_cast<const unsigned char*>(signing_input.data()),
                     signing_input.size()) <= 0) {
    throw_openssl("EVP_DigestSign");
  }
  std::string der(der_size, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(der.data()), &der_size,
                     reinterpret_cast<const unsigned char*>(signing_input.data()),
                     signing_input.size()) <= 0) {
    throw_openssl("EVP_DigestSign");
  }
  const std::string raw = der_to_raw(reinterpret_cast<const unsigned char*>(der.data()), der_size);
  return signing_input + "." + base64url_encode(raw);
}

std::string unsecured_token(const JwtClaims& claims) {
  const nlohmann::json header = {{"alg", "none"}, {"typ", "JWT"}};
  return base64url_encode(header.dump()) + "." + base64url_encode(claims_json(claims)) + ".";
}

const char* to_string(TokenError error) {
  switch (error) {
    case TokenError::none:
      return "valid";
    case TokenError::malformed:
      return "malformed";
    case TokenError::unsupported_alg:
      return "unsupported alg";
    case TokenError::unknown_key:
      return "unknown signing key";
    case TokenError::bad_signature:
      return "bad signature";
    case TokenError::missing_claim:
      return "missing claim";
    case TokenError::not_yet_valid:
      return "not yet valid";
    case TokenError::expired:
      return "expired";
  }
  return "?";
}

void TokenVerifier::add_key(std::string kid, PkeyPtr public_key) {
  keys_[std::move(kid)] = std::move(public_key);
}

TokenCheck TokenVerifier::verify(std::string_view token, std::int64_t now_s,
                                 std::int64_t skew_s) const {
  TokenCheck check;
  const std::size_t dot1 = token.find('.');
  const std::size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return check;
  }
  nlohmann::json header;
  nlohmann::json payload;
  if (!parse_json_object(token.substr(0, dot1), &header) ||
      !parse_json_object(token.substr(dot1 + 1, dot2 - dot1 - 1), &payload)) {
    return check;
  }
  JwtClaims& c = check.claims;
  const bool claims_ok =
      read_string(payload, "pid", &c.pid) && read_string(payload, "aid", &c.aid) &&
      read_string(payload, "jti", &c.jti) && read_string(payload, "sub", &c.sub) &&
      read_time(payload, "iat", &c.iat) && read_time(payload, "exp", &c.exp);
  if (payload.contains("nbf") && !read_time(payload, "nbf", &c.nbf)) {
    check.error = TokenError::missing_claim;
    return check;
  }
  std::string alg;
  std::string kid;
  // RFC 8725 §3.1: the verifier fixes the algorithm; "none" and every other alg are refused.
  if (!read_string(header, "alg", &alg) || alg != "ES256") {
    check.error = TokenError::unsupported_alg;
    return check;
  }
  read_string(header, "kid", &kid);
  auto key = keys_.find(kid);
  if (key == keys_.end()) {
    check.error = TokenError::unknown_key;
    return check;
  }
  std::string raw;
  std::string der;
  if (!base64url_decode(token.substr(dot2 + 1), &raw) || !raw_to_der(raw, &der)) {
    check.error = TokenError::bad_signature;
    return check;
  }
  MdCtxPtr ctx(EVP_MD_CTX_new());
  const std::string_view signing_input = token.substr(0, dot2);
  if (!ctx ||
      EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key->second.get()) <= 0 ||
      EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(der.data()), der.size(),
                       reinterpret_cast<const unsigned char*>(signing_input.data()),
                       signing_input.size()) != 1) {
    ERR_clear_error();  // a forged signature is an answer, not a failure to keep queued
    check.error = TokenError::bad_signature;
    return check;
  }
  if (!claims_ok) {
    check.error = TokenError::missing_claim;
  } else if (std::max(c.nbf, c.iat) > now_s + skew_s) {
    check.error = TokenError::not_yet_valid;
  } else if (c.exp <= now_s - skew_s) {  // RFC 7519 §4.1.4: on or after exp, refused
    check.error = TokenError::expired;
  } else {
    check.error = TokenError::none;
  }
  return check;
}

}  // namespace mqttbed::identity

#include "sim/identity/identity_provider.h"

#include <array>
#include <stdexcept>
#include <utility>

#include "sim/identity/keys.h"
#include "sim/identity/principal_of.h"
#include "sim/scenario/client_id.h"
#include "sim/scenario/principal_scheme.h"

namespace mqttbed::identity {
namespace {

constexpr std::int64_t kCaLifetimeS = 20LL * 365 * 86'400;
constexpr const char* kKeyId = "scenario-idp-1";

std::int64_t seconds(Duration d) {
  return std::chrono::duration_cast<std::chrono::seconds>(d).count();
}

}  // namespace

std::int64_t unix_seconds(Duration virtual_time) { return kScenarioEpochS + seconds(virtual_time); }

const char* to_string(Forgery forgery) {
  switch (forgery) {
    case Forgery::expired_token:
      return "expired token";
    case Forgery::unknown_key_token:
      return "token signed by an unknown key";
    case Forgery::unsigned_token:
      return "unsigned token (alg none)";
    case Forgery::unknown_ca_certificate:
      return "certificate from an unknown CA";
    case Forgery::revoked_certificate:
      return "revoked certificate";
    case Forgery::mismatched_certificate:
      return "certificate whose attributes name another device";
  }
  return "?";
}

namespace {
constexpr std::array<std::pair<Forgery, const char*>, 6> kForgeryNames = {{
    {Forgery::expired_token, "expired_token"},
    {Forgery::unknown_key_token, "unknown_key_token"},
    {Forgery::unsigned_token, "unsigned_token"},
    {Forgery::unknown_ca_certificate, "unknown_ca_certificate"},
    {Forgery::revoked_certificate, "revoked_certificate"},
    {Forgery::mismatched_certificate, "mismatched_certificate"},
}};
}  // namespace

const char* name_of(Forgery forgery) {
  for (const auto& [f, name] : kForgeryNames)
    if (f == forgery) return name;
  return "?";
}

std::optional<Forgery> parse_forgery(std::string_view name) {
  for (const auto& [f, n] : kForgeryNames)
    if (name == n) return f;
  return std::nullopt;
}

std::string mismatched_subject_of(const std::string& client_id) {
  auto parts = scenario::parse_client_id(client_id);
  if (!parts || parts->account < 0) throw std::invalid_argument("no account in " + client_id);
  const int other = parts->account + 1;
  return parts->home >= 0 ? scenario::home_client_id(other, parts->home, parts->kind, parts->index)
                          : scenario::account_client_id(other, parts->kind, parts->index);
}

struct IdentityProvider::State {
  scenario::IdentitySettings settings;
  std::uint64_t seed;
  CertificateAuthority ca;
  CertificateAuthority stranger_ca;
  PkeyPtr token_key;
  PkeyPtr stranger_token_key;
  TokenVerifier tokens;
  std::map<std::string, IssuedCertificate, std::less<>> certificates;  // by reference
  std::map<std::string, std::string> certificate_of_client;
  std::map<std::string, int> tokens_issued;
  std::unique_ptr<CertificateVerifier> verifier;              // rebuilt after a revocation
  std::unique_ptr<CertificateVerifier> verifier_without_crl;  // Laxity::ignore_revocation

  State(const scenario::IdentitySettings& s, std::uint64_t seed_)
      : settings(s),
        seed(seed_),
        ca(seed_, "mqttbed scenario CA", kScenarioEpochS, kCaLifetimeS),
        stranger_ca(seed_, "mqttbed intruder CA", kScenarioEpochS, kCaLifetimeS),
        token_key(derive_p256_key(seed_, "idp")),
        stranger_token_key(derive_p256_key(seed_, "idp/stranger")) {
    tokens.add_key(kKeyId, public_key_of(token_key.get()));
  }

  std::string store(IssuedCertificate issued, const std::string& issuer) {
    std::string reference = issuer + "#" + std::to_string(issued.serial);
    certificates.emplace(reference, std::move(issued));
    return reference;
  }

  std::string issue(CertificateAuthority& authority, const std::string& client_id,
                    const std::string& label) {
    auto principal = scenario::fleet_principal(client_id, settings.partner_id, seed);
    if (!principal) throw std::invalid_argument("no identity for client id " + client_id);
    const std::int64_t lifetime = seconds(settings.certificate_lifetime);
    return store(authority.issue(subject_for(*principal), kScenarioEpochS,
                                 kScenarioEpochS + lifetime, label + client_id),
                 authority.name());
  }

  std::string token(const std::string& client_id, Duration now, EVP_PKEY* key, bool sign,
                    Duration lifetime) {
    auto principal = scenario::fleet_principal(client_id, settings.partner_id, seed);
    if (!principal) throw std::invalid_argument("no identity for client id " + client_id);
    JwtClaims claims = claims_for(*principal);
    const int n = tokens_issued[client_id]++;
    claims.jti = scenario::installation_uuid(seed, client_id + "#" + std::to_string(n));
    claims.iat = unix_seconds(now);
    claims.exp = unix_seconds(now + lifetime);
    return sign ? sign_es256(claims, key, kKeyId) : unsecured_token(claims);
  }

  const CertificateVerifier& certificate_verifier() {
    if (!verifier) {
      verifier =
          std::make_unique<CertificateVerifier>(ca.certificate(), ca.crl(kScenarioEpochS).get());
    }
    return *verifier;
  }
};

IdentityProvider::IdentityProvider(const scenario::IdentitySettings& settings, std::uint64_t seed)
    : state_(std::make_unique<State>(settings, seed)) {}

IdentityProvider::~IdentityProvider() = default;

X509* IdentityProvider::ca_certificate() const { return state_->ca.certificate(); }

Credentials IdentityProvider::credentials_for(const std::string& client_id, Duration now) {
  auto parts = scenario::parse_client_id(client_id);
  if (!parts) throw std::invalid_argument("no identity for client id " + client_id);
  Credentials credentials;
  if (parts->account >= 0 && parts->home < 0) {
    credentials.token = state_->token(client_id, now, state_->token_key.get(), true,
                                      state_->settings.token_lifetime);
    return credentials;
  }
  auto it = state_->certificate_of_client.find(client_id);
  if (it == state_->certificate_of_client.end()) {
    it = state_->certificate_of_client.emplace(client_id, state_->issue(state_->ca, client_id, ""))
             .first;
  }
  credentials.certificate = it->second;
  return credentials;
}

Credentials IdentityProvider::forged(const std::string& client_id, Forgery forgery, Duration now) {
  Credentials credentials;
  State& s = *state_;
  switch (forgery) {
    case Forgery::expired_token:
      // Issued a lifetime and a skew ago, so it expired just before now.
      credentials.token =
          s.token(client_id,
                  now - s.settings.token_lifetime - s.settings.clock_skew - std::chrono::seconds(1),
                  s.token_key.get(), true, s.settings.token_lifetime);
      break;
    case Forgery::unknown_key_token:
      credentials.token =
          s.token(client_id, now, s.stranger_token_key.get(), true, s.settings.token_lifetime);
      break;
    case Forgery::unsigned_token:
      credentials.token = s.token(client_id, now, nullptr, false, s.settings.token_lifetime);
      break;
    case Forgery::unknown_ca_certificate:
      credentials.certificate = s.issue(s.stranger_ca, client_id, "stranger/");
      break;
    case Forgery::revoked_certificate: {
      credentials.certificate = s.issue(s.ca, client_id, "revoked/");
      s.ca.revoke(s.certificates.at(credentials.certificate).serial);
      s.verifier.reset();
      break;
    }
    case Forgery::mismatched_certificate:
      credentials.certificate = s.issue(s.ca, mismatched_subject_of(client_id), "mismatched/");
      break;
  }
  return credentials;
}

Authentication IdentityProvider::authenticate(const Credentials& presented, Duration now,
                                              Laxity laxity) {
  State& s = *state_;
  Authentication result;
  const std::int64_t now_s = unix_seconds(now);
  const std::int64_t skew_s = seconds(s.settings.clock_skew);
  if (laxity.ignore_revocation && !s.verifier_without_crl)
    s.verifier_without_crl = std::make_unique<CertificateVerifier>(s.ca.certificate(), nullptr);
  if (!presented.certificate.empty()) {
    auto it = s.certificates.find(presented.certificate);
    if (it == s.certificates.end()) {
      result.reason = "certificate unknown to the TLS layer";
      return result;
    }
    const CertificateVerifier& verifier =
        laxity.ignore_revocation ? *s.verifier_without_crl : s.certificate_verifier();
    CertificateCheck check = verifier.verify(it->second.certificate.get(), now_s, skew_s);
    if (check.error != CertificateError::none) {
      result.reason = std::string("certificate ") + to_string(check.error);
      return result;
    }
    policy::Principal principal = principal_from_certificate(check.subject, "");
    if (auto parts = scenario::parse_client_id(principal.thing_name)) principal.kind = parts->kind;
    result.outcome = Authentication::Outcome::accepted;
    result.principal = std::move(principal);
    return result;
  }
  if (presented.token.empty()) {
    result.reason = "no credential";
    return result;
  }
  // A century of tolerance is a verifier that never looks at exp.
  constexpr std::int64_t kCenturyS = 100LL * 365 * 86'400;
  TokenCheck check =
      s.tokens.verify(presented.token, now_s, laxity.ignore_token_expiry ? kCenturyS : skew_s);
  if (check.error != TokenError::none) {
    result.reason = std::string("token ") + to_string(check.error);
    return result;
  }
  policy::Principal principal = principal_from_claims(check.claims, "");
  if (auto parts = scenario::parse_client_id(principal.thing_name)) principal.kind = parts->kind;
  result.outcome = Authentication::Outcome::accepted;
  result.principal = std::move(principal);
  if (!laxity.ignore_token_expiry)
    result.expires = std::chrono::seconds(check.claims.exp + skew_s - kScenarioEpochS);
  return result;
}

IdentityProvider::PemPair IdentityProvider::certificate_pem(const std::string& reference) const {
  auto it = state_->certificates.find(reference);
  if (it == state_->certificates.end()) throw std::invalid_argument("no certificate " + reference);
  return {identity::certificate_pem(it->second.certificate.get()),
          private_key_pem(it->second.key.get())};
}

std::string IdentityProvider::crl_pem(std::int64_t at_s) const {
  return identity::crl_pem(state_->ca.crl(at_s).get());
}

std::string IdentityProvider::token_key_pem() const {
  return public_key_pem(state_->token_key.get());
}

const char* IdentityProvider::token_key_id() { return kKeyId; }

IdentityProvider::PemPair IdentityProvider::server_certificate(const std::string& host,
                                                               std::int64_t not_before_s,
                                                               std::int64_t not_after_s) {
  IssuedCertificate issued = state_->ca.issue_server(host, not_before_s, not_after_s);
  return {identity::certificate_pem(issued.certificate.get()), private_key_pem(issued.key.get())};
}

}  // namespace mqttbed::identity

// The scenario's identity provider and device PKI in one place: it issues each fleet client
// its credential (deterministically from the seed, on first use) and checks a presented
// credential the way the talk's custom authorizer does, at virtual time. Intruders get their
// bad credentials here too, so a refused attempt is refused by the real check.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "sim/identity/certificates.h"
#include "sim/identity/jwt.h"
#include "sim/policy/principal.h"
#include "sim/scenario/scenario.h"

namespace mqttbed::identity {

using Duration = std::chrono::nanoseconds;

// Virtual time 0 is this Unix time (2026-01-01T00:00:00Z): certificates and tokens carry
// real dates, so the live side can use the same files.
inline constexpr std::int64_t kScenarioEpochS = 1'767'225'600;
std::int64_t unix_seconds(Duration virtual_time);

// What a client presents in CONNECT: a certificate (a reference into the provider's store,
// as the simulation carries no bytes) or a token (the password, as the talk's apps do).
struct Credentials {
  std::string certificate;
  std::string token;
};

// Ways an intruder's credential is wrong (issue 13's list).
enum class Forgery {
  expired_token,
  unknown_key_token,       // signed by a key the provider never published
  unsigned_token,          // alg: none
  unknown_ca_certificate,  // issued by a CA the broker does not trust
  revoked_certificate,     // issued by the scenario CA, then revoked
  // Issued by the scenario CA, valid, but its subject names a device of another account: the
  // client id derived from it is not the CONNECT's (refused by iot:Connect, CONNACK 5).
  mismatched_certificate,
};
const char* to_string(Forgery forgery);
// The enumerator's name ("expired_token", ...): what ConnectOptions::forged_credential and
// the history's attempt kinds carry.
const char* name_of(Forgery forgery);
// nullopt when `name` is no forgery's name.
std::optional<Forgery> parse_forgery(std::string_view name);
// The device whose attributes a mismatched certificate presented as `client_id` carries: the
// same device number in the next account ("acct0-home0-intruder0" -> "acct1-home0-intruder0").
std::string mismatched_subject_of(const std::string& client_id);

struct Authentication {
  enum class Outcome { accepted, bad_credentials };
  Outcome outcome = Outcome::bad_credentials;
  std::string reason;  // "token expired", "certificate revoked", ...
  std::optional<policy::Principal> principal;
  std::optional<Duration> expires;  // a token's exp in virtual time: the broker may disconnect
};

// Test-only laxness, for the broker model's mutations that prove a checker catches a broker
// that skips a check (ignore_token_expiry, ignore_revocation).
struct Laxity {
  bool ignore_token_expiry = false;
  bool ignore_revocation = false;
};

class IdentityProvider {
 public:
  IdentityProvider(const scenario::IdentitySettings& settings, std::uint64_t seed);
  ~IdentityProvider();

  // The credential `client_id`'s kind holds: its certificate (home devices, the shadow
  // service) or a token issued at `now` (apps; every call is a refresh with a new jti).
  Credentials credentials_for(const std::string& client_id, Duration now);
  // A bad credential in the name of `client_id`.
  Credentials forged(const std::string& client_id, Forgery forgery, Duration now);

  // Certificate first when both are given (TLS comes before CONNECT).
  Authentication authenticate(const Credentials& presented, Duration now, Laxity laxity = {});

  X509* ca_certificate() const;

  // PEM texts for the live side (pki_files.h), so a real broker and its clients hold the very
  // identities the simulation uses.
  struct PemPair {
    std::string certificate;
    std::string key;  // PKCS#8, unencrypted (a test PKI)
  };
  // The certificate and private key behind a reference credentials_for() or forged() returned.
  PemPair certificate_pem(const std::string& reference) const;
  // The CA's CRL (every certificate forged() revoked so far), signed at Unix time `at_s`.
  std::string crl_pem(std::int64_t at_s) const;
  // The public key tokens are verified with, and the kid their header names.
  std::string token_key_pem() const;
  static const char* token_key_id();
  // A broker's TLS server certificate for `host`, from the scenario CA.
  PemPair server_certificate(const std::string& host, std::int64_t not_before_s,
                             std::int64_t not_after_s);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace mqttbed::identity

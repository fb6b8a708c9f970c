// Test-PKI keys derived from the scenario seed: the same scenario and seed give the same CA,
// device and token-issuer keys on every run, with no key files to keep. Never for production.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "sim/identity/openssl_handles.h"

namespace mqttbed::identity {

// A P-256 key pair whose private scalar is SHA-256(seed, label) (re-hashed in the rare case
// it falls outside [1, n-1]). Distinct labels give independent keys.
PkeyPtr derive_p256_key(std::uint64_t seed, std::string_view label);

std::string public_key_pem(EVP_PKEY* key);
std::string private_key_pem(EVP_PKEY* key);
// The public half alone, as a verifier holds it.
PkeyPtr public_key_of(EVP_PKEY* key);

// SHA-256 of `data`, 32 bytes.
std::string sha256(std::string_view data);

}  // namespace mqttbed::identity

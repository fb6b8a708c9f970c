// The scenario's identities as files, for a live run against a real broker: the CA, its CRL,
// the token-verification key, the broker's TLS server certificate, and each fleet client's
// certificate + key (home devices, the shadow service) or token (apps). Issued by the same
// IdentityProvider the simulation uses, so both runtimes hold the same identities.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "sim/identity/identity_provider.h"
#include "sim/identity/openssl_handles.h"
#include "sim/scenario/scenario.h"

namespace mqttbed::identity {

// File names inside the folder, in one place for the writer, the broker configuration and
// the live clients.
namespace pki_path {
inline constexpr const char* kCa = "ca.crt";
inline constexpr const char* kCrl = "crl.pem";
inline constexpr const char* kTokenKey = "token-key.pem";
inline constexpr const char* kServerCertificate = "server.crt";
inline constexpr const char* kServerKey = "server.key";
std::filesystem::path certificate(const std::string& client_id);  // clients/<id>.crt
std::filesystem::path key(const std::string& client_id);          // clients/<id>.key
std::filesystem::path token(const std::string& client_id);        // clients/<id>.jwt
}  // namespace pki_path

// Writes every file under `dir` (created) and returns their paths in writing order. Tokens
// are issued at wall-clock `now_s` (Unix seconds) for the scenario's token lifetime; the
// server certificate is for `server_host`. Throws std::runtime_error when `now_s` lies outside
// the certificates' validity (the scenario epoch plus identity.certificate_lifetime), since a
// broker would refuse them all.
std::vector<std::filesystem::path> write_pki(IdentityProvider& provider,
                                             const scenario::Scenario& scenario,
                                             const std::filesystem::path& dir, std::int64_t now_s,
                                             const std::string& server_host = "127.0.0.1");

// Every client id of the scenario's fleet that holds an identity, the shadow service included.
std::vector<std::string> identity_holders(const scenario::Scenario& scenario);

// A public key from its PEM text (SubjectPublicKeyInfo); throws std::runtime_error.
PkeyPtr read_public_key_pem(std::string_view pem);

// Writes `text` to `path` (parent folders created); throws std::runtime_error naming it.
void write_text_file(const std::filesystem::path& path, std::string_view text);

}  // namespace mqttbed::identity

#include "sim/identity/pki_files.h"

#include <openssl/pem.h>

#include <chrono>
#include <fstream>
#include <stdexcept>

#include "sim/scenario/client_id.h"
#include "sim/scenario/fleet_layout.h"

namespace mqttbed::identity {

namespace pki_path {
std::filesystem::path certificate(const std::string& client_id) {
  return std::filesystem::path("clients") / (client_id + ".crt");
}
std::filesystem::path key(const std::string& client_id) {
  return std::filesystem::path("clients") / (client_id + ".key");
}
std::filesystem::path token(const std::string& client_id) {
  return std::filesystem::path("clients") / (client_id + ".jwt");
}
}  // namespace pki_path

void write_text_file(const std::filesystem::path& path, std::string_view text) {
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!out.flush()) throw std::runtime_error("cannot write " + path.string());
}

std::vector<std::string> identity_holders(const scenario::Scenario& scenario) {
  std::vector<std::string> ids;
  for (const scenario::DeviceSlot& slot : scenario::layout_fleet(scenario.fleet))
    ids.push_back(slot.client_id);
  ids.emplace_back(scenario::kShadowClientId);
  return ids;
}

std::vector<std::filesystem::path> write_pki(IdentityProvider& provider,
                                             const scenario::Scenario& scenario,
                                             const std::filesystem::path& dir, std::int64_t now_s,
                                             const std::string& server_host) {
  const auto lifetime_s =
      std::chrono::duration_cast<std::chrono::seconds>(scenario.identity.certificate_lifetime)
          .count();
  const std::int64_t not_after_s = kScenarioEpochS + lifetime_s;
  if (now_s < kScenarioEpochS || now_s >= not_after_s) {
    throw std::runtime_error(
        "the scenario's certificates are valid from Unix time " + std::to_string(kScenarioEpochS) +
        " (2026-01-01) for identity.certificate_lifetime, until " + std::to_string(not_after_s) +
        "; the clock reads " + std::to_string(now_s) +
        ": a real broker would refuse them all (raise certificate_lifetime)");
  }
  std::vector<std::filesystem::path> written;
  auto put = [&](const std::filesystem::path& name, const std::string& text) {
    write_text_file(dir / name, text);
    written.push_back(dir / name);
  };
  put(pki_path::kCa, certificate_pem(provider.ca_certificate()));
  put(pki_path::kCrl, provider.crl_pem(now_s));
  put(pki_path::kTokenKey, provider.token_key_pem());
  IdentityProvider::PemPair server = provider.server_certificate(server_host, now_s, not_after_s);
  put(pki_path::kServerCertificate, server.certificate);
  put(pki_path::kServerKey, server.key);
  const Duration now = std::chrono::seconds(now_s - kScenarioEpochS);
  for (const std::string& id : identity_holders(scenario)) {
    Credentials credentials = provider.credentials_for(id, now);
    if (!credentials.certificate.empty()) {
      IdentityProvider::PemPair pair = provider.certificate_pem(credentials.certificate);
      put(pki_path::certificate(id), pair.certificate);
      put(pki_path::key(id), pair.key);
    } else {
      put(pki_path::token(id), credentials.token);
    }
  }
  return written;
}

PkeyPtr read_public_key_pem(std::string_view pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (!bio) throw_openssl("BIO_new_mem_buf");
  PkeyPtr key(PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr));
  BIO_free(bio);
  if (!key) throw_openssl("PEM_read_bio_PUBKEY");
  return key;
}

}  // namespace mqttbed::identity

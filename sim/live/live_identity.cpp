#include "sim/live/live_identity.h"

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "sim/live/broker_address.h"

namespace mqttbed::live {
namespace {

namespace fs = std::filesystem;

// The file names sim/identity/pki_files.h writes (sim/live does not link sim/identity).
fs::path client_file(const LiveOptions& options, const std::string& client_id,
                     const char* extension) {
  return fs::path(options.pki_dir) / "clients" / (client_id + extension);
}

std::string read_token(const fs::path& path) {
  std::ifstream in(path);
  std::string token;
  std::getline(in, token);
  if (token.empty()) throw std::runtime_error("cannot read a token from " + path.string());
  return token;
}

}  // namespace

void apply_identity(::mqtt::connect_options& connect, const LiveOptions& options,
                    const std::string& client_id) {
  std::string trust = options.cafile;
  if (trust.empty() && !options.pki_dir.empty())
    trust = (fs::path(options.pki_dir) / "ca.crt").string();
  if (trust.empty()) return;
  ::mqtt::ssl_options ssl;
  ssl.set_trust_store(trust);
  if (!options.pki_dir.empty()) {
    const fs::path certificate = client_file(options, client_id, ".crt");
    const fs::path token = client_file(options, client_id, ".jwt");
    if (fs::exists(certificate)) {
      ssl.set_key_store(certificate.string());
      ssl.set_private_key(client_file(options, client_id, ".key").string());
      // The certificate is the credential: no user name beside it (the gateway's attribute
      // text), as RabbitMQ refuses a user name without a password instead of using
      // ssl_cert_login (mosquitto's plugin and aedes' hooks read the certificate anyway).
      connect.set_user_name("");
    } else if (fs::exists(token)) {
      connect.set_user_name(client_id);
      connect.set_password(read_token(token));
    } else {
      throw std::runtime_error("--pki " + options.pki_dir + " holds no identity for " + client_id +
                               " (written by mqttbed broker-config for this scenario?)");
    }
  }
  connect.set_ssl(std::move(ssl));
}

std::string identity_uri(const std::string& uri, const LiveOptions& options,
                         const std::string& client_id) {
  if (options.pki_dir.empty() || !fs::exists(client_file(options, client_id, ".jwt"))) return uri;
  BrokerAddress address = parse_broker_url(uri);
  return address.scheme + "://" + address.host + ":" + std::to_string(address.port + 1);
}

}  // namespace mqttbed::live

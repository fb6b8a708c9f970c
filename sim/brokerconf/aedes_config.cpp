#include "sim/brokerconf/aedes_config.h"

#include <nlohmann/json.hpp>

#include "sim/identity/pki_files.h"

namespace mqttbed::brokerconf {

namespace fs = std::filesystem;

std::vector<fs::path> write_aedes_config(identity::IdentityProvider& provider,
                                         const scenario::Scenario& scenario,
                                         const fs::path& out_dir,
                                         const ServedBrokerOptions& options) {
  const fs::path out = fs::absolute(out_dir);
  const fs::path pki = out / "pki";
  std::vector<fs::path> written =
      identity::write_pki(provider, scenario, pki, options.now_s, options.host);
  nlohmann::ordered_json config = {
      {"generated_by", "mqttbed broker-config from " + scenario.file + " (docs/security.md)"},
      {"host", options.host},
      {"certificate_port", options.certificate_port},
      {"token_port", options.token_port},
      {"require_certificate", true},  // on certificate_port; false only in tests' controls
      {"ca", (pki / identity::pki_path::kCa).string()},
      {"crl", (pki / identity::pki_path::kCrl).string()},
      {"cert", (pki / identity::pki_path::kServerCertificate).string()},
      {"key", (pki / identity::pki_path::kServerKey).string()},
      {"authorizer", "http://" + options.authorizer + "/aedes/"},
  };
  identity::write_text_file(out / kAedesConfig, config.dump(2) + "\n");
  written.push_back(out / kAedesConfig);
  return written;
}

}  // namespace mqttbed::brokerconf

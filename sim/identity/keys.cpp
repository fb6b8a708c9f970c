#include "sim/identity/keys.h"

#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/sha.h>

#include <stdexcept>
#include <vector>

namespace mqttbed::identity {

std::string sha256(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof digest);
}

namespace {

using EcGroupPtr = std::unique_ptr<EC_GROUP, OpenSslDeleter<EC_GROUP_free>>;
using EcPointPtr = std::unique_ptr<EC_POINT, OpenSslDeleter<EC_POINT_free>>;
using BnCtxPtr = std::unique_ptr<BN_CTX, OpenSslDeleter<BN_CTX_free>>;
using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, OpenSslDeleter<OSSL_PARAM_BLD_free>>;
using ParamsPtr = std::unique_ptr<OSSL_PARAM, OpenSslDeleter<OSSL_PARAM_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, OpenSslDeleter<EVP_PKEY_CTX_free>>;

// The private scalar: SHA-256 over the seed's 8 bytes, a counter and the label, until it is
// a valid P-256 scalar (the first try fails with probability about 2^-32).
BignumPtr derive_scalar(std::uint64_t seed, std::string_view label, const BIGNUM* order) {
  for (std::uint32_t counter = 0;; ++counter) {
    std::string input;
    for (int i = 0; i < 8; ++i) input.push_back(static_cast<char>((seed >> (8 * i)) & 0xff));
    for (int i = 0; i < 4; ++i) input.push_back(static_cast<char>((counter >> (8 * i)) & 0xff));
    input.append(label);
    const std::string digest = sha256(input);
    BignumPtr d(BN_bin2bn(reinterpret_cast<const unsigned char*>(digest.data()),
                          static_cast<int>(digest.size()), nullptr));
    if (!d) throw_openssl("BN_bin2bn");
    if (!BN_is_zero(d.get()) && BN_cmp(d.get(), order) < 0) return d;
  }
}

}  // namespace

PkeyPtr derive_p256_key(std::uint64_t seed, std::string_view label) {
  // Building the group from its name costs as much as the point multiplication: once per
  // thread.
  thread_local const EcGroupPtr group(EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1));
  if (!group) throw_openssl("EC_GROUP_new_by_curve_name");
  BignumPtr d = derive_scalar(seed, label, EC_GROUP_get0_order(group.get()));
  BnCtxPtr bn_ctx(BN_CTX_new());
  EcPointPtr pub(EC_POINT_new(group.get()));
  if (!bn_ctx || !pub ||
      !EC_POINT_mul(group.get(), pub.get(), d.get(), nullptr, nullptr, bn_ctx.get())) {
    throw_openssl("EC_POINT_mul");
  }
  std::vector<unsigned char> pub_octets(65);
  if (EC_POINT_point2oct(group.get(), pub.get(), POINT_CONVERSION_UNCOMPRESSED, pub_octets.data(),
                         pub_octets.size(), bn_ctx.get()) != pub_octets.size()) {
    throw_openssl("EC_POINT_point2oct");
  }
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bld ||
      !OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, d.get()) ||
      !OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, pub_octets.data(),
                                        pub_octets.size())) {
    throw_openssl("OSSL_PARAM_BLD");
  }
  ParamsPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* key = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
      EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_KEYPAIR, params.get()) <= 0) {
    throw_openssl("EVP_PKEY_fromdata");
  }
  return PkeyPtr(key);
}

std::string public_key_pem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (!bio || !PEM_write_bio_PUBKEY(bio, key)) throw_openssl("PEM_write_bio_PUBKEY");
  return take_bio_text(bio);
}

std::string private_key_pem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (!bio || !PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr)) {
    throw_openssl("PEM_write_bio_PrivateKey");
  }
  return take_bio_text(bio);
}

PkeyPtr public_key_of(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  const int size = i2d_PUBKEY(key, &der);
  if (size <= 0) throw_openssl("i2d_PUBKEY");
  const unsigned char* cursor = der;
  PkeyPtr pub(d2i_PUBKEY(nullptr, &cursor, size));
  OPENSSL_free(der);
  if (!pub) throw_openssl("d2i_PUBKEY");
  return pub;
}

}  // namespace mqttbed::identity

// Owning handles for the OpenSSL objects sim/identity uses, and the one way it reports an
// OpenSSL failure (an exception naming the call and OpenSSL's own reason).
#pragma once

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

namespace mqttbed::identity {

template <auto free_fn>
struct OpenSslDeleter {
  template <class T>
  void operator()(T* p) const {
    free_fn(p);
  }
};

using PkeyPtr = std::unique_ptr<EVP_PKEY, OpenSslDeleter<EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, OpenSslDeleter<X509_free>>;
using X509CrlPtr = std::unique_ptr<X509_CRL, OpenSslDeleter<X509_CRL_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, OpenSslDeleter<BN_free>>;

// Throws std::runtime_error("<what>: <OpenSSL's first queued error>") and clears the queue.
[[noreturn]] void throw_openssl(const char* what);

// The text a memory BIO holds; frees the BIO.
std::string take_bio_text(BIO* bio);

}  // namespace mqttbed::identity

#include "kiosk/core/sync/pinned_tls.hpp"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "ws/cert_pin.hpp"

namespace ws::kiosk {
namespace {

int pin_index() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

}  // namespace

bool PinCheck::install(SSL_CTX* ctx) {
  if (!ctx || pin_index() < 0 || SSL_CTX_set_ex_data(ctx, pin_index(), this) != 1) return false;
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, &PinCheck::check);
  return true;
}

// Called for each certificate of the chain; only the leaf (depth 0) decides. Chain errors (a
// self-signed certificate, an unknown issuer, a host name) do not matter once the leaf is the
// pinned one.
int PinCheck::check(int /*preverified*/, X509_STORE_CTX* store) {
  if (X509_STORE_CTX_get_error_depth(store) != 0) return 1;
  auto* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  auto* self = ssl ? static_cast<PinCheck*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), pin_index())) : nullptr;
  X509* leaf = X509_STORE_CTX_get_current_cert(store);
  if (!self || !leaf) return 0;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (X509_digest(leaf, EVP_sha256(), digest, &size) != 1) return 0;
  const std::string presented = format_pin(digest, size);
  if (presented == self->pin_) {
    X509_STORE_CTX_set_error(store, X509_V_OK);
    return 1;
  }
  self->refused_ = presented;
  return 0;
}

}  // namespace ws::kiosk

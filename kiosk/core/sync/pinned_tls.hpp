#pragma once
// Certificate pinning for the kiosk's TLS client: the handshake succeeds only when the server's
// leaf certificate has the pinned SHA-256 fingerprint. A pinned server may use a self-signed
// certificate: the fingerprint, learnt from HQ at enrolment, is the whole trust decision.
#include <memory>
#include <string>

#include <openssl/ssl.h>

namespace ws::kiosk {

class PinCheck {
 public:
  explicit PinCheck(std::string pin) : pin_(std::move(pin)) {}
  // Makes every handshake on `ctx` call check(); the client must not override the verify mode
  // per connection (httplib does so only while its own verification is on).
  bool install(SSL_CTX* ctx);
  const std::string& pin() const { return pin_; }
  // The fingerprint of the last certificate refused, empty when none was.
  const std::string& refused() const { return refused_; }
  void clear() { refused_.clear(); }

 private:
  static int check(int preverified, X509_STORE_CTX* store);
  std::string pin_;
  std::string refused_;
};

}  // namespace ws::kiosk

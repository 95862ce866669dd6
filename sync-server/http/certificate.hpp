#pragma once
// The server's TLS certificate: making a self-signed one, its fingerprint (what kiosks pin),
// and a certificate/key pair that `serve` reloads on SIGHUP while connections stay open.
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <openssl/ssl.h>

#include "ws/result.hpp"

namespace ws::server {

struct SelfSignedOptions {
  std::string cert_path;
  std::string key_path;            // written with mode 0600
  std::vector<std::string> names;  // host names or IP addresses; the first is also the CN
  int days = 3650;
};

// An ECDSA P-256 key and a self-signed certificate naming every host in `names` (as DNS or IP
// subject alternative names). Refuses to overwrite existing files.
Status make_self_signed_certificate(const SelfSignedOptions& options);

// "sha256:<hex>" of the first certificate in a PEM file.
Result<std::string> certificate_fingerprint(const std::string& cert_path);

// The pair `serve` presents. New handshakes take whatever pair is current when they start, so
// reload() swaps it without touching open connections.
class ServerCertificate {
 public:
  static Result<std::shared_ptr<ServerCertificate>> load(const std::string& cert_path, const std::string& key_path);
  ~ServerCertificate();
  ServerCertificate(const ServerCertificate&) = delete;
  ServerCertificate& operator=(const ServerCertificate&) = delete;

  // Reads the files again; on any problem keeps the current pair and says why.
  Status reload();
  std::string fingerprint() const;
  // Sets up an SSL_CTX (from httplib's SSLServer) to present the current pair on each handshake.
  bool install(SSL_CTX& ctx);

  struct Pair;

 private:
  ServerCertificate(std::string cert_path, std::string key_path);
  std::shared_ptr<const Pair> current() const;
  static int use_current(SSL* ssl, void* self);

  std::string cert_path_;
  std::string key_path_;
  mutable std::mutex mutex_;
  std::shared_ptr<const Pair> pair_;
};

}  // namespace ws::server

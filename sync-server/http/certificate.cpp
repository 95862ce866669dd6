#include "sync-server/http/certificate.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <functional>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "ws/cert_pin.hpp"

namespace ws::server {
namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using KeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
void free_chain(STACK_OF(X509) * chain) { sk_X509_pop_free(chain, X509_free); }
using ChainPtr = std::unique_ptr<STACK_OF(X509), Deleter<STACK_OF(X509), free_chain>>;

bool is_ip_address(const std::string& name) {
  unsigned char buf[sizeof(in6_addr)];
  return inet_pton(AF_INET, name.c_str(), buf) == 1 || inet_pton(AF_INET6, name.c_str(), buf) == 1;
}

bool add_extension(X509* cert, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (!ext) return false;
  const bool added = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return added;
}

Result<X509Ptr> build_certificate(const SelfSignedOptions& o, EVP_PKEY* key) {
  X509Ptr cert(X509_new());
  unsigned char serial[16];
  if (!cert || RAND_bytes(serial, sizeof serial) != 1) return fail("tls_error", "cannot make a certificate");
  serial[0] &= 0x7f;  // a positive serial number
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  const bool serial_set = bn && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  std::string san;
  for (const auto& name : o.names) san += (san.empty() ? "" : ",") + std::string(is_ip_address(name) ? "IP:" : "DNS:") + name;
  X509_NAME* subject = X509_get_subject_name(cert.get());
  const bool ok =
      serial_set && X509_set_version(cert.get(), 2) == 1 &&
      X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) && 
      X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(o.days) * 86400) &&
      X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(o.names.front().c_str()), -1, -1, 0) == 1 &&
      X509_set_issuer_name(cert.get(), subject) == 1 && X509_set_pubkey(cert.get(), key) == 1 &&
      add_extension(cert.get(), NID_subject_alt_name, san) &&
      add_extension(cert.get(), NID_basic_constraints, "critical,CA:TRUE") &&
      add_extension(cert.get(), NID_subject_key_identifier, "hash") &&
      X509_sign(cert.get(), key, EVP_sha256()) > 0;
  if (!ok) return fail("tls_error", "cannot make a certificate for the names given");
  return cert;
}

// The key file is created 0600 before anything is written to it.
Status write_pem(const std::string& path, mode_t mode, const std::function<int(BIO*)>& write) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return fail("io_error", "cannot create " + path + " (it must not exist yet)");
  FILE* file = fdopen(fd, "w");
  if (!file) {
    ::close(fd);
    return fail("io_error", "cannot write " + path);
  }
  BioPtr bio(BIO_new_fp(file, BIO_CLOSE));
  if (!bio) {
    std::fclose(file);
    return fail("io_error", "cannot write " + path);
  }
  const bool written = write(bio.get()) == 1 && BIO_flush(bio.get()) == 1 && fsync(fd) == 0;
  bio.reset();
  if (!written) return fail("io_error", "cannot write " + path);
  return ok();
}

Result<X509Ptr> read_certificate(const std::string& path, ChainPtr* chain) {
  BioPtr bio(BIO_new_file(path.c_str(), "r"));
  if (!bio) return fail("not_found", "cannot read the certificate file " + path);
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) return fail("tls_error", path + " holds no PEM certificate");
  if (chain) {
    chain->reset(sk_X509_new_null());
    while (X509* extra = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) sk_X509_push(chain->get(), extra);
    ERR_clear_error();  // the end of the file reads as an error
  }
  return cert;
}

std::string fingerprint_of(X509* cert) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  X509_digest(cert, EVP_sha256(), digest, &size);
  return format_pin(digest, size);
}

}  // namespace

Status make_self_signed_certificate(const SelfSignedOptions& o) {
  if (o.names.empty()) return fail("usage", "give at least one --name");
  if (o.days < 1) return fail("usage", "--days must be at least 1");
  namespace fs = std::filesystem;
  std::error_code ec;
  for (const auto& path : {o.cert_path, o.key_path}) {
    if (fs::exists(path, ec)) return fail("exists", path + " already exists; remove it or choose another file");
  }
  KeyPtr key(EVP_EC_gen("P-256"));
  if (!key) return fail("tls_error", "cannot generate a key");
  auto cert = build_certificate(o, key.get());
  if (!cert) return fail(cert.error());
  if (auto s = write_pem(o.key_path, 0600, [&](BIO* b) {
        return PEM_write_bio_PrivateKey(b, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
      });
      !s) {
    return s;
  }
  return write_pem(o.cert_path, 0644, [&](BIO* b) { return PEM_write_bio_X509(b, cert->get()); });
}

Result<std::string> certificate_fingerprint(const std::string& cert_path) {
  auto cert = read_certificate(cert_path, nullptr);
  if (!cert) return fail(cert.error());
  return fingerprint_of(cert->get());
}

struct ServerCertificate::Pair {
  X509Ptr cert;
  KeyPtr key;
  ChainPtr chain;
  std::string fingerprint;
};

namespace {

Result<std::shared_ptr<const ServerCertificate::Pair>> read_pair(const std::string& cert_path,
                                                                 const std::string& key_path) {
  auto pair = std::make_shared<ServerCertificate::Pair>();
  auto cert = read_certificate(cert_path, &pair->chain);
  if (!cert) return fail(cert.error());
  pair->cert = std::move(*cert);
  BioPtr bio(BIO_new_file(key_path.c_str(), "r"));
  if (!bio) return fail("not_found", "cannot read the key file " + key_path);
  pair->key.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!pair->key) return fail("tls_error", key_path + " holds no PEM private key (or it is encrypted)");
  if (X509_check_private_key(pair->cert.get(), pair->key.get()) != 1) {
    ERR_clear_error();
    return fail("tls_error", "the key in " + key_path + " does not belong to the certificate in " + cert_path);
  }
  pair->fingerprint = fingerprint_of(pair->cert.get());
  return std::shared_ptr<const ServerCertificate::Pair>(std::move(pair));
}

}  // namespace

ServerCertificate::ServerCertificate(std::string cert_path, std::string key_path)
    : cert_path_(std::move(cert_path)), key_path_(std::move(key_path)) {}

ServerCertificate::~ServerCertificate() = default;

Result<std::shared_ptr<ServerCertificate>> ServerCertificate::load(const std::string& cert_path,
                                                                   const std::string& key_path) {
  std::shared_ptr<ServerCertificate> self(new ServerCertificate(cert_path, key_path));
  if (auto s = self->reload(); !s) return fail(s.error());
  return self;
}

Status ServerCertificate::reload() {
  auto pair = read_pair(cert_path_, key_path_);
  if (!pair) return fail(pair.error());
  std::lock_guard lock(mutex_);
  pair_ = std::move(*pair);
  return ok();
}

std::shared_ptr<const ServerCertificate::Pair> ServerCertificate::current() const {
  std::lock_guard lock(mutex_);
  return pair_;
}

std::string ServerCertificate::fingerprint() const { return current()->fingerprint; }

int ServerCertificate::use_current(SSL* ssl, void* self) {
  auto pair = static_cast<ServerCertificate*>(self)->current();
  // SSL_use_cert_and_key takes its own references, so a later reload may free this pair.
  return SSL_use_cert_and_key(ssl, pair->cert.get(), pair->key.get(), pair->chain.get(), 1) == 1 ? 1 : 0;
}

bool ServerCertificate::install(SSL_CTX& ctx) {
  SSL_CTX_set_options(&ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION);
  SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
  auto pair = current();
  if (SSL_CTX_use_cert_and_key(&ctx, pair->cert.get(), pair->key.get(), pair->chain.get(), 1) != 1) return false;
  SSL_CTX_set_cert_cb(&ctx, &ServerCertificate::use_current, this);
  return true;
}

}  // namespace ws::server

#pragma once
// Certificate pins as people type them and enrolment codes that carry one. A pin is the SHA-256
// of the server certificate's DER encoding, written "sha256:<64 hex digits>".
#include <string>
#include <string_view>

#include "ws/result.hpp"

namespace ws {

inline constexpr std::string_view kPinPrefix = "sha256:";

// Accepts "sha256:HEX" with upper or lower case hex and optional ':' between byte pairs (as
// `openssl x509 -fingerprint -sha256` prints it). Returns the canonical "sha256:<lowercase hex>".
Result<std::string> parse_pin(std::string_view text);

// "sha256:" + lowercase hex of a 32-byte digest.
std::string format_pin(const unsigned char* digest, std::size_t size);

// An enrolment code as `sync-server enroll-code` prints it: the single-use code alone (for a
// plain-HTTP loopback server) or "CODE@sha256:HEX" when the server has a certificate.
struct EnrolmentCode {
  std::string code;
  std::string pin;  // canonical "sha256:..." or empty
};
Result<EnrolmentCode> parse_enrolment_code(std::string_view text);

}  // namespace ws

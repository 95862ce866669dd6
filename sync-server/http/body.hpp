#pragma once
// Request bodies: content type, size after decompression (a gzip bomb stops at the cap, never
// fills memory), nesting depth before parsing, and strict JSON.
#include <cstddef>
#include <string>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "ws/protocol.hpp"
#include "ws/result.hpp"

namespace ws::server {

// Deeper bodies are refused before parsing. The envelope allows payloads 16 deep; a push body
// adds 3 levels around them.
inline constexpr int kMaxBodyDepth = 24;

// Errors: "unsupported_media_type" unless Content-Type is application/json (parameters allowed)
// and Content-Encoding is absent, identity, gzip, deflate or br.
Status require_json_content_type(const httplib::Request& req);

// Reads the decoded body through httplib's reader (which inflates gzip/deflate). Errors:
// "too_large" beyond `cap` bytes, "unsupported_media_type" for an unknown Content-Encoding,
// "invalid_request" for a truncated or corrupt body.
// When the body cannot be read whole (over the cap, truncated, undecodable), the reply asks to
// close the connection: the unread rest of the body would otherwise be taken as the next request
// on a kept-alive connection, and the client's next request would get a reply not its own.
// `expected` (expected_body_bytes) is reserved first: a body appended chunk by chunk into a
// growing string is copied and freshly paged in at every doubling (a 1.2 MB push body was a
// quarter of the server's page faults).
Result<std::string> read_body(const httplib::ContentReader& reader, httplib::Response& res, std::size_t cap,
                              std::size_t expected = 0);
// The same into `body` (emptied first), whose memory a caller may keep from one request to the
// next (reuse_pool.hpp).
Status read_body_into(const httplib::ContentReader& reader, httplib::Response& res, std::size_t cap,
                      std::size_t expected, std::string& body);

// The bytes a body sent without compression will hold, as its Content-Length says, never more
// than `cap`; 0 when compressed (its decoded size is unknown) or without a readable length.
std::size_t expected_body_bytes(const httplib::Request& req, std::size_t cap);

// Reads and discards up to `cap` bytes, so that a refusal sent before the body was read does
// not leave the body in the connection to be parsed as the next request; a body longer than
// `cap` is left unread and the reply closes the connection instead.
void drain_body(const httplib::ContentReader& reader, httplib::Response& res, std::size_t cap);

// What a request refused before its body was looked at (a wrong token) may cost the server:
// a small read, never a large body's inflation.
inline constexpr std::size_t kRefusedBodyDrainBytes = 64 * 1024;

// The deepest nesting of arrays/objects in JSON text, without parsing it.
int json_text_depth(const std::string& text);

// Errors: "invalid_json" (malformed, truncated, invalid UTF-8, too deep).
Result<nlohmann::json> parse_json_body(const std::string& text);

// A push body with its records left as text (views into `text`) for the ingest to parse on its
// checking threads; bodies of an unusual shape are parsed whole. Errors: those of
// parse_json_body and protocol::parse_push_request. A record's own malformed JSON is found
// when the ingest parses it, and is refused as "invalid_json" like the rest.
Result<protocol::PushRequest> parse_push_body(const std::string& text);

}  // namespace ws::server

// Which push replies may quarantine a record: a pure function of the reply.
#include <doctest/doctest.h>

#include "kiosk/core/sync/refusal.hpp"

using ws::kiosk::classify_push_refusal;
using ws::kiosk::HttpReply;
using ws::kiosk::ReplyMeaning;

namespace {

HttpReply reply(int status, std::string body, bool from_server) {
  HttpReply r;
  r.status = status;
  r.body = std::move(body);
  r.from_server = from_server;
  return r;
}

std::string error_json(const std::string& code) {
  return R"({"error":{"code":")" + code + R"(","message":"words"}})";
}

}  // namespace

TEST_CASE("refusal: the server's own JSON error about the content is a bad batch") {
  CHECK(classify_push_refusal(reply(400, error_json("invalid_request"), true)) == ReplyMeaning::BadContent);
  CHECK(classify_push_refusal(reply(400, error_json("invalid_json"), true)) == ReplyMeaning::BadContent);
  CHECK(classify_push_refusal(reply(400, error_json("invalid_envelope"), true)) == ReplyMeaning::BadContent);
  CHECK(classify_push_refusal(reply(413, error_json("too_large"), true)) == ReplyMeaning::BadContent);
  CHECK(classify_push_refusal(reply(403, error_json("forbidden"), true)) == ReplyMeaning::BadContent);
}

TEST_CASE("refusal: a proxy's page, even with a JSON-looking body, is a transport fault") {
  const std::string html = "<html><body>Access denied</body></html>";
  for (int status : {400, 403, 413, 422}) {
    CAPTURE(status);
    CHECK(classify_push_refusal(reply(status, html, false)) == ReplyMeaning::Fault);
    // The protocol header is what says the server answered, not the shape of the body.
    CHECK(classify_push_refusal(reply(status, error_json("invalid_request"), false)) == ReplyMeaning::Fault);
  }
  CHECK(classify_push_refusal(reply(400, html, true)) == ReplyMeaning::Fault);  // our header, not our body
  CHECK(classify_push_refusal(reply(400, R"({"error":"bad"})", true)) == ReplyMeaning::Fault);
  CHECK(classify_push_refusal(reply(400, R"({"error":{"code":"invalid_request"}})", true)) == ReplyMeaning::Fault);
}

TEST_CASE("refusal: protocol version, authentication, 5xx and unknown codes are faults") {
  CHECK(classify_push_refusal(reply(400, error_json("protocol_version"), true)) == ReplyMeaning::Fault);
  CHECK(classify_push_refusal(reply(401, error_json("unauthorized"), true)) == ReplyMeaning::Fault);
  CHECK(classify_push_refusal(reply(409, error_json("batch_conflict"), true)) == ReplyMeaning::Fault);
  CHECK(classify_push_refusal(reply(500, error_json("internal"), true)) == ReplyMeaning::Fault);
  CHECK(classify_push_refusal(reply(503, error_json("busy"), true)) == ReplyMeaning::Fault);
  CHECK(classify_push_refusal(reply(400, error_json("something_new"), true)) == ReplyMeaning::Fault);
  // A content code under a status that does not refuse content is not a verdict either.
  CHECK(classify_push_refusal(reply(500, error_json("invalid_request"), true)) == ReplyMeaning::Fault);
}

TEST_CASE("refusal: a reply not from the server is described in words with its status") {
  auto e = ws::kiosk::not_from_server(reply(403, "<html/>", false), "sending records");
  CHECK(e.message.find("a proxy or firewall between this kiosk and the server refused the request (HTTP 403)") !=
        std::string::npos);
  auto g = ws::kiosk::not_from_server(reply(502, "<html/>", false), "receiving changes");
  CHECK(g.message.find("(HTTP 502)") != std::string::npos);
}

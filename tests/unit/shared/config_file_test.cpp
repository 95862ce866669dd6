// The configuration file format both programs read.
#include <doctest/doctest.h>

#include "ws/config_file.hpp"

using namespace ws;

namespace {
const std::set<std::string> kKeys = {"db", "listen", "insecure", "workers"};
}

TEST_CASE("config lines are key = value with comments, blanks and spaces around") {
  auto f = config::parse("# the server\n\ndb = /var/lib/waystation/server.db\n  listen=0.0.0.0:8443  \r\n--workers = 4\n",
                         "s.conf", kKeys);
  REQUIRE(f.has_value());
  REQUIRE(f->entries.size() == 3);
  CHECK(f->find("db")->value == "/var/lib/waystation/server.db");
  CHECK(f->find("listen")->value == "0.0.0.0:8443");
  CHECK(f->find("listen")->line == 4);
  CHECK(f->find("workers")->value == "4");  // a pasted "--workers" reads as meant
  CHECK(f->find("insecure") == nullptr);
}

TEST_CASE("config errors name the file, the line and the key") {
  auto unknown = config::parse("db = x\nlisten = y\nlsiten = z\n", "s.conf", kKeys);
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().message == "s.conf:3: unknown key 'lsiten'");
  auto twice = config::parse("db = x\ndb = y\n", "s.conf", kKeys);
  REQUIRE_FALSE(twice.has_value());
  CHECK(twice.error().message == "s.conf:2: 'db' is set twice");
  auto no_equals = config::parse("db x\n", "s.conf", kKeys);
  REQUIRE_FALSE(no_equals.has_value());
  CHECK(no_equals.error().message.find("s.conf:1: expected 'key = value'") == 0);
  auto no_key = config::parse(" = x\n", "s.conf", kKeys);
  REQUIRE_FALSE(no_key.has_value());
  CHECK(no_key.error().message.find("s.conf:1:") == 0);
}

TEST_CASE("switches read as true or false, anything else names the line") {
  auto f = config::parse("insecure = yes\ndb = maybe\n", "s.conf", kKeys);
  REQUIRE(f.has_value());
  CHECK(config::parse_switch(*f->find("insecure"), "s.conf").value_or(false));
  auto bad = config::parse_switch(*f->find("db"), "s.conf");
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().message == "s.conf:2: 'db' must be true or false, not 'maybe'");
}

TEST_CASE("a missing default file is no error, a missing named file is") {
  auto optional = config::load("/nonexistent/waystation.conf", true, kKeys);
  REQUIRE(optional.has_value());
  CHECK_FALSE(optional->has_value());
  auto named = config::load("/nonexistent/waystation.conf", false, kKeys);
  CHECK_FALSE(named.has_value());
}

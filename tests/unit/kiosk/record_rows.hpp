#pragma once
// A records row's stored form, read straight from the table (tests of encryption at rest).
#include <doctest/doctest.h>

#include <string>

#include "kiosk/core/store/store.hpp"

namespace ws::kiosk::test {

inline int codec_of(Store& s, const std::string& id) {
  auto st = s.connection().prepare("SELECT payload_codec FROM records WHERE id = ?1");
  REQUIRE(st);
  st->bind(1, id);
  REQUIRE(st->step().value());
  return static_cast<int>(st->column_int(0));
}

inline std::string payload_bytes(Store& s, const std::string& id) {
  auto st = s.connection().prepare("SELECT payload FROM records WHERE id = ?1");
  REQUIRE(st);
  st->bind(1, id);
  REQUIRE(st->step().value());
  return st->column_blob(0);
}

}  // namespace ws::kiosk::test

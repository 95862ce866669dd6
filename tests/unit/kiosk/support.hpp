#pragma once
// Test helpers for the kiosk unit tests: temp folders and stores. Tests that sync use the real
// server in process (tests/unit/kiosk/test_server.hpp).
#include <memory>
#include <string>

#include "kiosk/core/store/store.hpp"
#include "tests/support/records.hpp"
#include "tests/support/temp_dir.hpp"

namespace ws::kiosk::test {

using ws::test::TempDir;

// A store in `dir` holding an identity whose server URL ("fake://server") no transport accepts.
std::unique_ptr<Store> enrolled_store(const std::string& dir, const std::string& device = "dev-a",
                                      const std::string& centre = "OSLO", const std::string& token = "tok-a");

// The first column of the first row of `sql` (a COUNT(*)); throws when there is none.
std::int64_t count(sql::Connection& db, const std::string& sql);

// Takes a store's outbox back to its shape before schema 18: each row's sealed item inside the
// row (`sealed`), kept by the trigger of schema 13 when a frozen row's copy changes.
void outbox_items_undone(sql::Connection& db);

// Answers the shipped intake form accepts.
inline nlohmann::json intake_payload(int n) { return ws::test::intake_answers(n); }

}  // namespace ws::kiosk::test

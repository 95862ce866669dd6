#pragma once
// Fixture data for screenshot mode, demos and tests: realistic but clearly fictional people
// (case numbers start with DEMO-), counsellors whose PIN is 1234, and the sample forms from
// assets/forms. Nothing here ever touches a real data directory.
#include <memory>
#include <string>

#include "kiosk/core/vm/memory_data.hpp"
#include "kiosk/core/vm/workspace.hpp"
#include "ws/forms/form.hpp"

namespace ws::kiosk::vm {

inline constexpr const char* kFixturePin = "1234";

struct FixtureWorld {
  forms::FormRegistry forms;
  std::unique_ptr<MemoryWorkspaceData> data;
  std::unique_ptr<Workspace> workspace;

  // The first fixture counsellor (or `account_id`), signed in for real (Argon2id check, waited for).
  Status sign_in(std::int64_t now_ms, const std::string& account_id = {});
  // Fixture ids, for scenarios.
  std::string first_case_id() const;
  std::string counsellor_id() const;
  std::string admin_id() const;  // the centre admin (role admin)
};

// Loads forms from `assets_dir`/forms and fills the in-memory store with fixture cases.
Result<std::unique_ptr<FixtureWorld>> make_fixture_world(const std::string& assets_dir, SessionPolicy policy = {});

// A fictional person the fixtures fill forms for.
struct FixturePerson {
  const char* case_number;
  const char* given_name;
  const char* family_name;
  const char* native_name;  // in the person's own script
  const char* born;         // yyyy-mm-dd
  const char* country;      // hint matched against choice values/labels
  const char* language;     // hint matched against choice values/labels
  int status_index;         // into the case form's status choices
  const char* opened;       // yyyy-mm-dd
};

// The fixture people, in case order (index wraps around).
const FixturePerson& fixture_person(std::size_t index);

// Answers for `form` filled the way a counsellor would for `person`: every question that
// applies gets a plausible answer the form accepts (answers the form refuses are left empty).
nlohmann::json sample_answers(const forms::FormDefinition& form, const FixturePerson& person,
                              const std::string& today);

}  // namespace ws::kiosk::vm

// Case search: by name, case number and date prefix; filters by status and counsellor.
#include <doctest/doctest.h>

#include "kiosk/core/vm/case_models.hpp"

using namespace ws::kiosk::vm;

namespace {

std::vector<CaseSummary> sample() {
  CaseSummary a;
  a.id = "1";
  a.case_number = "DEMO-2024-0117";
  a.given_name = "Farid Rahimi";
  a.status = "open";
  a.counsellor_id = "c1";
  a.opened_on = "2024-04-02";
  a.updated_on = "2024-05-13";
  CaseSummary b = a;
  b.id = "2";
  b.case_number = "DEMO-2024-0098";
  b.given_name = "Olena Kovalenko";
  b.status = "considering";
  b.counsellor_id = "c2";
  b.opened_on = "2024-03-11";
  b.updated_on = "2024-03-11";
  return {a, b};
}

std::vector<std::string> ids(const std::vector<CaseSummary>& cs) {
  std::vector<std::string> out;
  for (const auto& c : cs) out.push_back(c.id);
  return out;
}

}  // namespace

TEST_CASE("search matches names case-insensitively, case numbers and date prefixes") {
  const auto all = sample();
  CHECK(ids(apply_filter(all, {"rahimi", "", ""})) == std::vector<std::string>{"1"});
  CHECK(ids(apply_filter(all, {"OLENA", "", ""})) == std::vector<std::string>{"2"});
  CHECK(ids(apply_filter(all, {"0098", "", ""})) == std::vector<std::string>{"2"});
  CHECK(ids(apply_filter(all, {"2024-03", "", ""})) == std::vector<std::string>{"2"});
  CHECK(ids(apply_filter(all, {"2024", "", ""})).size() == 2);
  CHECK(ids(apply_filter(all, {"farid 2024-05", "", ""})) == std::vector<std::string>{"1"});
  CHECK(apply_filter(all, {"farid 2023", "", ""}).empty());
  CHECK(apply_filter(all, {"", "", ""}).size() == 2);
}

TEST_CASE("status and counsellor filters combine with the search") {
  const auto all = sample();
  CHECK(ids(apply_filter(all, {"", "open", ""})) == std::vector<std::string>{"1"});
  CHECK(ids(apply_filter(all, {"", "", "c2"})) == std::vector<std::string>{"2"});
  CHECK(apply_filter(all, {"", "open", "c2"}).empty());
  CHECK(apply_filter(all, {"olena", "open", ""}).empty());
}

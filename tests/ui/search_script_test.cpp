// Own-script names on the case list: a name typed with Arabic or Farsi letter variants (yeh,
// kaf, alef with hamza, teh marbuta, harakat, Persian digits) finds the name as stored. The
// folding itself (ws::fold_name, shared with HQ's search) is tested in tests/unit/shared.
#include <doctest/doctest.h>

#include "kiosk/core/vm/case_models.hpp"

using namespace ws::kiosk;

TEST_CASE("case list: a name in its own script is found whichever letter variants the query uses") {
  vm::CaseSummary c;
  c.id = "1";
  c.case_number = "OSL-1-2026-7KQ3-0001";
  c.given_name = "Zakiya Karimi";
  c.native_name = "\xd8\xb2\xda\xa9\xdb\x8c\xd9\x87 \xda\xa9\xd8\xb1\xdb\x8c\xd9\x85\xdb\x8c";  // زکیه کریمی (Dari letters)
  vm::CaseSummary other = c;
  other.id = "2";
  other.given_name = "Olena Kovalenko";
  other.native_name = "\xd0\x9e\xd0\xbb\xd0\xb5\xd0\xbd\xd0\xb0";
  const std::vector<vm::CaseSummary> all{c, other};
  auto found = [&](const std::string& q) {
    auto r = vm::apply_filter(all, {q, "", ""});
    return r.size() == 1 && r.front().id == "1";
  };
  // The same name typed on an Arabic keyboard: ك and ي, and a teh marbuta at the end.
  CHECK(found("\xd8\xb2\xd9\x83\xd9\x8a\xd8\xa9"));               // زكية
  CHECK(found("\xd9\x83\xd8\xb1\xd9\x8a\xd9\x85\xd9\x8a"));       // كريمي
  CHECK(found("\xda\xa9\xd8\xb1\xdb\x8c\xd9\x85\xdb\x8c"));       // کریمی as stored
  CHECK(found("\xd8\xb2\xd9\x8e\xda\xa9\xdb\x8c\xd9\x87 karimi"));  // harakat, and a Latin word too
  CHECK_FALSE(found("\xd8\xb1\xd8\xad\xdb\x8c\xd9\x85\xdb\x8c"));  // رحیمی: another name
  // The case form's answers fill native_name.
  const auto s = vm::summary_from_answers("9", {{"name_latin", "A"}, {"name_native", "\xd8\xb2\xda\xa9\xdb\x8c\xd9\x87"}});
  CHECK(s.native_name == "\xd8\xb2\xda\xa9\xdb\x8c\xd9\x87");
}

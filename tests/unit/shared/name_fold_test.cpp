#include <doctest/doctest.h>

#include "ws/name_fold.hpp"

using ws::fold_name;

TEST_CASE("fold_name evens out Arabic-script variants, marks, tatweel and ASCII case") {
  // Farsi yeh and keheh fold to Arabic yeh and kaf; harakat, tatweel and ZWNJ go.
  CHECK(fold_name("کریمی") == fold_name("كريمي"));
  CHECK(fold_name("مُحَمَّد") == fold_name("محمد"));
  CHECK(fold_name("محـــمد") == fold_name("محمد"));
  CHECK(fold_name("أحمد") == fold_name("احمد"));
  CHECK(fold_name("فاطمة") == fold_name("فاطمه"));
  CHECK(fold_name("می\u200Cخواهم") == fold_name("میخواهم"));
  CHECK(fold_name("AHMADI Ñ") == "ahmadi Ñ");  // Latin beyond ASCII is left to FTS5
  CHECK(fold_name(std::string("a\xFF" "b")) == std::string("a\xFF" "b"));  // not UTF-8: kept
}

TEST_CASE("fold_name makes Persian and Arabic-Indic digits ASCII, and ae a heh") {
  CHECK(fold_name("\u06F1\u06F4\u06F0\u06F3") == "1403");  // Persian digits
  CHECK(fold_name("\u0662\u0660") == "20");                  // Arabic-Indic digits
  CHECK(fold_name("\u06D5") == fold_name("\u0647"));
  // Other scripts are compared as written.
  CHECK(fold_name("\u041E\u043B\u0435\u043D\u0430") == "\u041E\u043B\u0435\u043D\u0430");
  CHECK(fold_name("\u1200") == "\u1200");
}

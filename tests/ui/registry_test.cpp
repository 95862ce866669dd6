// The screen registry: one place, unique valid names, every counsellor screen present.
#include <doctest/doctest.h>

#include <algorithm>

#include "kiosk/ui/registry.hpp"

using namespace ws::kiosk::ui;

namespace {
struct Blank : Screen {
  void draw(Ui&) override {}
};
}  // namespace

TEST_CASE("the registry refuses bad and duplicate names and creates screens by name") {
  ScreenRegistry r;
  auto make = [] { return std::unique_ptr<Screen>(new Blank); };
  CHECK(r.add({"demo", Audience::Migrant, make, ""}));
  CHECK_FALSE(r.add({"demo", Audience::Migrant, make, ""}));
  CHECK_FALSE(r.add({"Bad Name", Audience::Migrant, make, ""}));
  CHECK_FALSE(r.add({"nofactory", Audience::Migrant, nullptr, ""}));
  CHECK(r.create("demo") != nullptr);
  CHECK(r.create("missing") == nullptr);
  CHECK(r.names() == std::vector<std::string>{"demo"});
}

TEST_CASE("the kiosk registry holds the counsellor screens as staff screens") {
  const ScreenRegistry r = make_registry();
  for (const char* name : {"login", "cases", "case", "form", "sync"}) {
    const ScreenSpec* s = r.find(name);
    REQUIRE_MESSAGE(s != nullptr, name);
    CHECK(s->audience == Audience::Staff);
  }
  REQUIRE(r.find("accounts") != nullptr);
  CHECK(r.find("accounts")->audience == Audience::Admin);
}

TEST_CASE("home is the attract screen's other name; aliases cannot shadow or dangle") {
  ScreenRegistry r = make_registry();
  REQUIRE(r.find("home") != nullptr);
  CHECK(r.find("home") == r.find("attract"));
  CHECK(r.find("home")->name == "attract");
  CHECK(r.create("home") != nullptr);
  const auto names = r.names();
  CHECK(std::find(names.begin(), names.end(), "home") != names.end());
  CHECK_FALSE(r.alias("login", "attract"));
  CHECK_FALSE(r.alias("nowhere", "missing"));
}

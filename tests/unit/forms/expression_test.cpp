#include <doctest/doctest.h>

#include <map>
#include <string>

#include "ws/forms/expression.hpp"

using namespace ws::forms;

namespace {

struct FakeScope : Scope {
  std::map<std::string, Value, std::less<>> fields;
  Value dot;
  std::string day = "2024-06-15";
  Value field(std::string_view name) const override {
    auto it = fields.find(name);
    return it == fields.end() ? Value{} : it->second;
  }
  Value current() const override { return dot; }
  std::string_view today() const override { return day; }
};

bool eval(const char* source, const Scope& scope) {
  auto e = Expression::parse(source);
  REQUIRE_MESSAGE(e, source);
  return e->test(scope);
}

}  // namespace

TEST_CASE("comparisons, logic and yes/no values") {
  FakeScope s;
  s.fields["interpreter_needed"] = Value::of(true);
  s.fields["age"] = Value::of(16.0);
  s.fields["has_children"] = Value::of(std::string("yes"));
  CHECK(eval("${interpreter_needed} = true", s));
  CHECK(eval("${interpreter_needed} = 'yes'", s));
  CHECK_FALSE(eval("${interpreter_needed} != true", s));
  CHECK(eval("${age} < 18 or ${has_children} = 'yes'", s));
  CHECK(eval("${age} >= 16 and ${age} <= 16", s));
  CHECK(eval("not(${age} > 16)", s));
  CHECK(eval("not ${age} > 16", s));
  CHECK(eval("${age} + 2 = 18", s));
  CHECK(eval("${age} * 2 - 2 = 30", s));
  CHECK(eval("${age} div 4 = 4", s));
  CHECK(eval("${age} mod 5 = 1", s));
  CHECK(eval("-${age} < 0", s));
  CHECK(eval("(${age} < 10 or ${age} > 15) and true", s));
  CHECK(eval("${age} = '16'", s));
}

TEST_CASE("unanswered values are empty: equal to '' and never ordered") {
  FakeScope s;
  CHECK(eval("${missing} = ''", s));
  CHECK_FALSE(eval("${missing} != ''", s));
  CHECK_FALSE(eval("${missing} < 18", s));
  CHECK_FALSE(eval("${missing} >= 18", s));
  CHECK_FALSE(eval("${missing} = 0", s));
  CHECK_FALSE(eval("${missing} + 1 = 1", s));
  CHECK(eval("${missing} != 'x'", s));
  CHECK_FALSE(eval("${missing}", s));
}

TEST_CASE("functions: selected, count, count-selected, string-length, today, age") {
  FakeScope s;
  s.fields["vulnerabilities"] = Value::list({"medical", "disability"});
  s.fields["family_members"] = Value::of(3.0);
  s.fields["sex"] = Value::of(std::string("female"));
  s.fields["name"] = Value::of(std::string("احمد"));
  s.fields["dob"] = Value::of(std::string("2008-06-16"));
  CHECK(eval("selected(${vulnerabilities}, 'medical')", s));
  CHECK_FALSE(eval("selected(${vulnerabilities}, 'pregnancy')", s));
  CHECK(eval("selected(${sex}, 'female')", s));
  CHECK_FALSE(eval("selected(${missing}, 'x')", s));
  CHECK(eval("count(${family_members}) > 0", s));
  CHECK(eval("count(${missing}) = 0", s));
  CHECK(eval("count-selected(${vulnerabilities}) = 2", s));
  CHECK(eval("string-length(${name}) = 4", s));
  CHECK(eval("today() = '2024-06-15'", s));
  CHECK(eval("age(${dob}) = 15", s));
  CHECK(eval("age(${dob}) < 18", s));
  CHECK(eval("${dob} < today()", s));
  CHECK_FALSE(eval("age(${missing}) < 18", s));
}

TEST_CASE("the current value '.' is what a constraint checks") {
  FakeScope s;
  s.dot = Value::of(std::string("2024-01-01"));
  s.fields["arrival_date"] = Value::of(std::string("2023-05-01"));
  CHECK(eval(". >= ${arrival_date}", s));
  CHECK(eval("${arrival_date} = '' or . >= ${arrival_date}", s));
  s.dot = Value::of(true);
  CHECK(eval(". = true", s));
  auto e = Expression::parse(". > 0 and ${x} = 1");
  REQUIRE(e);
  CHECK(e->uses_current());
  REQUIRE(e->references().size() == 1);
  CHECK(e->references()[0].name == "x");
  CHECK_FALSE(e->references()[0].counted);
  auto c = Expression::parse("count(${members}) > 0");
  REQUIRE(c);
  CHECK(c->references()[0].counted);
}

TEST_CASE("malformed expressions are refused with a position") {
  const char* bad[] = {
      "${age} <",          "${age} < 18 <= 20",  "${Age} = 1",          "$age = 1",
      "${age = 1",         "selected(${x})",     "eval('rm -rf')",      "age > 3",
      "(${a} = 1",         "${a} = 'unclosed",   "${a} == 1",           "",
      "   ",               "${a} = 1 ${b}",      "today(1)",            "${a} & ${b}",
  };
  for (const char* source : bad) {
    CAPTURE(source);
    auto e = Expression::parse(source);
    CHECK_FALSE(e);
    if (!e) CHECK(e.error().code == "invalid_expression");
  }
  auto e = Expression::parse("${age} < 18 <= 20");
  REQUIRE_FALSE(e);
  CHECK(e.error().message.find("position") != std::string::npos);
}

TEST_CASE("expression size and nesting are bounded") {
  std::string deep;
  for (int i = 0; i < 200; ++i) deep += "(";
  deep += "1";
  for (int i = 0; i < 200; ++i) deep += ")";
  auto e = Expression::parse(deep);
  REQUIRE_FALSE(e);
  CHECK(e.error().message.find("nested too deeply") != std::string::npos);

  std::string negs(100, '-');
  CHECK_FALSE(Expression::parse(negs + "1"));

  std::string long_chain = "1";
  for (int i = 0; i < 400; ++i) long_chain += "+1";
  CHECK_FALSE(Expression::parse(long_chain));  // too long / too many nodes
  std::string ok_chain = "1";
  for (int i = 0; i < 50; ++i) ok_chain += "+1";
  auto sum = Expression::parse(ok_chain + " = 51");
  REQUIRE(sum);
  FakeScope s;
  CHECK(sum->test(s));
}

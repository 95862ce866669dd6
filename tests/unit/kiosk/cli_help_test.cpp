// `kiosk --help`, `-h`, `help` and `kiosk COMMAND --help`: printed from the same table the
// parser checks options against, so the two cannot drift apart.
#include <doctest/doctest.h>

#include <sstream>

#include "kiosk/cli/cli.hpp"
#include "kiosk/cli/commands.hpp"

using namespace ws::kiosk;

namespace {

struct Out {
  int code;
  std::string out, err;
};

Out run(const std::vector<std::string>& args) {
  std::istringstream in;
  std::ostringstream out, err;
  const int code = cli::run(args, in, out, err);
  return {code, out.str(), err.str()};
}

}  // namespace

TEST_CASE("kiosk --help, -h and help print every command with its description and flags") {
  for (const auto& word : {"--help", "-h", "help"}) {
    INFO(word);
    CHECK(is_cli_command({word}));
    const Out o = run({word});
    CHECK(o.code == cli::kExitOk);
    CHECK(o.err.empty());
    for (const auto& c : cli::command_table()) {
      CHECK_MESSAGE(o.out.find("  " + c.name + " ") != std::string::npos, c.name);
      CHECK_MESSAGE(o.out.find(c.summary) != std::string::npos, c.name);
      for (const auto& opt : c.options) CHECK_MESSAGE(o.out.find(opt.name) != std::string::npos, (c.name + " " + opt.name));
    }
    CHECK(o.out.find("--data-dir DIR") != std::string::npos);
    CHECK(o.out.find("--screenshot") != std::string::npos);
  }
  // Help needs no data folder and wins over other mistakes on the line.
  CHECK(run({"--data-dir", "d", "--help"}).code == cli::kExitOk);
  CHECK(is_cli_command({"--screenshot", "x.png", "--help"}));
}

TEST_CASE("kiosk COMMAND --help prints only that command's flags") {
  const Out list = run({"list", "--help"});
  CHECK(list.code == cli::kExitOk);
  CHECK(list.out.find("usage: kiosk --data-dir DIR list --kind KIND") != std::string::npos);
  CHECK(list.out.find("--search TEXT") != std::string::npos);
  CHECK(list.out.find("--server") == std::string::npos);
  const Out add = run({"--data-dir", "d", "add", "-h"});
  CHECK(add.code == cli::kExitOk);
  CHECK(add.out.find("--json FILE") != std::string::npos);
}

TEST_CASE("the parser accepts exactly the options the help table lists") {
  for (const auto& c : cli::command_table()) {
    std::vector<std::string> args{"--data-dir", "d", c.name};
    for (const auto& o : c.options) {
      args.push_back(o.name);
      if (!o.placeholder.empty()) args.push_back("1");
    }
    auto parsed = cli::parse_args(args);
    REQUIRE_MESSAGE(parsed, c.name);
    CHECK_MESSAGE(cli::check_options(*parsed), c.name);
    auto typo = cli::parse_args({"--data-dir", "d", c.name, "--no-such-option", "x"});
    REQUIRE(typo);
    CHECK_FALSE(cli::check_options(*typo));
  }
  // `--json` is a flag for list and names the input file for add: the table decides.
  auto list = cli::parse_args({"list", "--json", "--kind", "case"});
  REQUIRE(list);
  CHECK(list->flag("--json"));
  auto add = cli::parse_args({"add", "--json", "f.json", "--kind", "case"});
  REQUIRE(add);
  CHECK(add->value("--json") == std::optional<std::string>("f.json"));
  // A usage mistake points at the help.
  const Out bad = run({"--data-dir", "d", "frobnicate"});
  CHECK(bad.code == cli::kExitUsage);
  CHECK(bad.err.find("kiosk --help") != std::string::npos);
}

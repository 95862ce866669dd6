#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "sync-server/core/absent_ids.hpp"
#include "ws/ids.hpp"

// The writer's set of ids no stored row has: what it answers must be exactly a set's answer,
// whatever the ids look like.

using namespace ws::server;

namespace {

std::vector<std::string_view> views(const std::vector<std::string>& texts) {
  return std::vector<std::string_view>(texts.begin(), texts.end());
}

}  // namespace

TEST_CASE("a batch's ids are held until erased, duplicates once") {
  std::vector<std::string> ids;
  for (int i = 0; i < 1000; ++i) ids.push_back(ws::new_uuid_v7());
  ids.push_back(ids[3]);
  AbsentIds set;
  CHECK_FALSE(set.contains(ids[0]));  // nothing assigned yet
  set.assign(views(ids));
  CHECK(set.size() == 1000);
  for (const auto& id : ids) CHECK(set.contains(id));
  CHECK_FALSE(set.contains(ws::new_uuid_v7()));

  set.erase(ids[3]);
  set.erase(ids[3]);  // erasing what is gone changes nothing
  CHECK_FALSE(set.contains(ids[3]));
  CHECK(set.size() == 999);
  for (std::size_t i = 0; i < 1000; ++i) {
    if (i != 3) CHECK(set.contains(ids[i]));
  }

  const std::vector<std::string_view> next_batch = {ids[0]};
  set.assign(next_batch);  // a new batch replaces the last
  CHECK(set.size() == 1);
  CHECK(set.contains(ids[0]));
  CHECK_FALSE(set.contains(ids[1]));
}

TEST_CASE("ids that share the hashed bytes, and short or empty ids, are told apart") {
  // The same last 16 characters: every one lands in one chain.
  std::vector<std::string> same_tail;
  for (int i = 0; i < 200; ++i) same_tail.push_back(std::to_string(i) + "-0123456789abcdef");
  std::vector<std::string> short_ids = {"", "a", "ab", "abcdefgh", "abcdefghi", "abcdefghijklmno"};
  std::vector<std::string> all = same_tail;
  all.insert(all.end(), short_ids.begin(), short_ids.end());
  AbsentIds set;
  set.assign(views(all));
  CHECK(set.size() == all.size());
  for (const auto& id : all) CHECK(set.contains(id));
  CHECK_FALSE(set.contains("200-0123456789abcdef"));
  CHECK_FALSE(set.contains("abcdefghij"));

  for (int i = 0; i < 200; i += 2) set.erase(same_tail[i]);
  for (int i = 0; i < 200; ++i) CHECK(set.contains(same_tail[i]) == (i % 2 == 1));
  set.erase("");
  CHECK_FALSE(set.contains(""));
  CHECK(set.contains("a"));
}

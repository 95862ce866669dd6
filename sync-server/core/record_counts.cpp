#include "sync-server/core/record_counts.hpp"

#include <utility>

namespace ws::server {

namespace {
constexpr std::int64_t kMsPerDay = 86400000;
}  // namespace

void NewRecordCounts::add(std::string_view centre, std::string_view kind, std::int64_t updated_at_ms) {
  const std::int64_t day = updated_at_ms / kMsPerDay;
  for (auto& g : groups_) {
    if (g.day == day && g.kind == kind && g.centre == centre) {
      ++g.rows;
      return;
    }
  }
  groups_.push_back(Group{std::string(centre), std::string(kind), day, 1});
}

Status NewRecordCounts::write(sql::Connection& db) {
  if (groups_.empty()) return ok();
  // Forgotten whatever happens: on an error the caller rolls the rows back with the counts.
  const auto groups = std::exchange(groups_, {});
  auto st = db.prepare(
      "INSERT INTO record_counts (centre, kind, day, created, received) VALUES (?1, ?2, ?3, ?4, ?4)"
      " ON CONFLICT (centre, kind, day) DO UPDATE SET created = created + excluded.created,"
      "  received = received + excluded.received");
  if (!st) return fail(st.error());
  for (const auto& g : groups) {
    st->reset();
    if (auto s = st->bind_view(1, g.centre).bind_view(2, g.kind).bind(3, g.day).bind(4, g.rows).run(); !s) return s;
  }
  return ok();
}

}  // namespace ws::server

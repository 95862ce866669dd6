#pragma once
// Records received per centre, kind and day (UTC), for the overview's charts (`record_counts`):
// `created` counts first arrivals, `received` every stored version. A version that replaces a
// stored one is counted by the `record_counts_update` trigger (schema.cpp); a new row is counted
// here by the writer that inserts it (records.cpp, records_insert.cpp), one upsert per centre,
// kind and day of a write instead of a trigger's upsert per row (schema 14). The counts are
// written in the transaction, and under the savepoint, that wrote the rows.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ws/result.hpp"
#include "ws/sqlite.hpp"

namespace ws::server {

class NewRecordCounts {
 public:
  // A new row of `records` with this centre, kind and updated_at_ms.
  void add(std::string_view centre, std::string_view kind, std::int64_t updated_at_ms);
  // Adds what add() counted to `record_counts` and starts again from nothing.
  Status write(sql::Connection& db);

 private:
  struct Group {
    std::string centre, kind;
    std::int64_t day;
    std::int64_t rows;
  };
  std::vector<Group> groups_;  // few: a batch comes from one centre, on one day, in a few kinds
};

}  // namespace ws::server

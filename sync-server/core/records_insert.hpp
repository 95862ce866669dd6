#pragma once
// New records written several to one INSERT. Each statement that inserts into `records` runs under a
// statement journal (each page it touches is first copied into it): one multi-row INSERT pays that
// once for many records (docs/performance.md, "Session 10"). No INSERT trigger may come back on
// `records`: with one, SQLite copies such an INSERT's rows to a temporary table first ("Session 16").
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sync-server/core/case_columns.hpp"
#include "ws/envelope.hpp"
#include "ws/result.hpp"
#include "ws/sqlite.hpp"

namespace ws::server {

// Rows per shared INSERT; a remainder is written in halving chunks (32, 16, ... 1), so a
// connection prepares at most seven distinct statements for it.
inline constexpr std::size_t kRowsPerInsert = 64;
// The rows of the next shared statement for `remaining` rows: all of them up to kRowsPerInsert,
// else the largest power of two (the existence probe of records.cpp chunks its ids the same way).
std::size_t rows_in_chunk(std::size_t remaining);

// The values of a record's row made from its envelope and stored payload text alone, not from
// the database: a writer may be handed them made before the write lock (ingest makes them on
// its checking threads, in parallel), so the one writer only binds them.
struct DerivedColumns {
  std::string version;  // the version as stored
  CaseColumns cases;    // case_columns.hpp
};
// The one rule for them, whoever makes them (`payload_text` as stored).
DerivedColumns derive_columns(const Envelope& e, std::string_view payload_text);
// The same with the payload's members as the envelope reader found them in the text.
DerivedColumns derive_columns(const Envelope& e, std::string_view payload_text,
                              const std::vector<PayloadMember>& members);

class NewRecordRows {
 public:
  NewRecordRows() = default;
  explicit NewRecordRows(sql::Connection& db) : db_(&db) {}

  // Queues a record whose id is absent from `records` and from the queue. The envelope and
  // the texts are read at flush: they must outlive it. `tag` names the row in flush()'s answer.
  // `derived` is derive_columns(e, payload_text), and must outlive the flush too.
  void add(const Envelope& e, std::string_view payload_text, std::string_view field_versions_text,
           const DerivedColumns& derived, std::size_t tag);
  bool holds(std::string_view id) const;
  std::size_t size() const { return rows_.size(); }

  // Writes the queued rows in their order with the sequences after `seq`, and advances `seq`;
  // counts the rows written in `record_counts` (record_counts.hpp).
  // When a shared INSERT fails on a constraint, SQLite has undone it whole; its rows are then
  // written one by one, and the tags of those a constraint refuses are returned (each leaves no
  // row and takes no sequence). Any other error is the caller's to roll back.
  Result<std::vector<std::size_t>> flush(std::int64_t& seq);

 private:
  struct Row {
    const Envelope* envelope;
    std::string_view payload_text;
    std::string_view field_versions_text;
    const DerivedColumns* derived;
    std::size_t tag;
  };
  Status insert(std::size_t from, std::size_t count, std::int64_t first_seq, std::int64_t now);

  sql::Connection* db_ = nullptr;
  std::vector<Row> rows_;
};

}  // namespace ws::server

#include "sync-server/core/records_insert.hpp"

#include <string>

#include "sync-server/core/case_index_rows.hpp"
#include "sync-server/core/record_counts.hpp"
#include "sync-server/core/records.hpp"

namespace ws::server {
namespace {

constexpr int kColumns = 18;

std::string insert_sql(std::size_t rows) {
  std::string sql =
      "INSERT INTO records (id, kind, centre, version, deleted, schema_version, payload, field_versions, seq,"
      " updated_at_ms, ";
  sql += kCaseColumnNames;
  sql += ") VALUES ";
  for (std::size_t r = 0; r < rows; ++r) {
    sql += r == 0 ? "(" : ",(";
    for (int c = 0; c < kColumns; ++c) sql += c == 0 ? "?" : ",?";
    sql += ')';
  }
  return sql;
}

// A case column read in place, as bind_view reads the texts: SQLite's copy of each was a
// malloc, a memcpy and a free, ~100 instructions a column (docs/performance.md, session 22).
sql::Statement& bind_column_view(sql::Statement& st, int index, const std::optional<std::string>& text) {
  return text ? st.bind_view(index, *text) : st.bind_null(index);
}

}  // namespace

std::size_t rows_in_chunk(std::size_t remaining) {
  if (remaining >= kRowsPerInsert) return kRowsPerInsert;
  std::size_t chunk = 1;
  while (chunk * 2 <= remaining) chunk *= 2;
  return chunk;
}

DerivedColumns derive_columns(const Envelope& e, std::string_view payload_text) {
  return DerivedColumns{e.version.to_string(), read_case_columns(e.kind, payload_text)};
}

DerivedColumns derive_columns(const Envelope& e, std::string_view payload_text,
                              const std::vector<PayloadMember>& members) {
  return DerivedColumns{e.version.to_string(), read_case_columns(e.kind, payload_text, members)};
}

void NewRecordRows::add(const Envelope& e, std::string_view payload_text, std::string_view field_versions_text,
                        const DerivedColumns& derived, std::size_t tag) {
  rows_.push_back(Row{&e, payload_text, field_versions_text, &derived, tag});
}

bool NewRecordRows::holds(std::string_view id) const {
  for (const auto& row : rows_) {
    if (row.envelope->id == id) return true;
  }
  return false;
}

Status NewRecordRows::insert(std::size_t from, std::size_t count, std::int64_t first_seq, std::int64_t now) {
  auto st = db_->prepare(insert_sql(count));
  if (!st) return fail(st.error());
  // The texts and the case columns outlive the statement's run (add()'s contract): SQLite
  // reads them in place.
  for (std::size_t i = 0; i < count; ++i) {
    const Row& row = rows_[from + i];
    const Envelope& e = *row.envelope;
    const CaseColumns& cases = row.derived->cases;
    const int at = static_cast<int>(i) * kColumns;
    st->bind_view(at + 1, e.id)
        .bind_view(at + 2, e.kind)
        .bind_view(at + 3, e.centre)
        .bind_view(at + 4, row.derived->version)
        .bind(at + 5, e.deleted ? 1 : 0)
        .bind(at + 6, e.schema_version)
        .bind_view(at + 7, row.payload_text)
        .bind_view(at + 8, row.field_versions_text)
        .bind(at + 9, first_seq + static_cast<std::int64_t>(i))
        .bind(at + 10, now);
    bind_column_view(*st, at + 11, cases.case_id);
    bind_column_view(*st, at + 12, cases.number);
    bind_column_view(*st, at + 13, cases.name);
    bind_column_view(*st, at + 14, cases.name_native);
    bind_column_view(*st, at + 15, cases.status);
    bind_column_view(*st, at + 16, cases.counsellor);
    bind_column_view(*st, at + 17, cases.opened);
    bind_column_view(*st, at + 18, cases.nationality);
  }
  if (auto s = st->run(); !s) return s;
  // In the rows' order, as the triggers of schemas 8-14 did for each inserted row.
  for (std::size_t i = from; i < from + count; ++i) {
    const Row& row = rows_[i];
    const Envelope& e = *row.envelope;
    if (!touches_case_index(e.kind, row.derived->cases)) continue;
    if (auto s = apply_to_case_index(*db_, IndexedRecord{e.id, e.kind, e.centre, e.deleted, now, row.derived->cases}); !s) {
      return s;
    }
  }
  return ok();
}

Result<std::vector<std::size_t>> NewRecordRows::flush(std::int64_t& seq) {
  std::vector<std::size_t> refused;
  // One instant for the whole flush, so its rows' day in the counts is their updated_at_ms's.
  const std::int64_t now = unix_ms_now();
  NewRecordCounts counts;
  auto count = [&](std::size_t row) { counts.add(rows_[row].envelope->centre, rows_[row].envelope->kind, now); };
  // A row's outcome: written (the next sequence), refused by a constraint, or a batch fault.
  auto settle = [&](std::size_t row, const Status& written) -> Status {
    if (written) {
      ++seq;
      count(row);
    } else if (written.error().code == "constraint") {
      refused.push_back(rows_[row].tag);
    } else {
      return written;
    }
    return ok();
  };
  Status fault = ok();
  for (std::size_t from = 0; fault && from < rows_.size();) {
    const std::size_t chunk = rows_in_chunk(rows_.size() - from);
    auto shared = insert(from, chunk, seq + 1, now);
    if (shared) {
      seq += static_cast<std::int64_t>(chunk);
      for (std::size_t i = from; i < from + chunk; ++i) count(i);
    } else if (chunk == 1 || shared.error().code != "constraint") {
      fault = settle(from, shared);
    } else {
      // Undone whole: the rows one by one find the refused ones; the others keep their order.
      for (std::size_t i = from; fault && i < from + chunk; ++i) fault = settle(i, insert(i, 1, seq + 1, now));
    }
    from += chunk;
  }
  rows_.clear();
  if (fault) fault = counts.write(*db_);
  if (!fault) return fail(fault.error());
  return refused;
}

}  // namespace ws::server

#include "ws/merge.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace ws {
namespace {

using nlohmann::json;

struct Context {
  const Envelope& stored;
  const Envelope& incoming;
  MergeOutcome& out;
  // Whether the incoming side had already merged a write at `v` before editing.
  bool seen_by_incoming(const Version& v) const { return incoming.base_version && v <= *incoming.base_version; }
};

std::string row_path(const std::string& field, const std::string& id) { return field + "/" + id; }

// The rows of a row list by id.
std::map<std::string, const json*> rows_by_id(const json& list) {
  std::map<std::string, const json*> rows;
  if (!list.is_array()) return rows;
  for (const auto& row : list)
    if (row.is_object() && row.contains(kRowIdKey) && row[kRowIdKey].is_string())
      rows.emplace(row[kRowIdKey].get<std::string>(), &row);
  return rows;
}

// Row answers without a version of their own were written with the list as a whole.
Version answer_version(const Envelope& e, const std::string& field, const std::string& id, const std::string& key) {
  auto it = e.field_versions.find(row_path(field, id) + "/" + key);
  return it == e.field_versions.end() ? e.field_version(field) : it->second;
}

std::set<std::string> answer_keys(const json* a, const json* b) {
  std::set<std::string> keys;
  for (const json* row : {a, b})
    if (row)
      for (const auto& [k, _] : row->items())
        if (k != kRowIdKey) keys.insert(k);
  return keys;
}

// The latest write to a row: what a delete of that row is weighed against.
Version row_version(const Envelope& e, const std::string& field, const std::string& id, const json& row) {
  Version latest = e.field_version(field);
  bool any = false;
  for (const auto& key : answer_keys(&row, nullptr)) {
    const Version v = answer_version(e, field, id, key);
    if (!any || v > latest) latest = v;
    any = true;
  }
  return latest;
}

// Tombstones are the `<field>/<row id>` entries (one slash after the field's name).
std::map<std::string, Version> tombstones(const Envelope& e, const std::string& field) {
  std::map<std::string, Version> out;
  const std::string prefix = field + "/";
  for (auto it = e.field_versions.lower_bound(prefix); it != e.field_versions.end(); ++it) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) break;
    if (it->first.find('/', prefix.size()) == std::string::npos) out.emplace(it->first.substr(prefix.size()), it->second);
  }
  return out;
}

void erase_row_paths(std::map<std::string, Version>& fv, const std::string& field) {
  const std::string prefix = field + "/";
  auto it = fv.lower_bound(prefix);
  while (it != fv.end() && it->first.compare(0, prefix.size(), prefix) == 0) it = fv.erase(it);
}

// One side of a row: alive (with its answers), deleted (a tombstone) or never seen.
struct RowSide {
  const json* row = nullptr;
  std::optional<Version> tombstone;
  Version latest;  // for an alive row, its latest write
};

struct MergedRows {
  std::map<std::string, json> alive;
  std::map<std::string, Version> versions;  // answer paths and tombstones, relative to the field
};

void put_row(MergedRows& m, const Envelope& from, const std::string& field, const std::string& id, const json& row) {
  m.alive[id] = row;
  for (const auto& key : answer_keys(&row, nullptr)) m.versions[id + "/" + key] = answer_version(from, field, id, key);
}

// Both sides hold the row: answer by answer, last writer wins. A missing answer was cleared.
void merge_row_answers(const Context& cx, const std::string& field, const std::string& id, const json& s,
                       const json& i, MergedRows& m) {
  json row = json::object();
  row[kRowIdKey] = id;
  for (const auto& key : answer_keys(&s, &i)) {
    const Version sv = answer_version(cx.stored, field, id, key);
    const Version iv = answer_version(cx.incoming, field, id, key);
    const json svalue = s.contains(key) ? s[key] : json();
    const json ivalue = i.contains(key) ? i[key] : json();
    const bool incoming_wins = iv > sv;
    const json& kept = incoming_wins ? ivalue : svalue;
    if (!kept.is_null() || (incoming_wins ? i : s).contains(key)) row[key] = kept;
    m.versions[id + "/" + key] = std::max(sv, iv);
    if (svalue == ivalue) continue;
    const std::string path = row_path(field, id) + "/" + key;
    if (incoming_wins && !cx.seen_by_incoming(sv)) cx.out.conflicts.push_back({path, svalue, sv, ivalue, iv, true});
    if (!incoming_wins && iv < sv && !cx.seen_by_incoming(iv))
      cx.out.conflicts.push_back({path, ivalue, iv, svalue, sv, false});
  }
  m.alive[id] = std::move(row);
}

// One side deleted the row, the other holds it: the later of the delete and the row's latest
// write wins (the delete on a tie); the losing side goes to the conflict log.
void merge_delete_and_edit(const Context& cx, const std::string& field, const std::string& id, const RowSide& alive,
                           const Envelope& alive_from, const Version& deleted_at, bool stored_deleted, MergedRows& m) {
  const std::string path = row_path(field, id);
  if (deleted_at >= alive.latest) {
    m.versions[id] = deleted_at;
    if (!cx.seen_by_incoming(alive.latest))
      cx.out.conflicts.push_back({path, *alive.row, alive.latest, json(), deleted_at, !stored_deleted});
  } else {
    put_row(m, alive_from, field, id, *alive.row);
    if (!cx.seen_by_incoming(deleted_at))
      cx.out.conflicts.push_back({path, json(), deleted_at, *alive.row, alive.latest, stored_deleted});
  }
}

RowSide side_of(const Envelope& e, const std::string& field, const std::string& id,
                const std::map<std::string, const json*>& rows, const std::map<std::string, Version>& dead) {
  RowSide side;
  if (auto r = rows.find(id); r != rows.end()) {
    side.row = r->second;
    side.latest = row_version(e, field, id, *r->second);
  } else if (auto t = dead.find(id); t != dead.end()) {
    side.tombstone = t->second;
  }
  return side;
}

void merge_row(const Context& cx, const std::string& field, const std::string& id, const RowSide& s,
               const RowSide& i, MergedRows& m) {
  if (s.row && i.row) return merge_row_answers(cx, field, id, *s.row, *i.row, m);
  if (s.row && i.tombstone) return merge_delete_and_edit(cx, field, id, s, cx.stored, *i.tombstone, false, m);
  if (i.row && s.tombstone) return merge_delete_and_edit(cx, field, id, i, cx.incoming, *s.tombstone, true, m);
  if (s.row) return put_row(m, cx.stored, field, id, *s.row);
  if (i.row) return put_row(m, cx.incoming, field, id, *i.row);
  m.versions[id] = std::max(s.tombstone.value_or(*i.tombstone), i.tombstone.value_or(*s.tombstone));
}

void merge_row_list(const Context& cx, const std::string& field) {
  Envelope& m = cx.out.merged;
  const auto srows = rows_by_id(cx.stored.payload[field]);
  const auto irows = rows_by_id(cx.incoming.payload[field]);
  const auto sdead = tombstones(cx.stored, field);
  const auto idead = tombstones(cx.incoming, field);
  std::set<std::string> ids;
  for (const auto& [id, _] : srows) ids.insert(id);
  for (const auto& [id, _] : irows) ids.insert(id);
  for (const auto& [id, _] : sdead) ids.insert(id);
  for (const auto& [id, _] : idead) ids.insert(id);

  MergedRows rows;
  for (const auto& id : ids)
    merge_row(cx, field, id, side_of(cx.stored, field, id, srows, sdead),
              side_of(cx.incoming, field, id, irows, idead), rows);

  // Rows in id order: ids are UUIDv7, so this is the order they were added in, on any replica.
  json list = json::array();
  for (auto& [_, row] : rows.alive) list.push_back(std::move(row));
  const Version fv = std::max(cx.stored.field_version(field), cx.incoming.field_version(field));
  // Versions the stored side only held implicitly need no new write by themselves.
  const bool newer_version = std::any_of(rows.versions.begin(), rows.versions.end(), [&](const auto& kv) {
    const auto slash = kv.first.find('/');
    if (slash == std::string::npos) {
      auto t = sdead.find(kv.first);
      return t == sdead.end() || t->second != kv.second;
    }
    return answer_version(cx.stored, field, kv.first.substr(0, slash), kv.first.substr(slash + 1)) != kv.second;
  });
  if (newer_version || list != cx.stored.payload[field] || fv != cx.stored.field_version(field)) cx.out.changed = true;
  m.payload[field] = std::move(list);
  m.field_versions[field] = fv;
  erase_row_paths(m.field_versions, field);
  for (auto& [k, v] : rows.versions) m.field_versions[field + "/" + k] = v;
}

void merge_value(const Context& cx, const std::string& field) {
  Envelope& m = cx.out.merged;
  const bool in_stored = cx.stored.payload.contains(field);
  const Version sv = cx.stored.field_version(field);
  const Version iv = cx.incoming.field_version(field);
  const json svalue = in_stored ? cx.stored.payload[field] : json();
  const json& ivalue = cx.incoming.payload[field];
  if (!in_stored || iv > sv) {
    if (in_stored && svalue != ivalue && !cx.seen_by_incoming(sv))
      cx.out.conflicts.push_back({field, svalue, sv, ivalue, iv, true});
    if (!in_stored || svalue != ivalue || sv != iv) cx.out.changed = true;
    m.payload[field] = ivalue;
    m.field_versions[field] = iv;
    // A row list taken whole brings its rows' versions along.
    erase_row_paths(m.field_versions, field);
    const std::string prefix = field + "/";
    for (auto it = cx.incoming.field_versions.lower_bound(prefix);
         it != cx.incoming.field_versions.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it)
      m.field_versions[it->first] = it->second;
  } else if (iv < sv && svalue != ivalue && !cx.seen_by_incoming(iv)) {
    // The incoming side edited this field after its last sync, but a later write won.
    cx.out.conflicts.push_back({field, ivalue, iv, svalue, sv, false});
  }
}

}  // namespace

bool is_row_list(const json& value) {
  if (!value.is_array()) return false;
  return std::all_of(value.begin(), value.end(), [](const json& row) {
    if (!row.is_object()) return false;
    auto id = row.find(kRowIdKey);
    return id != row.end() && id->is_string() && !id->get_ref<const std::string&>().empty();
  });
}

void stamp_edit(Envelope& e, const std::string& field, const json& before, const Version& v) {
  const json& after = e.payload.contains(field) ? e.payload[field] : json();
  if (!is_row_list(after)) {
    e.field_versions[field] = v;
    return;
  }
  const Version old_field = e.field_version(field);
  const auto old_rows = rows_by_id(before);
  const auto new_rows = rows_by_id(after);
  auto& fv = e.field_versions;
  for (const auto& [id, row] : new_rows) {
    auto old = old_rows.find(id);
    const json* old_row = old == old_rows.end() ? nullptr : old->second;
    for (const auto& key : answer_keys(row, old_row)) {
      const std::string path = row_path(field, id) + "/" + key;
      const bool same = old_row && old_row->contains(key) == row->contains(key) &&
                        (!row->contains(key) || (*old_row)[key] == (*row)[key]);
      if (!same) fv[path] = v;
      else if (!fv.count(path)) fv[path] = old_field;
    }
    fv.erase(row_path(field, id));
  }
  for (const auto& [id, _] : old_rows) {
    if (new_rows.count(id)) continue;
    const std::string path = row_path(field, id);
    for (auto it = fv.lower_bound(path + "/"); it != fv.end() && it->first.compare(0, path.size() + 1, path + "/") == 0;)
      it = fv.erase(it);
    fv[path] = v;  // the row's tombstone
  }
  fv[field] = v;
}

json restore_patch(const json& payload, const std::string& path, const json& lost_value) {
  const auto slash = path.find('/');
  if (slash == std::string::npos) return json{{path, lost_value}};
  const std::string field = path.substr(0, slash);
  const auto second = path.find('/', slash + 1);
  const std::string id = path.substr(slash + 1, second == std::string::npos ? std::string::npos : second - slash - 1);
  std::map<std::string, json> rows;
  if (payload.contains(field))
    for (const auto& [row_id, row] : rows_by_id(payload[field])) rows[row_id] = *row;
  if (second != std::string::npos) {
    const std::string key = path.substr(second + 1);
    auto& row = rows[id];
    row[kRowIdKey] = id;
    if (lost_value.is_null()) row.erase(key);
    else row[key] = lost_value;
  } else if (lost_value.is_object()) {
    rows[id] = lost_value;
  } else {
    rows.erase(id);
  }
  json list = json::array();
  for (auto& [_, row] : rows) list.push_back(std::move(row));
  return json{{field, std::move(list)}};
}

MergeOutcome merge(const Envelope& stored, const Envelope& incoming) {
  MergeOutcome out;
  out.merged = stored;
  Envelope& m = out.merged;
  const Context cx{stored, incoming, out};

  for (const auto& [field, ivalue] : incoming.payload.items()) {
    // Fields the incoming side lacks are kept: partial records keep what the other side has.
    auto s = stored.payload.find(field);
    if (s != stored.payload.end() && is_row_list(*s) && is_row_list(ivalue)) merge_row_list(cx, field);
    else merge_value(cx, field);
  }
  // Fields written implicitly at the record version must keep that version after merging.
  for (const auto& [field, _] : m.payload.items()) {
    if (!m.field_versions.count(field)) m.field_versions[field] = stored.version;
  }
  if (incoming.version > m.version) {
    m.version = incoming.version;
    out.changed = true;
  }
  if (incoming.deleted && !m.deleted) {
    m.deleted = true;
    out.changed = true;
  }
  m.schema_version = std::max(m.schema_version, incoming.schema_version);
  m.base_version.reset();
  return out;
}

}  // namespace ws

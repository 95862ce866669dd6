#include "kiosk/core/store/search_index.hpp"

#include <sodium.h>

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "kiosk/core/store/record_codec.hpp"
#include "kiosk/core/store/record_row.hpp"
#include "kiosk/core/store/search_text.hpp"
#include "kiosk/core/store/vault.hpp"

namespace ws::kiosk::search_index {
namespace {

struct Entry {
  std::string tag;   // hash of the stored payload bytes the text was made from
  std::string text;  // search_text_of(payload)
};

struct Index {
  std::mutex mutex;
  std::unordered_map<std::string, Entry> entries;  // by record id
};

std::mutex g_mutex;
std::map<std::string, std::shared_ptr<Index>> g_indexes;  // by vault::folder_key

std::shared_ptr<Index> index_of(const std::string& data_dir) {
  const auto key = vault::folder_key(data_dir);
  std::lock_guard lock(g_mutex);
  auto& slot = g_indexes[key];
  if (!slot) slot = std::make_shared<Index>();
  return slot;
}

std::string tag_of(const std::string& bytes) {
  std::string tag(16, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(tag.data()), tag.size(),
                     reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), nullptr, 0);
  return tag;
}

// The text of one row (inside the index's lock): the entry's when it was made from these bytes.
Result<const std::string*> text_of(Index& index, const std::string& data_dir, const std::string& id, int codec_id,
                                   const std::string& bytes) {
  auto tag = tag_of(bytes);
  auto& entry = index.entries[id];
  if (entry.tag == tag) return &entry.text;
  auto payload = record_codec::decode(data_dir, id, codec_id, bytes);
  if (!payload && payload.error().code == record_codec::kLocked) {
    index.entries.erase(id);
    return fail(payload.error());
  }
  // An unreadable row matches nothing rather than hide every other record.
  entry.text = payload ? search_text_of(*payload) : std::string();
  entry.tag = std::move(tag);
  return &entry.text;
}

}  // namespace

Result<std::vector<StoredRecord>> search(Store& store, const ListQuery& q) {
  const int limit = std::clamp(q.limit, 1, 10000);
  const int offset = std::max(q.offset, 0);
  const std::string needle = fold_case(q.text);
  auto st = store.connection().prepare("SELECT " + row::kSelect + R"sql(
    WHERE kind = ?1 AND (?2 OR deleted = 0) AND (?3 IS NULL OR case_id = ?3) ORDER BY id DESC)sql");
  if (!st) return fail(st.error());
  st->bind(1, q.kind).bind(2, q.include_deleted ? 1 : 0).bind(3, q.case_id);
  auto index = index_of(store.data_dir());
  std::lock_guard lock(index->mutex);
  std::vector<StoredRecord> out;
  int skipped = 0;
  for (;;) {
    auto step = st->step();
    if (!step) return fail(step.error());
    if (!*step) break;
    auto text = text_of(*index, store.data_dir(), st->column_text(0), static_cast<int>(st->column_int(6)),
                        st->column_blob(7));
    if (!text) return fail(text.error());
    if ((*text)->find(needle) == std::string::npos) continue;
    if (skipped < offset) {
      ++skipped;
      continue;
    }
    auto r = row::read_record(*st, store.data_dir());
    if (!r) return fail(r.error());
    out.push_back(std::move(*r));
    if (static_cast<int>(out.size()) >= limit) break;
  }
  return out;
}

void drop(const std::string& data_dir) {
  const auto key = vault::folder_key(data_dir);
  std::shared_ptr<Index> dropped;
  {
    std::lock_guard lock(g_mutex);
    auto it = g_indexes.find(key);
    if (it == g_indexes.end()) return;
    dropped = std::move(it->second);
    g_indexes.erase(it);
  }
  std::lock_guard lock(dropped->mutex);  // a search in flight finishes first
  dropped->entries.clear();
}

std::size_t size(const std::string& data_dir) {
  auto index = index_of(data_dir);
  std::lock_guard lock(index->mutex);
  return index->entries.size();
}

}  // namespace ws::kiosk::search_index

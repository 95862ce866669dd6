#include "sync-server/core/have.hpp"

#include "ws/protocol.hpp"

namespace ws::server {

Result<std::vector<HeldVersion>> parse_have_request(const nlohmann::json& body) {
  if (!body.is_object() || !body.contains("records") || !body["records"].is_array()) {
    return fail("invalid_request", "the body must be {\"records\":[{\"id\",\"version\"}...]}");
  }
  const auto& list = body["records"];
  if (list.size() > protocol::kMaxHaveRecords) {
    return fail("too_large", "at most " + std::to_string(protocol::kMaxHaveRecords) + " records per request");
  }
  std::vector<HeldVersion> out;
  out.reserve(list.size());
  for (const auto& item : list) {
    if (!item.is_object() || !item.contains("id") || !item["id"].is_string() || !item.contains("version") ||
        !item["version"].is_string()) {
      return fail("invalid_request", "every entry needs a string id and version");
    }
    auto version = Version::parse(item["version"].get<std::string>());
    if (!version) return fail("invalid_request", "an entry has a malformed version");
    out.push_back(HeldVersion{item["id"].get<std::string>(), *version});
  }
  return out;
}

Result<std::vector<std::string>> missing_records(Database& db, const std::string& centre,
                                                 const std::vector<HeldVersion>& held) {
  auto lease = db.acquire();
  if (!lease) return fail(lease.error());
  // One read transaction: every answer comes from the same snapshot.
  auto tx = sql::Transaction::begin(**lease, sql::TxMode::Deferred);
  if (!tx) return fail(tx.error());
  auto st = (*lease)->prepare("SELECT centre, version FROM records WHERE id = ?1");
  if (!st) return fail(st.error());
  std::vector<std::string> missing;
  for (const auto& h : held) {
    st->reset();
    st->bind(1, h.id);
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) {
      missing.push_back(h.id);
      continue;
    }
    if (st->column_text(0) != centre) continue;
    auto stored = Version::parse(st->column_text(1));
    if (!stored || *stored < h.version) missing.push_back(h.id);
  }
  return missing;
}

}  // namespace ws::server

// Per-kiosk sequences kept in the meta table ("seq:<name>"), so handing out a number needs no
// server round trip and survives restarts.
#include <algorithm>
#include <charconv>

#include "kiosk/core/store/store.hpp"

namespace ws::kiosk {

Result<std::int64_t> Store::next_in_sequence(const std::string& name, std::int64_t at_least) {
  if (auto s = writable(); !s) return fail(s.error());
  auto tx = sql::Transaction::begin(db_);
  if (!tx) return fail(tx.error());
  const std::string key = "seq:" + name;
  auto last_text = meta(key);
  if (!last_text) return fail(last_text.error());
  std::int64_t last = 0;
  if (!last_text->empty()) {
    const auto [end, ec] = std::from_chars(last_text->data(), last_text->data() + last_text->size(), last);
    if (ec != std::errc() || end != last_text->data() + last_text->size()) last = 0;
  }
  const std::int64_t next = std::max(last + 1, at_least);
  if (auto s = set_meta(key, std::to_string(next)); !s) return fail(s.error());
  if (auto s = tx->commit(); !s) return fail(s.error());
  return next;
}

}  // namespace ws::kiosk

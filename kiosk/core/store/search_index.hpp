#pragma once
// Search over records whose text is on disk only encrypted (docs/security.md "Encryption at
// rest", design (b)): the search text of each record (search_text_of) is kept in memory, per
// data folder and process, like the vault's keyring, and dropped when the vault locks. Nothing
// derived from the text is written anywhere.
//
// Each entry remembers a hash of the stored payload bytes it was made from, so an entry is
// checked against the row on every use: a write by any connection or process (a new ciphertext)
// simply misses and is read again. No write path has to keep the index current, and a stale
// entry can never answer.
#include <cstddef>
#include <string>
#include <vector>

#include "kiosk/core/store/store.hpp"
#include "ws/result.hpp"

namespace ws::kiosk::search_index {

// Store::list with a search term: records of the query's kind (and case) whose text holds the
// term (folded as search_text.hpp folds), newest first, offset and limit counted over matches.
// "vault_locked" when an encrypted record has to be read while the vault is locked.
Result<std::vector<StoredRecord>> search(Store& store, const ListQuery& query);
// Forgets the folder's entries (at lock: they are derived from the records).
void drop(const std::string& data_dir);
// Entries held for the folder (tests, bench).
std::size_t size(const std::string& data_dir);

}  // namespace ws::kiosk::search_index

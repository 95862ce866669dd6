// What a kiosk does with a page its server sent: inflate it when gzip'd (with the same cap as
// the real transport), parse it strictly, and apply it to a real kiosk store. The server is
// trusted to speak the protocol but not to be well-formed: a broken or hostile reply must be
// refused or applied whole, never crash the kiosk or leave its store unusable.
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "kiosk/core/store/store.hpp"
#include "kiosk/core/sync/capped_inflate.hpp"
#include "tests/fuzz/fuzz.hpp"
#include "ws/case_id.hpp"
#include "ws/envelope_reader.hpp"
#include "ws/json_view.hpp"
#include "ws/protocol.hpp"

namespace ws::fuzz {
namespace {

constexpr std::size_t kReplyCap = 4u << 20;  // small enough to keep the fuzzer fast

// One enrolled store per process, in a private temporary folder removed at exit: opening a
// store per input would spend the run on schema migrations instead of on the page.
struct FuzzStore {
  std::string dir;
  std::unique_ptr<kiosk::Store> store;
  FuzzStore() {
    dir = (std::filesystem::temp_directory_path() / "ws-fuzz-pull-XXXXXX").string();
    if (!::mkdtemp(dir.data())) std::abort();
    auto opened = kiosk::Store::open(dir);
    if (!opened) std::abort();
    store = std::move(*opened);
    if (!store->set_identity(kiosk::DeviceIdentity{"kiosk-fuzz", "token", "centre-a", "https://127.0.0.1:1", "", false}))
      std::abort();
  }
  ~FuzzStore() {
    store.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

kiosk::Store& store() {
  static FuzzStore s;
  return *s.store;
}

// `compact`'s field versions are `full`'s in compact form: each one full's, and every one that
// differs from the record's version there. (An entry at the record's version on a path stays
// in compact form when sent, and the full form also lists every payload field at that version,
// so those entries are not compared.)
void check_compact_versions(const Envelope& compact, const Envelope& full) {
  WS_FUZZ_CHECK(compact.version == full.version);
  for (const auto& [field, v] : compact.field_versions) {
    auto it = full.field_versions.find(field);
    WS_FUZZ_CHECK(it != full.field_versions.end() && it->second == v);
  }
  for (const auto& [field, v] : full.field_versions) {
    if (v != full.version) WS_FUZZ_CHECK(compact.field_versions.count(field) == 1);
  }
}

}  // namespace

int pull_reply(const std::uint8_t* data, std::size_t size) {
  std::string body(text_of(data, size));
  if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b) {
    auto inflated = kiosk::inflate_capped(body, kReplyCap);
    if (!inflated) return 0;
    WS_FUZZ_CHECK(inflated->size() <= kReplyCap);
    body = std::move(*inflated);
  }
  // The kiosk reads pages with the simdjson reader first: it may decline any page, but one it
  // accepts the strict parse must accept, with the same records.
  auto read = protocol::read_pull_page(body);
  auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  WS_FUZZ_CHECK(!read || !j.is_discarded());
  if (j.is_discarded()) return 0;
  auto page = protocol::parse_pull_response(std::move(j));
  WS_FUZZ_CHECK(!read || page);
  if (!page) return 0;
  if (read) {
    WS_FUZZ_CHECK(read->cursor == page->cursor && read->more == page->more);
    WS_FUZZ_CHECK(read->payload_json == page->payload_json && read->records.size() == page->records.size());
    for (std::size_t i = 0; i < page->records.size(); ++i) {
      WS_FUZZ_CHECK(to_json(read->records[i]) == to_json(page->records[i]));
      WS_FUZZ_CHECK(read->records[i].field_versions == page->records[i].field_versions);
    }
  }
  // As the sync round reads it: compact, payload trees only where apply_pull reads them before
  // the merge; every other record's tree, made from its text, and its case id as the tree's.
  // It declines nothing the full read accepts. It may accept more: a field version sent twice
  // is the strict path's to judge in full form, but compact form drops an entry at the record's
  // version either way, so the compact read keeps the last one, as the strict parse does.
  auto kiosk_read = protocol::read_pull_page(body, EnvelopeForm::Compact, &kiosk::Store::pull_reads_payload);
  WS_FUZZ_CHECK(!read || kiosk_read);
  if (kiosk_read) {
    WS_FUZZ_CHECK(kiosk_read->cursor == page->cursor && kiosk_read->more == page->more);
    WS_FUZZ_CHECK(kiosk_read->payload_json == page->payload_json && kiosk_read->case_ids.size() == page->records.size());
    for (std::size_t i = 0; i < page->records.size(); ++i) {
      const auto& tree = page->records[i].payload;
      WS_FUZZ_CHECK(protocol::payload_tree_of(*kiosk_read, i) == tree);
      if (kiosk_read->records[i].payload.is_null()) {
        WS_FUZZ_CHECK(kiosk_read->case_ids[i] == case_id_of(json_view::Tree(tree)));
      }
      check_compact_versions(kiosk_read->records[i], page->records[i]);
    }
  }
  kiosk::Store& s = store();
  (void)s.apply_pull(kiosk_read ? *kiosk_read : *page);
  // Whatever the page did, the store must still answer.
  WS_FUZZ_CHECK(s.pull_cursor().has_value());
  return 0;
}

}  // namespace ws::fuzz

WS_FUZZ_ENTRY(pull_reply)

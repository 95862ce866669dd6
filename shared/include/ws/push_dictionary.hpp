#pragma once
// Preset deflate dictionaries for sealed push items (docs/protocol.md "Sealed items"). Each item
// is compressed alone (it is sealed when its outbox row is queued), so without a dictionary it
// cannot borrow the keys and words that every other record repeats; with one, both sides start
// from the same text: the envelope's keys, the shipped forms' answer keys and choice values, and
// their labels (the vocabulary of the free text). An item names its dictionary by id.
//
// An id's bytes never change once shipped: kiosks of that release seal with it, items may wait
// in an outbox for weeks, and the server opens them with the same bytes. A new dictionary (new
// forms) is a new id, made by scripts/push-dictionary; the server keeps every old one.
// push_dictionary_test pins each id's digest.
#include <cstdint>
#include <string_view>

namespace ws::push_seal {

// What seal_item uses. Ids run from 1 to 119: an item's first plaintext byte is its dictionary
// id, and 0x78 (the zlib header of items sealed before dictionaries) must stay unambiguous.
inline constexpr std::uint8_t kDictionaryId = 1;
inline constexpr std::uint8_t kMaxDictionaryId = 0x77;

// Dictionary `id`'s bytes; empty for an id this build does not know.
std::string_view dictionary(std::uint8_t id);

}  // namespace ws::push_seal

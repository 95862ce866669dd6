#pragma once
// The ids of one batch that no stored row has (RecordWriter::probe), asked once per record by
// the one writer thread. A std::unordered_set of views cost ~4% of the writer's samples in a
// ten-kiosk push: a node allocated per id and the whole id hashed on every look-up. Record ids
// are UUIDs, so a few of their bytes hash them well enough; the table is open-addressed, at most
// half full, and holds views of texts that outlive it.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace ws::server {

class AbsentIds {
 public:
  // Replaces what the set held by `ids` (duplicates are held once).
  void assign(const std::vector<std::string_view>& ids);
  bool contains(std::string_view id) const;
  void erase(std::string_view id);
  std::size_t size() const { return size_; }

 private:
  enum class Slot : std::uint8_t { Free, Held, Erased };
  static std::uint64_t hash(std::string_view id);
  // The slot holding `id`, or the table's size when none does.
  std::size_t find(std::string_view id) const;

  std::vector<std::string_view> ids_;
  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

}  // namespace ws::server

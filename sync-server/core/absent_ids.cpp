#include "sync-server/core/absent_ids.hpp"

#include <cstring>

namespace ws::server {

std::uint64_t AbsentIds::hash(std::string_view id) {
  // A UUID v7's last 16 characters are random; its first ones, the time, are shared by a batch.
  // Shorter ids are read whole. A device that chose colliding ids would only slow its own batch.
  std::uint64_t a = 0, b = 0;
  if (id.size() >= 16) {
    std::memcpy(&a, id.data() + id.size() - 8, 8);
    std::memcpy(&b, id.data() + id.size() - 16, 8);
  } else {
    if (!id.empty()) std::memcpy(&a, id.data(), id.size() < 8 ? id.size() : 8);
    if (id.size() > 8) std::memcpy(&b, id.data() + 8, id.size() - 8);
  }
  std::uint64_t h = (a ^ (b * 0x9E3779B97F4A7C15ULL) ^ id.size()) * 0xBF58476D1CE4E5B9ULL;
  return h ^ (h >> 31);
}

void AbsentIds::assign(const std::vector<std::string_view>& ids) {
  std::size_t capacity = 16;
  while (capacity < ids.size() * 2) capacity *= 2;
  ids_.assign(capacity, std::string_view());
  slots_.assign(capacity, Slot::Free);
  mask_ = capacity - 1;
  size_ = 0;
  for (std::string_view id : ids) {
    std::size_t at = hash(id) & mask_;
    bool held = false;
    while (slots_[at] != Slot::Free) {
      if (ids_[at] == id) {
        held = true;
        break;
      }
      at = (at + 1) & mask_;
    }
    if (held) continue;
    ids_[at] = id;
    slots_[at] = Slot::Held;
    ++size_;
  }
}

std::size_t AbsentIds::find(std::string_view id) const {
  if (slots_.empty()) return 0;
  // Erased slots are passed over, not reused: the set only shrinks until the next assign.
  for (std::size_t at = hash(id) & mask_;; at = (at + 1) & mask_) {
    if (slots_[at] == Slot::Free) return slots_.size();
    if (slots_[at] == Slot::Held && ids_[at] == id) return at;
  }
}

bool AbsentIds::contains(std::string_view id) const { return find(id) < slots_.size(); }

void AbsentIds::erase(std::string_view id) {
  const std::size_t at = find(id);
  if (at >= slots_.size()) return;
  slots_[at] = Slot::Erased;
  --size_;
}

}  // namespace ws::server

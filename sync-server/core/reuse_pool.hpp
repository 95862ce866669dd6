#pragma once
// A push's largest blocks (its body, its list of checked records) kept for the next push
// instead of being given back to the heap. glibc serves each request thread from one of up to
// 8 heaps a core, and a block freed into one heap is reused only by the threads of that heap:
// a fresh server paged in a push's blocks once per heap (16 on two cores) before reusing any.
// The two blocks were two fifths of a fresh server's page faults under ten kiosks, and one
// kiosk's faults fell by 29% once they were kept (docs/performance.md, session 28). Kept here,
// they are reused by whichever thread serves the next push.
#include <cstddef>
#include <mutex>
#include <utility>
#include <vector>

namespace ws::server {

// `T` is a container: clear() empties it and keeps its capacity, capacity() says what it holds.
template <typename T>
class ReusePool {
 public:
  // Keeps at most `keep` items, none with a capacity over `max_capacity`: a rare huge body
  // goes back to the heap rather than being held for good.
  ReusePool(std::size_t keep, std::size_t max_capacity) : keep_(keep), max_capacity_(max_capacity) {
    free_.reserve(keep);
  }
  ReusePool(const ReusePool&) = delete;
  ReusePool& operator=(const ReusePool&) = delete;

  // An item taken from the pool (or a new, empty one), given back when the lease ends.
  class Lease {
   public:
    explicit Lease(ReusePool& pool) : pool_(pool), item_(pool.take()) {}
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { pool_.give(std::move(item_)); }
    T& operator*() { return item_; }
    T* operator->() { return &item_; }

   private:
    ReusePool& pool_;
    T item_;
  };

  Lease lease() { return Lease(*this); }

  // Items waiting to be reused (for tests).
  std::size_t kept() const {
    std::lock_guard lock(mutex_);
    return free_.size();
  }

 private:
  T take() {
    std::lock_guard lock(mutex_);
    if (free_.empty()) return T{};
    T item = std::move(free_.back());
    free_.pop_back();
    return item;
  }

  void give(T&& item) {
    // Emptied outside the lock: clearing a list of records frees each one's strings.
    item.clear();
    // One that holds no memory of its own (a body never read: a string's inline buffer) would
    // only take a place.
    if (item.capacity() <= T{}.capacity() || item.capacity() > max_capacity_) return;
    std::lock_guard lock(mutex_);
    if (free_.size() < keep_) free_.push_back(std::move(item));
  }

  const std::size_t keep_;
  const std::size_t max_capacity_;
  mutable std::mutex mutex_;
  std::vector<T> free_;
};

}  // namespace ws::server

#pragma once
// Pushes take turns to be opened and checked: at most one batch per core at a time, in the order
// their bodies arrived. Without turns, ten kiosks' batches were all checked at once under
// processor sharing, finished their checks together and left the one writer a backlog while the
// cores stood half idle; in turn, a batch reaches the writer as soon as its own checks end, so
// writing overlaps the next batches' checks (docs/performance.md, session 26).
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>

namespace ws::server {

class CheckTurns {
 public:
  // One turn per core: the request thread and the check pool's helpers (check_pool.hpp).
  static unsigned default_at_once();

  explicit CheckTurns(unsigned at_once = default_at_once());
  CheckTurns(const CheckTurns&) = delete;
  CheckTurns& operator=(const CheckTurns&) = delete;

  // A turn held until released, moved from or destroyed; an empty one holds nothing.
  class Turn {
   public:
    Turn() = default;
    Turn(Turn&& other) noexcept : owner_(other.owner_) { other.owner_ = nullptr; }
    Turn& operator=(Turn&& other) noexcept;
    Turn(const Turn&) = delete;
    Turn& operator=(const Turn&) = delete;
    ~Turn() { release(); }

    bool held() const { return owner_ != nullptr; }
    // Gives the turn to the first caller waiting, if any; then this holds nothing.
    void release();

   private:
    friend class CheckTurns;
    explicit Turn(CheckTurns* owner) : owner_(owner) {}
    CheckTurns* owner_ = nullptr;
  };

  // Blocks until a turn is free and every earlier caller has had one.
  Turn take();

  unsigned at_once() const { return at_once_; }
  // Callers blocked in take() and turns held now (for tests and metrics).
  std::size_t waiting() const;
  unsigned held() const;

 private:
  // A caller blocked in take(): handed its turn directly by release(), so no later caller can
  // overtake it between the release and its wake-up.
  struct Waiter {
    std::condition_variable granted_changed;
    bool granted = false;
  };
  void give_back();

  const unsigned at_once_;
  mutable std::mutex mutex_;
  unsigned held_ = 0;
  std::deque<Waiter*> queue_;
};

}  // namespace ws::server

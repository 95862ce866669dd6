#pragma once
// A few long-lived helper threads that check the second half of a large push while the request
// thread checks the first. Work goes only to a helper that is idle: with every helper busy the
// cores are busy too, so the caller checks the whole batch itself rather than queueing behind
// another kiosk's batch or starting a thread with a cold heap (docs/performance.md, session 14).
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace ws::server {

class CheckPool {
 public:
  // One helper per core beyond the first: the request thread is the first.
  static unsigned default_helpers();

  // `helpers` may be 0 (every batch is checked by its caller). A helper the system will not
  // start is done without.
  explicit CheckPool(unsigned helpers = default_helpers());
  ~CheckPool() { stop(); }
  CheckPool(const CheckPool&) = delete;
  CheckPool& operator=(const CheckPool&) = delete;

  struct Done;  // one hand-off's completion, shared by its helper and its Handoff

  // A piece of work an idle helper has taken. Its owner must wait() before anything the work
  // refers to goes; the destructor waits too, so an exception on the caller's side cannot leave
  // a helper writing into freed memory.
  class Handoff {
   public:
    explicit Handoff(std::shared_ptr<Done> done) : done_(std::move(done)) {}
    Handoff(Handoff&&) = default;
    Handoff& operator=(Handoff&&) = delete;
    Handoff(const Handoff&) = delete;
    Handoff& operator=(const Handoff&) = delete;
    ~Handoff();
    // Blocks until the helper has run the work; rethrows what the work threw, as a future would.
    void wait();

   private:
    std::shared_ptr<Done> done_;
  };

  // Gives `work` to an idle helper, or returns nothing (no helper idle, or the pool stopping):
  // then the caller does the work itself.
  std::optional<Handoff> try_hand_off(std::function<void()> work);

  // Refuses new work, lets the helpers finish what they have taken, and joins them.
  void stop();

  unsigned helpers() const { return static_cast<unsigned>(slots_.size()); }
  // Work helpers have taken since the pool was made (for tests and metrics).
  std::uint64_t handed_off() const;

 private:
  struct Slot {
    bool busy = false;  // from the hand-off until its work has run
    std::function<void()> work;
    std::shared_ptr<Done> done;
    std::condition_variable wake;
    std::thread thread;
  };
  void serve(Slot& slot);

  mutable std::mutex mutex_;
  bool stopping_ = false;
  std::uint64_t handed_off_ = 0;
  std::vector<std::unique_ptr<Slot>> slots_;
};

}  // namespace ws::server

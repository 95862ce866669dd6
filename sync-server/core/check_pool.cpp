#include "sync-server/core/check_pool.hpp"

#include <system_error>
#include <utility>

#include "sync-server/core/thread_priority.hpp"

namespace ws::server {

struct CheckPool::Done {
  std::mutex mutex;
  std::condition_variable changed;
  bool finished = false;
  std::exception_ptr thrown;
};

unsigned CheckPool::default_helpers() {
  const unsigned cores = std::thread::hardware_concurrency();
  return cores > 1 ? cores - 1 : 0;
}

CheckPool::CheckPool(unsigned helpers) {
  slots_.reserve(helpers);
  for (unsigned i = 0; i < helpers; ++i) {
    auto slot = std::make_unique<Slot>();
    try {
      slot->thread = std::thread([this, s = slot.get()] { serve(*s); });
    } catch (const std::system_error&) {
      break;  // fewer helpers only means more batches checked by their callers
    }
    slots_.push_back(std::move(slot));
  }
}

void CheckPool::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  for (auto& slot : slots_) slot->wake.notify_one();
  for (auto& slot : slots_) {
    if (slot->thread.joinable()) slot->thread.join();
  }
}

std::optional<CheckPool::Handoff> CheckPool::try_hand_off(std::function<void()> work) {
  std::lock_guard lock(mutex_);
  if (stopping_) return std::nullopt;
  for (auto& slot : slots_) {
    if (slot->busy) continue;
    slot->busy = true;
    slot->work = std::move(work);
    slot->done = std::make_shared<Done>();
    ++handed_off_;
    slot->wake.notify_one();
    return Handoff(slot->done);
  }
  return std::nullopt;
}

std::uint64_t CheckPool::handed_off() const {
  std::lock_guard lock(mutex_);
  return handed_off_;
}

// Work taken before the pool began to stop is still run: its caller is waiting for it.
void CheckPool::serve(Slot& slot) {
  name_this_thread("ws-check");
  run_below_writer();  // helpers only ever check
  std::unique_lock lock(mutex_);
  for (;;) {
    slot.wake.wait(lock, [&] { return stopping_ || slot.done; });
    if (!slot.done) return;
    auto work = std::exchange(slot.work, nullptr);
    auto done = std::move(slot.done);
    lock.unlock();
    std::exception_ptr thrown;
    try {
      work();
    } catch (...) {
      thrown = std::current_exception();
    }
    work = nullptr;  // what the work holds goes before its caller is told it is done
    lock.lock();
    // Idle before the caller hears it is done, so the caller's next batch finds it idle.
    slot.busy = false;
    lock.unlock();
    {
      std::lock_guard finished(done->mutex);
      done->finished = true;
      done->thrown = thrown;
    }
    done->changed.notify_all();
    lock.lock();
  }
}

CheckPool::Handoff::~Handoff() {
  if (!done_) return;
  std::unique_lock lock(done_->mutex);
  done_->changed.wait(lock, [&] { return done_->finished; });
}

void CheckPool::Handoff::wait() {
  std::exception_ptr thrown;
  {
    std::unique_lock lock(done_->mutex);
    done_->changed.wait(lock, [&] { return done_->finished; });
    thrown = std::exchange(done_->thrown, nullptr);
  }
  if (thrown) std::rethrow_exception(thrown);
}

}  // namespace ws::server

#include "sync-server/core/check_turns.hpp"

#include <thread>

namespace ws::server {

unsigned CheckTurns::default_at_once() {
  const unsigned cores = std::thread::hardware_concurrency();
  return cores > 0 ? cores : 1;
}

CheckTurns::CheckTurns(unsigned at_once) : at_once_(at_once > 0 ? at_once : 1) {}

CheckTurns::Turn& CheckTurns::Turn::operator=(Turn&& other) noexcept {
  if (this != &other) {
    release();
    owner_ = other.owner_;
    other.owner_ = nullptr;
  }
  return *this;
}

void CheckTurns::Turn::release() {
  if (owner_ == nullptr) return;
  CheckTurns* owner = owner_;
  owner_ = nullptr;
  owner->give_back();
}

CheckTurns::Turn CheckTurns::take() {
  std::unique_lock lock(mutex_);
  if (queue_.empty() && held_ < at_once_) {
    ++held_;
    return Turn(this);
  }
  Waiter me;
  queue_.push_back(&me);
  me.granted_changed.wait(lock, [&] { return me.granted; });
  return Turn(this);  // held_ was left as it was: the turn passed straight from its last holder
}

void CheckTurns::give_back() {
  std::lock_guard lock(mutex_);
  if (queue_.empty()) {
    --held_;
    return;
  }
  Waiter* next = queue_.front();
  queue_.pop_front();
  next->granted = true;
  // Under the lock: `next` lives on its caller's stack and may return as soon as it sees granted.
  next->granted_changed.notify_one();
}

std::size_t CheckTurns::waiting() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

unsigned CheckTurns::held() const {
  std::lock_guard lock(mutex_);
  return held_;
}

}  // namespace ws::server

#include "kiosk/core/vm/local_grant.hpp"

#include <algorithm>
#include <chrono>
#include <memory>

namespace ws::kiosk::vm {

LocalGrant::~LocalGrant() { wait(); }

void LocalGrant::open(const CounsellorAccount& account) {
  if (busy()) return;
  account_ = account;
  problem_.clear();
  step_ = GrantStep::Confirm;
}

void LocalGrant::confirm() {
  if (step_ == GrantStep::Confirm) step_ = GrantStep::Pin;
}

void LocalGrant::close() {
  wait();
  if (pending_.valid()) (void)pending_.get();
  account_ = {};
  problem_.clear();
  step_ = GrantStep::Closed;
}

void LocalGrant::start(const Session::Verifier& verify, const std::string& secret, Giver give) {
  if (step_ != GrantStep::Pin || busy()) return;
  problem_.clear();
  step_ = GrantStep::Working;
  // The task object lives as long as the future; the PIN must not, so it is wiped after use.
  auto pin = std::make_shared<std::string>(secret);
  pending_ = std::async(std::launch::async, [verify, give = std::move(give), id = account_.id,
                                             hash = account_.pin_hash, pin]() {
    Outcome out;
    out.pin_ok = verify(hash, *pin);
    if (out.pin_ok) out.given = give(id, *pin);
    std::fill(pin->begin(), pin->end(), '\0');
    return out;
  });
}

std::optional<LocalGrant::Outcome> LocalGrant::collect() {
  if (!pending_.valid() || pending_.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return std::nullopt;
  step_ = GrantStep::Pin;
  return pending_.get();
}

void LocalGrant::wait() {
  if (pending_.valid()) pending_.wait();
}

}  // namespace ws::kiosk::vm

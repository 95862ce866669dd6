#include "kiosk/core/vm/accounts.hpp"

#include <chrono>

#include "ws/crypto.hpp"

namespace ws::kiosk::vm {

AccountCreator::AccountCreator(Hasher hasher) : hasher_(std::move(hasher)) {
  if (!hasher_) hasher_ = [](const std::string& secret) { return ws::crypto::hash_password(secret); };
}

AccountCreator::~AccountCreator() { wait(); }

bool AccountCreator::start(const NewAccount& request, const std::vector<CounsellorAccount>& existing) {
  if (busy()) return false;  // one account at a time; the button is disabled meanwhile
  std::vector<std::string> names;
  for (const auto& a : existing) names.push_back(a.name);
  problems_ = counsellors::check_new(request.name, request.role, request.pin, names);
  // Typed twice because nobody sees a PIN field's content: a slip would lock the person out.
  const bool pin_ok = problem("pin").empty();
  if (pin_ok && request.pin != request.pin_again) problems_.push_back({"pin_again", "PIN again: the two PINs differ."});
  if (!problems_.empty()) return false;
  name_ = counsellors::clean_name(request.name);
  role_ = request.role;
  pending_ = std::async(std::launch::async, [hash = hasher_, secret = request.pin]() { return hash(secret); });
  return true;
}

std::optional<AccountCreator::Hashed> AccountCreator::collect() {
  if (!pending_.valid() || pending_.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return std::nullopt;
  return Hashed{name_, role_, pending_.get()};
}

void AccountCreator::wait() {
  if (pending_.valid()) pending_.wait();
}

const std::string& AccountCreator::problem(const std::string& field) const {
  static const std::string kNone;
  for (const auto& p : problems_)
    if (p.field == field) return p.message;
  return kNone;
}

}  // namespace ws::kiosk::vm

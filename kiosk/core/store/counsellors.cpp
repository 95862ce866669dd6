#include "kiosk/core/store/counsellors.hpp"

#include <algorithm>

#include "kiosk/core/store/store.hpp"
#include "ws/crypto.hpp"

namespace ws::kiosk::counsellors {
namespace {

std::string text_of(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::string clean_name(const std::string& name) {
  const auto first = name.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = name.find_last_not_of(" \t\r\n");
  return name.substr(first, last - first + 1);
}

std::vector<Problem> check_new(const std::string& name, const std::string& role, const std::string& secret,
                               const std::vector<std::string>& existing_names) {
  std::vector<Problem> out;
  const std::string clean = clean_name(name);
  if (clean.empty()) {
    out.push_back({"name", "Name: enter the counsellor's name."});
  } else if (clean.size() > kMaxName) {
    out.push_back({"name", "Name: at most 128 characters."});
  } else if (std::find(existing_names.begin(), existing_names.end(), clean) != existing_names.end()) {
    out.push_back({"name", "Name: an account with this name exists already."});
  }
  if (role != "counsellor" && role != "admin") out.push_back({"role", "Role: choose counsellor or admin."});
  if (const std::string problem = crypto::secret_problem(secret); !problem.empty()) {
    out.push_back({"pin", "PIN: " + problem});
  }
  return out;
}

nlohmann::json payload(const std::string& name, const std::string& role, const std::string& pin_hash) {
  return {{"name", clean_name(name)}, {"role", role}, {"pin_hash", pin_hash}, {"active", true}};
}

Result<std::vector<Account>> active(Store& store) {
  auto records = store.list(ListQuery{"counsellor", "", std::nullopt, false, 10000, 0});
  if (!records) return fail(records.error());
  std::vector<Account> out;
  for (const auto& r : *records) {
    const auto& p = r.envelope.payload;
    auto enabled = p.find("active");
    if (enabled != p.end() && enabled->is_boolean() && !enabled->get<bool>()) continue;  // disabled by the admin
    Account a{r.envelope.id, text_of(p, "name"), text_of(p, "role"), text_of(p, "pin_hash")};
    if (a.name.empty() || a.pin_hash.empty()) continue;
    out.push_back(std::move(a));
  }
  std::sort(out.begin(), out.end(), [](const Account& a, const Account& b) { return a.name < b.name; });
  return out;
}

Result<std::string> save(Store& store, const std::string& name, const std::string& role, const std::string& pin_hash) {
  return store.save("counsellor", payload(name, role, pin_hash));
}

}  // namespace ws::kiosk::counsellors

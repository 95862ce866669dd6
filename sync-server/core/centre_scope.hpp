#pragma once
// Which centres a caller may see. The HQ console's users may be scoped to some centres; the
// admin commands run with every centre. Core queries take a scope so the rule lives in one place.
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace ws::server {

struct CentreScope {
  bool all = true;                   // every centre (admin commands, unscoped HQ users)
  std::vector<std::string> centres;  // otherwise only these

  static CentreScope every() { return CentreScope{}; }
  static CentreScope only(std::vector<std::string> ids) { return CentreScope{false, std::move(ids)}; }

  bool allows(std::string_view centre) const {
    return all || std::find(centres.begin(), centres.end(), centre) != centres.end();
  }
};

}  // namespace ws::server

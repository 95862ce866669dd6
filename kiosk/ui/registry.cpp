#include "kiosk/ui/registry.hpp"

#include <algorithm>

#include "kiosk/ui/screens/info/register.hpp"
#include "kiosk/ui/screens/staff_screens.hpp"

namespace ws::kiosk::ui {

Status ScreenRegistry::add(ScreenSpec spec) {
  if (spec.name.empty() || spec.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") != std::string::npos)
    return fail("invalid_screen", "screen names are lower-case letters, digits, '-' and '_'");
  if (!spec.create) return fail("invalid_screen", "screen '" + spec.name + "' has no factory");
  if (find(spec.name)) return fail("duplicate_screen", "screen '" + spec.name + "' is registered twice");
  specs_.push_back(std::move(spec));
  return ok();
}

Status ScreenRegistry::alias(const std::string& other_name, const std::string& screen) {
  if (find(other_name)) return fail("duplicate_screen", "screen '" + other_name + "' is registered twice");
  if (!find(screen)) return fail("invalid_screen", "no screen '" + screen + "' to call '" + other_name + "'");
  aliases_.emplace_back(other_name, screen);
  return ok();
}

const ScreenSpec* ScreenRegistry::find(const std::string& name) const {
  for (const auto& s : specs_)
    if (s.name == name) return &s;
  for (const auto& [alias, screen] : aliases_)
    if (alias == name) return find(screen);
  return nullptr;
}

std::unique_ptr<Screen> ScreenRegistry::create(const std::string& name) const {
  const ScreenSpec* spec = find(name);
  return spec ? spec->create() : nullptr;
}

std::vector<std::string> ScreenRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& s : specs_) out.push_back(s.name);
  for (const auto& a : aliases_) out.push_back(a.first);
  std::sort(out.begin(), out.end());
  return out;
}

ScreenRegistry make_registry() {
  ScreenRegistry registry;
  register_staff_screens(registry);
  register_info_screens(registry);
  // The name the foundation asked for; "attract" stays, as do the app's Navigate targets.
  (void)registry.alias("home", "attract");
  return registry;
}

}  // namespace ws::kiosk::ui

#pragma once
// The one place screens are known by name: name -> factory. The app, screenshot mode and the
// tests create screens only through here.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kiosk/ui/screen.hpp"
#include "ws/result.hpp"

namespace ws::kiosk::ui {

enum class Audience {
  Migrant,  // anyone at the kiosk may see it; never shows personal data
  Staff,    // needs a signed-in counsellor; the app sends everyone else to `login`
  Admin,    // a staff screen for a signed-in counsellor whose role is admin (accounts)
};

struct ScreenSpec {
  std::string name;  // lower-case, [a-z0-9_-]
  Audience audience = Audience::Migrant;
  std::function<std::unique_ptr<Screen>()> create;
  std::string description;  // one line, listed by `kiosk --screenshot` on a wrong name
};

class ScreenRegistry {
 public:
  Status add(ScreenSpec spec);
  // Another name for a registered screen (e.g. "home" for the attract screen); find() and
  // create() accept it, names() lists it.
  Status alias(const std::string& other_name, const std::string& screen);
  // Accepts a screen's name or an alias of it; the spec carries the screen's own name.
  const ScreenSpec* find(const std::string& name) const;
  std::unique_ptr<Screen> create(const std::string& name) const;
  std::vector<std::string> names() const;

 private:
  std::vector<ScreenSpec> specs_;
  std::vector<std::pair<std::string, std::string>> aliases_;  // alias, screen
};

// Every screen of the kiosk: the counsellor workspace and the migrant screens
// (register_info_screens from kiosk/ui/screens/info).
ScreenRegistry make_registry();

}  // namespace ws::kiosk::ui

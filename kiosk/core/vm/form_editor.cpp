#include "kiosk/core/vm/form_editor.hpp"

namespace ws::kiosk::vm {

void FormEditor::note(const Status& s) {
  refusal_ = s ? std::string() : s.error().message;
  refresh_checks();
}

// Validating the whole form costs little next to a person's typing speed, and only runs once
// a save or Next was refused.
void FormEditor::refresh_checks() {
  if (!checked_) return;
  error_pages_ = session_.pages_with_errors();
  if (needs_attention_ && session_.complete()) needs_attention_ = false;
}

forms::FormSession::Finished FormEditor::finish() {
  auto finished = session_.finish();
  checked_ = true;
  needs_attention_ = !finished.ok;
  refresh_checks();
  return finished;
}

void FormEditor::set_answer(const std::string& path, nlohmann::json value) {
  note(value.is_null() ? session_.clear_answer(path) : session_.set_answer(path, std::move(value)));
}

void FormEditor::toggle_choice(const std::string& path, const std::string& value) {
  note(session_.toggle_choice(path, value));
}

void FormEditor::add_item(const std::string& group) {
  auto added = session_.add_item(group);
  note(added ? ok() : fail(added.error()));
}

void FormEditor::remove_item(const std::string& group, std::size_t index) { note(session_.remove_item(group, index)); }

bool FormEditor::next_page() {
  refusal_.clear();
  const bool moved = session_.next();
  if (!moved && !session_.errors().empty()) checked_ = true;
  refresh_checks();
  return moved;
}

bool FormEditor::previous_page() {
  refusal_.clear();
  return session_.back();
}

bool FormEditor::go_to_page(std::size_t index) {
  refusal_.clear();
  return session_.go_to_page(index);
}

}  // namespace ws::kiosk::vm

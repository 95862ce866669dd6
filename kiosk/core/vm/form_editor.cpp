#include "kiosk/core/vm/form_editor.hpp"

namespace ws::kiosk::vm {

void FormEditor::note(const Status& s) {
  refusal_ = s ? std::string() : s.error().message;
  refresh_checks();
}

// Validating the whole form costs little next to a person's typing speed, and only runs once
// a save or Next was refused.
void FormEditor::refresh_checks() {
  const std::size_t page = session_.page_index();
  if (visited_.size() < session_.page_count()) visited_.resize(session_.page_count(), false);
  if (page < visited_.size()) visited_[page] = true;
  if (!checked_) return;
  error_pages_ = session_.pages_with_errors();
  // Pages not yet reached are not "wrong" before the person tried to save.
  if (!save_tried_)
    std::erase_if(error_pages_, [&](std::size_t p) { return p >= visited_.size() || !visited_[p]; });
  if (needs_attention_ && session_.complete()) needs_attention_ = false;
}

forms::FormSession::Finished FormEditor::finish() {
  auto finished = session_.finish();
  checked_ = true;
  save_tried_ = true;
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
  const bool moved = session_.back();
  refresh_checks();
  return moved;
}

bool FormEditor::go_to_page(std::size_t index) {
  refusal_.clear();
  const bool moved = session_.go_to_page(index);
  refresh_checks();
  return moved;
}

}  // namespace ws::kiosk::vm

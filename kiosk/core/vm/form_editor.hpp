#pragma once
// The form being filled in the workspace: a ws::forms::FormSession plus where its record
// belongs (case, record id) and the last refusal in words.
#include <string>
#include <vector>

#include "ws/forms/session.hpp"

namespace ws::kiosk::vm {

class FormEditor {
 public:
  FormEditor(forms::FormSession session, std::string case_id, std::string record_id)
      : session_(std::move(session)), case_id_(std::move(case_id)), record_id_(std::move(record_id)) {}

  const forms::FormSession& session() const { return session_; }
  // For the workspace's prefills when it opens a form.
  forms::FormSession& session_mut() { return session_; }
  const forms::FormDefinition& definition() const { return session_.definition(); }
  const std::string& form_id() const { return session_.definition().id; }
  const std::string& case_id() const { return case_id_; }
  const std::string& record_id() const { return record_id_; }  // empty for a new record
  bool is_new() const { return record_id_.empty(); }
  bool dirty() const { return session_.dirty(); }
  // Why the last edit was refused (e.g. a value of the wrong type); empty when it was taken.
  const std::string& refusal() const { return refusal_; }

  void set_answer(const std::string& path, nlohmann::json value);
  void toggle_choice(const std::string& path, const std::string& value);
  void add_item(const std::string& group);
  void remove_item(const std::string& group, std::size_t index);
  bool next_page();
  bool previous_page();
  bool go_to_page(std::size_t index);
  forms::FormSession::Finished finish();

  // Once a save or Next was refused for errors, until every answer is right: the form-level
  // "Some answers need attention" shows while this holds.
  bool needs_attention() const { return needs_attention_; }
  // Pages that hold errors, known once a save or Next was refused (marks on the page tabs):
  // after a refused save every such page, after a refused Next those the person has been on.
  // Updated after every edit.
  const std::vector<std::size_t>& pages_with_errors() const { return error_pages_; }

 private:
  void note(const Status& s);
  void refresh_checks();
  bool checked_ = false;  // a save or Next was refused: keep the marks up to date
  bool save_tried_ = false;
  std::vector<bool> visited_;  // by page index
  bool needs_attention_ = false;
  std::vector<std::size_t> error_pages_;
  forms::FormSession session_;
  std::string case_id_;
  std::string record_id_;
  std::string refusal_;
};

}  // namespace ws::kiosk::vm

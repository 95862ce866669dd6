#pragma once
// One person filling in one form: the pure logic behind the form screens (no UI). Holds the
// definition and the answers, the current page, and what applies (relevance is recomputed on
// every change). Answers to questions that stop applying are cleared (set to null, a clearing
// write that replicates); if the question applies again within the session its answer comes
// back, so a mistaken tap on "travelling with family: no" does not wipe a family list.
//
// Paths name answers: "name_latin" for a top-level question, "family_members.1.name" for a
// question in the second item of a repeat group.
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "ws/forms/definition.hpp"
#include "ws/forms/relevance.hpp"
#include "ws/forms/validate.hpp"
#include "ws/result.hpp"

namespace ws::forms {

struct SessionOptions {
  std::string today;  // yyyy-mm-dd; empty: today_local() (the kiosk's calendar day)
};

class FormSession {
 public:
  static constexpr int kDraftFormat = 1;

  // A new, empty form.
  explicit FormSession(FormDefinition def, SessionOptions options = {});
  // Editing a stored record's answers. Refused when they hold keys the form does not have (the
  // wrong definition or version). Answers to questions that do not apply are cleared.
  static Result<FormSession> edit(FormDefinition def, const nlohmann::json& answers, SessionOptions options = {});
  // Resuming a draft written by save_draft() (e.g. after the idle lock) for this form version.
  static Result<FormSession> from_draft(FormDefinition def, const nlohmann::json& draft, SessionOptions options = {});
  // Everything needed to resume: answers, page, the answers the session started from (so
  // changed_fields() stays right), and answers hidden by skip logic that may come back.
  nlohmann::json save_draft() const;

  const FormDefinition& definition() const { return def_; }
  const nlohmann::json& answers() const { return answers_; }

  // --- answers -------------------------------------------------------------------------------
  const nlohmann::json& answer(std::string_view path) const;  // null when unanswered
  // Refuses unknown paths, notes, repeat groups (use add_item), questions that do not apply and
  // values of the wrong JSON type. Rules (required, ranges, constraints) are reported by
  // errors, not refused here, so a half-typed answer can be held.
  Status set_answer(std::string_view path, nlohmann::json value);
  Status clear_answer(std::string_view path);
  // Multiple choice: adds or removes one choice; an exclusive choice ("none") replaces the others
  // and any other choice replaces an exclusive one. Keeps the definition's order.
  Status toggle_choice(std::string_view path, const std::string& value);
  // Metadata such as "_case_id": a key starting with '_' and a string of at most 128 characters.
  Status set_metadata(const std::string& key, std::string value);

  Result<std::size_t> add_item(const std::string& group);  // the new item's index
  Status remove_item(const std::string& group, std::size_t index);
  std::size_t item_count(const std::string& group) const;

  bool is_relevant(std::string_view path) const;
  const Relevance& relevance() const { return relevance_; }

  // --- pages ---------------------------------------------------------------------------------
  // Pages without any question that applies are skipped by next() and back().
  std::size_t page_count() const { return def_.pages.size(); }
  std::size_t page_index() const { return page_; }
  const Page& page() const { return def_.pages[page_]; }
  bool page_is_visible(std::size_t index) const;
  // The questions (and notes) of the current page that apply, in order.
  std::vector<const Field*> page_fields() const;
  bool is_first_page() const;
  bool is_last_page() const;
  // Moves to the next visible page when the current one is valid; otherwise stays and shows
  // the page's errors. False also on the last page.
  bool next();
  bool back();
  // Backwards freely; forwards only when every page in between is valid.
  bool go_to_page(std::size_t index);

  // --- errors --------------------------------------------------------------------------------
  // Errors shown on the current page: empty until next() or finish() was blocked, then kept up
  // to date on each change so they disappear as the person fixes them.
  const std::vector<FieldError>& errors() const { return shown_errors_; }
  std::vector<FieldError> errors_for(std::string_view path) const;  // shown errors of a question
  std::vector<FieldError> page_errors() const;                       // computed now, current page
  // Computed now over the whole form: the pages holding an error (marks on page tabs), and
  // whether the form could be saved as it is.
  std::vector<std::size_t> pages_with_errors() const;
  bool complete() const { return all_errors().empty(); }

  struct Finished {
    bool ok = false;
    nlohmann::json answers;            // when ok: the payload to store
    std::vector<FieldError> errors;    // when not: every error; the session shows the first bad page
  };
  Finished finish();

  // Top-level fields and metadata keys whose answer differs from the one the session started
  // with (for per-field versions when storing an edit).
  std::set<std::string> changed_fields() const;
  bool dirty() const { return !changed_fields().empty(); }

 private:
  struct Target {
    FieldLocation loc;
    std::size_t item = 0;
  };
  static Result<FormSession> from_draft_unchecked(FormDefinition def, const nlohmann::json& draft, SessionOptions options);
  Result<Target> resolve(std::string_view path) const;
  nlohmann::json* slot(const Target& t, bool create);
  void recompute();
  std::vector<FieldError> all_errors() const;
  std::vector<FieldError> errors_on_page(const std::vector<FieldError>& all, std::size_t page) const;
  nlohmann::json output() const;
  void move_to_visible_page();

  FormDefinition def_;
  SessionOptions options_;
  nlohmann::json answers_ = nlohmann::json::object();
  nlohmann::json initial_ = nlohmann::json::object();
  nlohmann::json stashed_ = nlohmann::json::object();  // path -> answer hidden by skip logic
  Relevance relevance_;
  std::size_t page_ = 0;
  bool showing_errors_ = false;
  std::vector<FieldError> shown_errors_;
};

}  // namespace ws::forms

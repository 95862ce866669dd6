#pragma once
// Plain data the counsellor screens draw: cases, their timelines, drafts, quarantined records.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ws::kiosk::vm {

// Where a record stands between this kiosk and HQ.
enum class RecordSync { Synced, Pending, Quarantined };
const char* to_label(RecordSync s);

struct CaseSummary {
  std::string id;
  std::string case_number;
  std::string given_name;
  std::string family_name;
  std::string native_name;      // the name in the person's own script (name_native), may be empty
  std::string status;           // a value of the case form's `status` field
  std::string counsellor_id;
  std::string counsellor_name;
  std::string opened_on;        // YYYY-MM-DD
  std::string updated_on;       // YYYY-MM-DD
  RecordSync sync = RecordSync::Synced;

  std::string display_name() const;
};

// Reads a `case` record's answers: case_number, given_name + family_name (or full_name / name),
// status, counsellor. Missing fields stay empty.
CaseSummary summary_from_answers(const std::string& id, const nlohmann::json& answers);

struct TimelineEntry {
  std::string record_id;
  std::string kind;       // intake, counselling, reintegration, consent, appointment
  std::string title;      // form title
  std::string when;       // "YYYY-MM-DD HH:MM"
  std::string author;     // counsellor name
  RecordSync sync = RecordSync::Synced;
  std::string quarantine_reason;  // the server's words, when quarantined
};

// A local edit of one of the case's records that a pull replaced (the kiosk's conflict log).
struct CaseConflict {
  std::int64_t seq = 0;     // the log entry; restoring names it
  std::string record_id;
  std::string kind;         // the record's form
  std::string field;        // "status", or "family_members, member 2: name"
  std::string value_kept;   // what the record holds now, as text
  std::string value_lost;   // the value this kiosk's edit had, as text
  std::string kept_by;      // who wrote the kept value: counsellor name and/or device, where known
  std::string kept_when;    // "YYYY-MM-DD HH:MM" of the kept write
  std::string lost_when;    // "YYYY-MM-DD HH:MM" of the lost write
  bool resolved = false;    // restored (or dealt with) already
};

// Readable text of a conflict's path and values against the record's current answers:
// "family_members/<row id>/name" becomes "family_members, member 2: name".
std::string conflict_field_label(const nlohmann::json& answers, const std::string& path);
std::string conflict_value_text(const nlohmann::json& value);
// The value a record now holds at a conflict path (null when absent).
nlohmann::json value_at_path(const nlohmann::json& answers, const std::string& path);

struct CaseDetail {
  CaseSummary summary;
  nlohmann::json header = nlohmann::json::object();  // the `case` record's answers
  std::vector<TimelineEntry> timeline;                // newest first
  std::vector<CaseConflict> conflicts;                // unresolved first, oldest first
};

struct QuarantinedRecord {
  std::string record_id;
  std::string kind;
  std::string case_number;  // may be empty (e.g. an appointment without a case)
  std::string reason;       // the server's words
};

// Unsaved answers kept when the kiosk locks or a counsellor leaves a form; only the same
// counsellor sees it again.
struct FormDraft {
  std::string counsellor_id;
  std::string form_id;
  int form_version = 0;
  std::string case_id;
  std::string record_id;  // empty: the draft is a new record
  nlohmann::json state = nlohmann::json::object();  // ws::forms::FormSession::save_draft()
};

struct CaseFilter {
  std::string query;       // matches name, case number, or a date prefix (YYYY, YYYY-MM, YYYY-MM-DD)
  std::string status;      // "" = any
  std::string counsellor;  // counsellor id, "" = any
};

// Case-insensitive for ASCII letters, Arabic-script letter variants alike (ws::fold_name);
// names match in Latin letters or in the person's own script; every word of the query must
// match somewhere (so "ahmadi 2024" finds a case opened in 2024).
bool matches(const CaseSummary& c, const CaseFilter& f);
std::vector<CaseSummary> apply_filter(const std::vector<CaseSummary>& all, const CaseFilter& f);

}  // namespace ws::kiosk::vm

#pragma once
// The seam between ingest and the form definitions: ingest asks whether a payload is a valid
// answer set for its kind and schema version, without knowing where definitions come from.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ws/envelope_reader.hpp"
#include "ws/sqlite.hpp"

namespace ws::server {

struct FieldProblem {
  std::string field;  // path such as "family_members.1.name"
  std::string message;
};

class PayloadValidator {
 public:
  virtual ~PayloadValidator() = default;
  // Empty = acceptable. A kind without a known definition is accepted: the server must not
  // lose a kiosk's data because HQ has not published that form to it yet.
  virtual std::vector<FieldProblem> validate(const std::string& kind, int schema_version,
                                             const nlohmann::json& payload) const = 0;
  // The same verdict for a payload read by simdjson (the push path builds no tree for it).
  // Validators without a DOM reading of their own judge the tree the strict path would build.
  virtual std::vector<FieldProblem> validate_dom(const std::string& kind, int schema_version,
                                                 const json_view::Dom& payload) const {
    return validate(kind, schema_version, payload_tree(payload));
  }
  // Called before each batch with a read connection, so definitions published while the server
  // runs take effect. Implementations make this cheap when nothing changed.
  virtual void refresh(sql::Connection& /*db*/) {}
};

class AcceptingValidator final : public PayloadValidator {
 public:
  std::vector<FieldProblem> validate(const std::string&, int, const nlohmann::json&) const override { return {}; }
  std::vector<FieldProblem> validate_dom(const std::string&, int, const json_view::Dom&) const override { return {}; }
};

}  // namespace ws::server

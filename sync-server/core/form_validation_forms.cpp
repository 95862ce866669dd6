// Payload validation with shared/forms: the definitions shipped in a folder (assets/forms)
// plus those HQ publishes as `form` records, the same code the kiosks validate with.
#include <mutex>
#include <type_traits>

#include "sync-server/core/form_validation.hpp"
#include "sync-server/core/records.hpp"
#include "ws/forms/form.hpp"
#include "ws/json_view.hpp"

namespace ws::server {
namespace {

class FormsValidator final : public PayloadValidator {
 public:
  explicit FormsValidator(std::string dir) : dir_(std::move(dir)) {}

  Status load_shipped() {
    auto fresh = std::make_shared<forms::FormRegistry>();
    if (!dir_.empty()) {
      if (auto s = fresh->load_directory(dir_); !s) return s;
    }
    std::lock_guard lock(mutex_);
    registry_ = std::move(fresh);
    return ok();
  }

  std::vector<FieldProblem> validate(const std::string& kind, int schema_version,
                                     const nlohmann::json& payload) const override {
    return validate_as(kind, schema_version, payload);
  }

  std::vector<FieldProblem> validate_dom(const std::string& kind, int schema_version,
                                         const json_view::Dom& payload) const override {
    return validate_as(kind, schema_version, payload);
  }

  template <typename Payload>
  std::vector<FieldProblem> validate_as(const std::string& kind, int schema_version, const Payload& payload) const {
    std::shared_ptr<const forms::FormRegistry> registry;
    {
      std::lock_guard lock(mutex_);
      registry = registry_;
    }
    // No definition of this kind at all: nothing to check against (see PayloadValidator).
    if (!registry || !registry->find(kind)) return {};
    std::vector<FieldProblem> out;
    // A known form at an unknown version is refused: accepting it would let any payload
    // through unchecked. The kiosk keeps the record and can push it again once HQ publishes
    // that version.
    std::vector<forms::FieldError> errors;
    if constexpr (std::is_same_v<Payload, json_view::Dom>) errors = forms::validate_record_dom(*registry, kind, schema_version, payload);
    else errors = forms::validate_record(*registry, kind, schema_version, payload);
    for (const auto& e : errors) {
      out.push_back({e.field, e.message});
    }
    return out;
  }

  void refresh(sql::Connection& db) override {
    auto st = db.prepare("SELECT MAX(seq) FROM records WHERE kind = 'form'");
    if (!st) return;
    auto row = st->step();
    if (!row || !*row) return;
    const std::int64_t latest = st->is_null(0) ? 0 : st->column_int(0);
    {
      std::lock_guard lock(mutex_);
      if (latest == seen_form_seq_) return;
      // Nothing published yet: the shipped definitions loaded at start-up are the registry a
      // reload would build, and loading them again was a server's first push's largest cost.
      if (latest == 0 && seen_form_seq_ == -1 && registry_) {
        seen_form_seq_ = 0;
        return;
      }
    }
    auto fresh = std::make_shared<forms::FormRegistry>();
    if (!dir_.empty()) (void)fresh->load_directory(dir_);  // checked at start-up
    auto forms = db.prepare(std::string("SELECT ") + kRecordColumns +
                            " FROM records WHERE kind = 'form' AND deleted = 0 ORDER BY seq");
    if (!forms) return;
    for (;;) {
      auto next = forms->step();
      if (!next || !*next) break;
      auto e = envelope_from_row(*forms);
      // A published definition that clashes with a shipped one of the same version is
      // ignored here; publish checked it parses, and versions never change meaning.
      if (e) (void)fresh->add_json(e->payload);
    }
    std::lock_guard lock(mutex_);
    registry_ = std::move(fresh);
    seen_form_seq_ = latest;
  }

 private:
  std::string dir_;
  mutable std::mutex mutex_;
  std::shared_ptr<const forms::FormRegistry> registry_;
  std::int64_t seen_form_seq_ = -1;
};

}  // namespace

Result<std::unique_ptr<PayloadValidator>> make_payload_validator(const std::string& forms_dir) {
  auto v = std::make_unique<FormsValidator>(forms_dir);
  if (auto s = v->load_shipped(); !s) return fail(s.error());
  return std::unique_ptr<PayloadValidator>(std::move(v));
}

}  // namespace ws::server

#pragma once
// Draws the current page of a form session from its definition: every field type, hints,
// required marks, skip logic, validation messages next to the field. Edits go out as intents
// (SetAnswer, ToggleChoice, AddRepeatItem, RemoveRepeatItem); the renderer keeps only the
// text being typed and the signature strokes.
#include <map>
#include <string>

#include "kiosk/ui/screen.hpp"
#include "kiosk/ui/widgets/date_picker.hpp"
#include "kiosk/ui/widgets/native_text.hpp"
#include "kiosk/ui/widgets/signature_pad.hpp"
#include "ws/forms/session.hpp"

namespace ws::kiosk::ui::widgets {

class FormRenderer {
 public:
  void draw_page(Ui& ui, const forms::FormSession& session, const std::string& lang);
  // Forget typed text and strokes (another form, another record).
  void reset() {
    buffers_.clear();
    pads_.clear();
    pickers_.clear();
    error_rows_.clear();
  }

 private:
  void draw_field(Ui& ui, const forms::FormSession& s, const forms::Field& f, const std::string& path,
                  const std::string& lang);
  void draw_text(Ui& ui, const forms::Field& f, const std::string& path, const nlohmann::json& answer);
  void draw_number(Ui& ui, const forms::Field& f, const std::string& path, const nlohmann::json& answer);
  void draw_date(Ui& ui, const forms::FormSession& s, const std::string& path, const nlohmann::json& answer);
  void draw_choices(Ui& ui, const forms::Field& f, const std::string& path, const nlohmann::json& answer,
                    const std::string& lang);
  void draw_yes_no(Ui& ui, const std::string& path, const nlohmann::json& answer);
  void draw_repeat(Ui& ui, const forms::FormSession& s, const forms::Field& f, const std::string& path,
                   const std::string& lang);
  void draw_signature(Ui& ui, const std::string& path, const nlohmann::json& answer);
  // A field holding a counsellor account id: the people of the centre by name.
  void draw_person(Ui& ui, const std::string& path, const nlohmann::json& answer);
  void draw_errors(Ui& ui, const forms::FormSession& s, const std::string& path);

  struct Buffer {
    std::string text;
    std::string synced;  // the answer the text was last taken from or sent as
  };
  Buffer& buffer_for(const std::string& path, const std::string& answer_text);
  std::map<std::string, Buffer> buffers_;
  std::map<std::string, SignaturePad> pads_;
  std::map<std::string, DatePicker> pickers_;
  // Height of the error lines a field has shown on this page: kept while it is fixed, so the
  // fields below do not jump under the finger as errors come and go.
  std::map<std::string, float> error_rows_;
  std::size_t page_ = static_cast<std::size_t>(-1);
  NativeText native_;
};

}  // namespace ws::kiosk::ui::widgets

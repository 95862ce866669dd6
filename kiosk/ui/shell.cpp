#include "kiosk/ui/shell.hpp"

#include <algorithm>
#include <cstdio>

#include <imgui.h>

#include "kiosk/core/vm/workspace.hpp"
#include "kiosk/ui/frame_trace.hpp"
#include "kiosk/ui/redraw_policy.hpp"
#include "kiosk/ui/widgets/touch.hpp"

namespace ws::kiosk::ui {
namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

// No background: the frame is cleared to the same colour first (Window::draw), and filling the
// whole screen again would double the pixels a software renderer (llvmpipe) writes for it.
constexpr ImGuiWindowFlags kHostFlags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                        ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoSavedSettings |
                                        ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoBackground;

}  // namespace

Shell::Shell(ScreenRegistry registry, vm::Workspace* workspace, AppView view)
    : registry_(std::move(registry)), workspace_(workspace), view_(std::move(view)), default_lang_(view_.lang) {
  view_.workspace = workspace_;
}

Status Shell::navigate(const std::string& screen, const std::string& param) {
  const ScreenSpec* spec = registry_.find(screen);
  if (!spec) return fail("unknown_screen", "no screen named '" + screen + "'");
  if (spec->audience != Audience::Migrant && screen != "login" &&
      (!workspace_ || !workspace_->session().signed_in())) {
    return navigate("login");
  }
  // A counsellor who is not an admin stays where they are: the button is not shown to them.
  if (spec->audience == Audience::Admin && !workspace_->admin_signed_in())
    return fail("admin_only", "only a centre admin may open '" + screen + "'");
  if (!current_.empty() && (current_ != screen || view_.param != param)) history_.push_back({current_, view_.param});
  if (start_screen_.empty()) start_screen_ = screen;
  // Back at the start (after a visit, a timeout, a sign-out): the next person begins in the
  // kiosk's own language, not the last visitor's.
  if (screen == start_screen_ && spec->audience == Audience::Migrant) view_.lang = default_lang_;
  screen_ = spec->create();
  current_ = screen;
  view_.param = param;
  changed_ = true;
  return ok();
}

void Shell::go_back() {
  while (!history_.empty()) {
    Place place = history_.back();
    history_.pop_back();
    const ScreenSpec* spec = registry_.find(place.screen);
    if (!spec) continue;
    if (spec->audience != Audience::Migrant && (!workspace_ || !workspace_->session().signed_in())) continue;
    if (spec->audience == Audience::Admin && !workspace_->admin_signed_in()) continue;
    screen_ = spec->create();
    current_ = place.screen;
    view_.param = place.param;
    return;
  }
}

// When the session ends (logout, idle lock) no staff screen may stay up: the next person at
// the kiosk must not see the previous person's data, not even for one frame.
void Shell::guard_staff_screens() {
  if (!workspace_ || workspace_->session().signed_in()) return;
  const ScreenSpec* spec = registry_.find(current_);
  if (!spec || spec->audience == Audience::Migrant || current_ == "login") return;
  history_.clear();
  // Back from the login leads to where the kiosk starts (the migrant attract screen).
  if (!start_screen_.empty() && start_screen_ != "login") history_.push_back({start_screen_, ""});
  screen_ = registry_.create("login");
  current_ = "login";
  view_.param.clear();
}

bool Shell::user_input_this_frame() const {
  const ImGuiIO& io = ImGui::GetIO();
  if (io.MouseDelta.x != 0.0f || io.MouseDelta.y != 0.0f || io.MouseWheel != 0.0f) return true;
  if (!io.InputQueueCharacters.empty()) return true;
  for (bool down : io.MouseDown)
    if (down) return true;
  for (bool down : io.KeysDown)
    if (down) return true;
  return false;
}

// Nobody signing in: back to the attract screen (the kiosk's start), which lists no names.
void Shell::leave_unused_sign_in(bool input) {
  const bool on_sign_in = current_ == "login" && workspace_ && !workspace_->session().signed_in() &&
                          workspace_->session().state() != vm::SessionState::Verifying;
  if (!on_sign_in || start_screen_.empty() || start_screen_ == "login") {
    sign_in_touched_ms_ = -1;
    return;
  }
  if (sign_in_touched_ms_ < 0 || input) sign_in_touched_ms_ = view_.now_ms;
  if (view_.now_ms - sign_in_touched_ms_ < kSignInTimeoutMs) return;
  history_.clear();
  (void)navigate(start_screen_);
  history_.clear();
  sign_in_touched_ms_ = -1;
}

std::vector<Intent> Shell::frame(const Theme& theme, std::int64_t now_ms, ItemLog* log) {
  view_.now_ms = now_ms;
  const std::string screen_before = current_;
  const bool input = user_input_this_frame();
  keyboard_->before_draw();  // a tap on a key types into the field; the screen never sees it
  bool workspace_moved = false;
  if (workspace_) {
    if (input) workspace_->note_activity(now_ms);
    workspace_moved = workspace_->tick(now_ms);
  }
  guard_staff_screens();
  leave_unused_sign_in(input);
  // Signed in on the login screen: on to the case list.
  if (current_ == "login" && workspace_ && workspace_->session().signed_in()) {
    (void)navigate("cases");
    history_.erase(std::remove_if(history_.begin(), history_.end(), [](const Place& p) { return p.screen == "login"; }),
                   history_.end());
  }

  view_.can_go_back = !history_.empty();
  IntentQueue intents;
  Ui ui{theme, view_, intents, log};
  if (log) log->items.clear();

  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  // Moved up while the keyboard would cover the field being typed into.
  ImGui::SetNextWindowPos(ImVec2(viewport->WorkPos.x, viewport->WorkPos.y - keyboard_->offset()));
  ImGui::SetNextWindowSize(viewport->WorkSize);
  if (ImGui::Begin("##host", nullptr, kHostFlags)) {
    const bool hide_for_idle =
        workspace_ && workspace_->session().state() == vm::SessionState::IdleWarning;
    if (hide_for_idle) {
      draw_idle_prompt(ui);  // covers the screen: nothing personal shows while nobody answers
    } else if (screen_) {
      screen_->draw(ui);
    }
  }
  ImGui::End();
  const ScreenSpec* drawn = registry_.find(current_);
  keyboard_->after_draw(ui, drawn && drawn->audience == Audience::Migrant);

  std::optional<std::int64_t> deadline = intents.redraw_deadline();
  std::vector<Intent> applied = intents.take();
  for (const auto& intent : applied) apply(intent);
  changed_ = !applied.empty() || workspace_moved || current_ != screen_before || keyboard_->changed();
  if (workspace_) {
    deadline = earliest(deadline, workspace_->session().next_change_ms(now_ms));
    // A new account's PIN is hashed on another thread that cannot wake the window.
    if (workspace_->account_creator().busy()) deadline = earliest(deadline, now_ms + 50);
    // The engine wakes the window when a round ends; its progress bar moves in between.
    if (workspace_->sync().status.syncing) deadline = earliest(deadline, now_ms + 250);
  }
  if (sign_in_touched_ms_ >= 0) deadline = earliest(deadline, sign_in_touched_ms_ + kSignInTimeoutMs);
  deadline_ms_ = deadline;
  return applied;
}

void Shell::draw_idle_prompt(Ui& ui) {
  const Theme& t = ui.theme;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float width = std::min(avail.x, t.px(900));
  ImGui::SetCursorPos(ImVec2((ImGui::GetWindowWidth() - width) / 2, ImGui::GetWindowHeight() * 0.3f));
  ImGui::BeginGroup();
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
  widgets::heading(ui, "Are you still here?");
  const long seconds = static_cast<long>((workspace_->session().idle_lock_in_ms(view_.now_ms) + 999) / 1000);
  char text[160];
  std::snprintf(text, sizeof text, "The kiosk locks in %ld s to protect people's data. Unsaved answers are kept as your draft.", seconds);
  ImGui::TextWrapped("%s", text);
  ImGui::PopTextWrapPos();
  ImGui::Dummy(ImVec2(0, t.gap()));
  if (widgets::button(ui, "Yes, continue###still_here", width * 0.6f, widgets::Tone::Primary)) ui.emit(ConfirmPresence{});
  ImGui::SameLine();
  if (widgets::button(ui, "Sign out###idle_logout", width * 0.4f - t.gap())) ui.emit(Logout{});
  ImGui::EndGroup();
}

void Shell::apply(const Intent& intent) {
  vm::Workspace* ws = workspace_;
  std::visit(
      Overloaded{
          [&](const Navigate& n) { (void)navigate(n.screen, n.param); },
          [&](const GoBack&) { go_back(); },
          [&](const SetLanguage& l) { view_.lang = l.lang; },
          [&](const SubmitRecord& r) {
            const bool saved = ws && ws->submit_public_record(r.kind, r.payload).has_value();
            view_.last_submit = {view_.last_submit.sequence + 1, saved};
          },
          [&](const SubmitLogin& l) {
            if (!ws) return;
            if (l.counsellor_id.empty()) (void)ws->session().submit_by_name(l.typed_name, l.secret, view_.now_ms);
            else (void)ws->session().submit(l.counsellor_id, l.secret, view_.now_ms);
          },
          [&](const Logout&) {
            if (ws) ws->session().logout();
            guard_staff_screens();
          },
          [&](const ConfirmPresence&) {
            if (ws) ws->session().confirm_presence(view_.now_ms);
          },
          [&](const SetCaseFilter& f) {
            if (ws) ws->set_filter(vm::CaseFilter{f.query, f.status, f.counsellor});
          },
          [&](const OpenCase& c) {
            if (ws && ws->open_case(c.case_id)) (void)navigate("case", c.case_id);
          },
          [&](const ChangeCaseStatus& c) {
            if (ws) (void)ws->change_case_status(c.status);
          },
          [&](const RestoreConflict& c) {
            if (ws) (void)ws->restore_conflict(c.seq);
          },
          [&](const NewCase&) {
            if (ws && ws->open_form("case", "", "")) (void)navigate("form", "case");
          },
          [&](const SetRequestStatus& r) {
            if (ws) (void)ws->set_request_status(r.request_id, r.status);
          },
          [&](const MakeCaseFromRequest& r) {
            if (ws && ws->make_case_from_request(r.request_id)) (void)navigate("form", "case");
          },
          [&](const OpenForm& f) {
            if (ws && ws->open_form(f.form_id, f.case_id, f.record_id)) (void)navigate("form", f.form_id);
          },
          [&](const SetAnswer& a) {
            if (ws && ws->form()) ws->form()->set_answer(a.path, a.value);
          },
          [&](const ToggleChoice& c) {
            if (ws && ws->form()) ws->form()->toggle_choice(c.path, c.value);
          },
          [&](const NextPage&) {
            if (ws && ws->form()) ws->form()->next_page();
          },
          [&](const PreviousPage&) {
            if (ws && ws->form()) ws->form()->previous_page();
          },
          [&](const AddRepeatItem& a) {
            if (ws && ws->form()) ws->form()->add_item(a.path);
          },
          [&](const RemoveRepeatItem& r) {
            if (ws && ws->form() && r.index >= 0) ws->form()->remove_item(r.path, static_cast<std::size_t>(r.index));
          },
          [&](const GoToPage& p) {
            if (ws && ws->form() && p.page >= 0) ws->form()->go_to_page(static_cast<std::size_t>(p.page));
          },
          [&](const SaveForm&) {
            if (!ws || !ws->form()) return;
            const bool new_case = ws->form()->form_id() == "case" && ws->form()->is_new();
            auto saved = ws->save_form();
            if (!saved) return;  // the form stays open with its errors
            FrameTrace::saved();  // durable now (synchronous=FULL): bench/touch/save.sh
            go_back();
            if (new_case) (void)navigate("case", *saved);
          },
          [&](const CloseForm&) {
            if (!ws) return;
            ws->close_form();
            go_back();
          },
          [&](const ResumeDraft&) {
            if (ws && ws->resume_draft() && ws->form()) (void)navigate("form", ws->form()->form_id());
          },
          [&](const DiscardDraft&) {
            if (ws) ws->discard_draft();
          },
          [&](const SyncNow&) {
            if (ws) ws->sync_now();
          },
          [&](const SendAgain& s) {
            if (ws) (void)ws->send_again(s.record_id);
          },
          [&](const AddCounsellor& a) {
            if (ws) (void)ws->add_account(vm::NewAccount{a.name, a.role, a.pin, a.pin_again});
          },
          [&](const StartVaultGrant& g) {
            if (ws) (void)ws->start_grant(g.account_id);
          },
          [&](const ConfirmVaultGrant&) {
            if (ws) ws->confirm_grant();
          },
          [&](const SubmitVaultGrantPin& g) {
            if (ws) (void)ws->submit_grant_pin(g.secret, view_.now_ms);
          },
          [&](const CancelVaultGrant&) {
            if (ws) ws->cancel_grant();
          },
      },
      intent);
  guard_staff_screens();
}

}  // namespace ws::kiosk::ui

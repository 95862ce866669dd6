#include "sync-server/http/hq/data_routes.hpp"

#include <charconv>

#include "sync-server/core/case_detail.hpp"
#include "sync-server/core/case_export.hpp"
#include "sync-server/core/case_index.hpp"
#include "sync-server/core/data_quality.hpp"

namespace ws::server::hq {
namespace {

using httplib::Request;
using httplib::Response;
using nlohmann::json;

std::string param(const Request& req, const char* name) {
  return req.has_param(name) ? req.get_param_value(name) : std::string();
}

// A positive whole number parameter, or `fallback` when absent.
Result<int> int_param(const Request& req, const char* name, int fallback) {
  const std::string text = param(req, name);
  if (text.empty()) return fallback;
  int v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < 1) {
    return fail("invalid_request", std::string(name) + " must be a whole number of 1 or more");
  }
  return v;
}

Result<CaseQuery> case_query(const Request& req) {
  CaseQuery q;
  q.q = param(req, "q");
  q.case_number = param(req, "case_number");
  q.from = param(req, "from");
  q.to = param(req, "to");
  q.centre = param(req, "centre");
  q.status = param(req, "status");
  q.counsellor = param(req, "counsellor");
  q.nationality = param(req, "nationality");
  if (auto s = param(req, "sort"); !s.empty()) q.sort = s;
  if (auto o = param(req, "order"); !o.empty()) q.order = o;
  auto page = int_param(req, "page", 1);
  if (!page) return fail(page.error());
  auto per_page = int_param(req, "per_page", 50);
  if (!per_page) return fail(per_page.error());
  q.page = *page;
  q.per_page = *per_page;
  return q;
}

// Which filters an export used (their names, never their values: a name is personal data).
nlohmann::json filters_used(const Request& req) {
  json out = json::array();
  for (const char* name : {"q", "case_number", "from", "to", "centre", "status", "counsellor", "nationality"}) {
    if (!param(req, name).empty()) out.push_back(name);
  }
  return out;
}

void send_export(Routes& routes, Database& db, const DataOptions& options, const Request& req, Response& res,
                 const Principal& p) {
  const std::string format_text = param(req, "format").empty() ? "csv" : param(req, "format");
  if (format_text != "csv" && format_text != "jsonl") {
    return send_error(res, Error{"invalid_request", "format must be csv or jsonl"});
  }
  const auto format = format_text == "csv" ? CaseExportFormat::Csv : CaseExportFormat::Jsonl;
  auto query = case_query(req);
  if (!query) return send_error(res, query.error());
  auto registry = load_form_registry(db, options.forms_dir);
  if (!registry) return send_error(res, registry.error());
  auto plan = plan_case_export(db, p.scope, *query, format, **registry);
  if (!plan) return send_error(res, plan.error());
  // The export is in the audit log before the first byte leaves; no entry, no export.
  json details = {{"format", format_text}, {"filters", filters_used(req)}, {"kinds", plan->kinds}};
  if (!query->centre.empty()) details["centre"] = query->centre;
  if (auto s = audit_hq(routes.db(), p, "records.exported", "", details); !s) return send_error(res, s.error());
  res.set_header("Content-Disposition", "attachment; filename=\"" + plan->filename + "\"");
  auto shared_registry = *registry;
  res.set_chunked_content_provider(
      plan->content_type, [&db, scope = p.scope, q = *query, pl = *plan, shared_registry](std::size_t, httplib::DataSink& sink) {
        const ByteSink out = [&sink](std::string_view bytes) { return sink.write(bytes.data(), bytes.size()); };
        // A failure mid-stream cannot change the status any more: returning false drops the
        // connection, so the download fails visibly instead of ending short as if complete.
        if (!run_case_export(db, scope, q, pl, *shared_registry, out)) return false;
        sink.done();
        return true;
      });
}

// Sends the core's answer, or its error in the protocol's shape.
void reply(Response& res, const Result<json>& result) {
  if (!result) return send_error(res, result.error());
  send_json(res, *result);
}

}  // namespace

void install_data_routes(Routes& routes, Database& db, DataOptions options) {
  auto kiosk_query = [&routes, options](const Request& req) {
    KioskQuery q;
    q.centre = param(req, "centre");
    q.stale_after_ms = options.stale_hours * 3600 * 1000;
    q.now_ms = routes.now_ms();
    return q;
  };
  routes.get("/centres", Role::Viewer, [&db](const Request&, Response& res, const Principal& p) {
    reply(res, list_centres(db, p.scope));
  });
  routes.get("/overview", Role::Viewer, [&db, kiosk_query](const Request& req, Response& res, const Principal& p) {
    reply(res, overview(db, p.scope, kiosk_query(req)));
  });
  routes.get("/kiosks", Role::Viewer, [&db, kiosk_query](const Request& req, Response& res, const Principal& p) {
    reply(res, list_kiosks(db, p.scope, kiosk_query(req)));
  });
  routes.get("/cases", Role::Viewer, [&db](const Request& req, Response& res, const Principal& p) {
    auto q = case_query(req);
    if (!q) return send_error(res, q.error());
    auto page = search_cases(db, p.scope, *q);
    if (!page) return send_error(res, page.error());
    send_json(res, to_json(*page));
  });
  routes.get(std::string("/cases/") + kIdSegment, Role::Viewer,
             [&db, options](const Request& req, Response& res, const Principal& p) {
               auto registry = load_form_registry(db, options.forms_dir);
               if (!registry) return send_error(res, registry.error());
               const std::string lang = param(req, "lang") == "nb" ? "nb" : "en";
               reply(res, case_detail(db, p.scope, req.matches[1].str(), **registry, lang));
             });
  routes.get("/export", Role::Viewer, [&routes, &db, options](const Request& req, Response& res, const Principal& p) {
    send_export(routes, db, options, req, res, p);
  });
  routes.get("/refused", Role::Viewer, [&db](const Request& req, Response& res, const Principal& p) {
    const std::string all = param(req, "all");
    reply(res, refused_in_scope(db, p.scope, param(req, "centre"), all == "1" || all == "true"));
  });
  routes.get("/conflicts", Role::Viewer, [&db](const Request& req, Response& res, const Principal& p) {
    reply(res, conflicts_in_scope(db, p.scope, param(req, "centre"), param(req, "case")));
  });
}

}  // namespace ws::server::hq

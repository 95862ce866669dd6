// add, edit, list, show, quarantined, conflicts: the record commands.
#include <ostream>

#include "kiosk/cli/commands.hpp"
#include "kiosk/cli/form_check.hpp"

namespace ws::kiosk::cli {
namespace {

nlohmann::json record_json(const StoredRecord& r) {
  return {{"envelope", to_json(r.envelope)},
          {"sync_state", to_string(r.sync_state)},
          {"sync_error", r.sync_error},
          {"updated", iso8601_utc(r.updated_ms)}};
}

// Encrypted records read while the vault is locked carry no answers: printing them would look
// like records without any, so the command says what to do instead.
Status readable(const std::vector<StoredRecord>& rows) {
  for (const auto& r : rows) {
    if (r.payload_locked) {
      return fail("vault_locked", "the records are encrypted: give --counsellor NAME and that counsellor's PIN on stdin");
    }
  }
  return ok();
}

}  // namespace

int cmd_add(const Context& ctx) {
  if (auto s = check_options(ctx.args); !s) return report(ctx, s.error(), kExitUsage);
  auto kind = required(ctx, "--kind");
  if (!kind) return report(ctx, kind.error(), kExitUsage);
  auto file = required(ctx, "--json");
  if (!file) return report(ctx, file.error(), kExitUsage);
  if (*file == "-" && ctx.args.value("--counsellor")) {
    return report(ctx, Error{"usage", "with --counsellor the PIN comes on stdin: give the answers in a file"}, kExitUsage);
  }
  auto payload = read_json_file(*file);
  if (!payload) return report(ctx, payload.error());
  if (!payload->is_object()) return report(ctx, Error{"usage", "the record must be a JSON object of answers"});
  if (auto case_id = ctx.args.value("--case")) (*payload)["_case_id"] = *case_id;

  auto store = open_store(ctx);
  if (!store) return report(ctx, store.error());
  if (auto s = unlock_if_asked(ctx, **store); !s) return report(ctx, s.error());
  auto check = FormCheck::load(**store, ctx.assets_dir);
  if (!check) return report(ctx, check.error());
  auto schema_version = check->check_new(*kind, *payload);
  if (!schema_version) return report(ctx, schema_version.error());
  auto id = (*store)->save(*kind, std::move(*payload), std::nullopt, *schema_version);
  if (!id) return report(ctx, explain_storage_error(id.error(), "the record was not saved"));
  ctx.out << *id << "\n";
  return kExitOk;
}

int cmd_edit(const Context& ctx) {
  if (auto s = check_options(ctx.args); !s) return report(ctx, s.error(), kExitUsage);
  auto id = required(ctx, "--id");
  if (!id) return report(ctx, id.error(), kExitUsage);
  auto file = required(ctx, "--json");
  if (!file) return report(ctx, file.error(), kExitUsage);
  if (*file == "-" && ctx.args.value("--counsellor")) {
    return report(ctx, Error{"usage", "with --counsellor the PIN comes on stdin: give the answers in a file"}, kExitUsage);
  }
  auto patch = read_json_file(*file);
  if (!patch) return report(ctx, patch.error());
  if (!patch->is_object()) return report(ctx, Error{"usage", "the edit must be a JSON object of fields"});

  auto store = open_store(ctx);
  if (!store) return report(ctx, store.error());
  if (auto s = unlock_if_asked(ctx, **store); !s) return report(ctx, s.error());
  auto current = (*store)->get(*id);
  if (!current) return report(ctx, explain_storage_error(current.error(), "cannot read the record"));
  if (!*current) return report(ctx, Error{"not_found", "no record with id " + *id});
  if ((*current)->payload_locked) {
    return report(ctx, Error{"vault_locked", "the record is encrypted: give --counsellor NAME and that counsellor's PIN on stdin"});
  }
  nlohmann::json merged = (*current)->envelope.payload;
  for (const auto& [field, value] : patch->items()) merged[field] = value;
  auto check = FormCheck::load(**store, ctx.assets_dir);
  if (!check) return report(ctx, check.error());
  if (auto s = check->check_edit((*current)->envelope, merged); !s) return report(ctx, s.error());
  auto updated = (*store)->update(*id, *patch);
  if (!updated) return report(ctx, explain_storage_error(updated.error(), "the change was not saved"));
  ctx.out << updated->id << "\n";
  return kExitOk;
}

int cmd_list(const Context& ctx) {
  if (auto s = check_options(ctx.args); !s) {
    return report(ctx, s.error(), kExitUsage);
  }
  auto kind = required(ctx, "--kind");
  if (!kind) return report(ctx, kind.error(), kExitUsage);
  auto limit = int_option(ctx.args, "--limit", 10000, 1, 10000);
  if (!limit) return report(ctx, limit.error(), kExitUsage);
  auto offset = int_option(ctx.args, "--offset", 0, 0, 1LL << 30);
  if (!offset) return report(ctx, offset.error(), kExitUsage);
  auto store = open_store(ctx);
  if (!store) return report(ctx, store.error());
  if (auto s = unlock_if_asked(ctx, **store); !s) return report(ctx, s.error());
  ListQuery q;
  q.kind = *kind;
  q.text = ctx.args.value("--search").value_or("");
  q.case_id = ctx.args.value("--case");
  q.limit = static_cast<int>(*limit);
  q.offset = static_cast<int>(*offset);
  auto rows = (*store)->list(q);
  if (!rows) return report(ctx, explain_storage_error(rows.error(), "cannot list records"));
  if (ctx.args.flag("--json")) {
    if (auto s = readable(*rows); !s) return report(ctx, s.error());
  }
  // The search text stays out of the entry: it may be a name.
  if (auto s = audit_command(**store, "records.listed", q.case_id.value_or(""),
                             {{"kind", q.kind}, {"records", rows->size()}, {"json", ctx.args.flag("--json")}});
      !s)
    return report(ctx, explain_storage_error(s.error(), "cannot write the audit log"));
  if (ctx.args.flag("--json")) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : *rows) out.push_back(to_json(r.envelope));
    ctx.out << out.dump() << "\n";
  } else {
    for (const auto& r : *rows) {
      ctx.out << r.envelope.id << "  " << to_string(r.sync_state) << "  " << iso8601_utc(r.updated_ms) << "\n";
    }
  }
  return kExitOk;
}

int cmd_show(const Context& ctx) {
  if (auto s = check_options(ctx.args); !s) return report(ctx, s.error(), kExitUsage);
  auto id = required(ctx, "--id");
  if (!id) return report(ctx, id.error(), kExitUsage);
  auto store = open_store(ctx);
  if (!store) return report(ctx, store.error());
  if (auto s = unlock_if_asked(ctx, **store); !s) return report(ctx, s.error());
  auto r = (*store)->get(*id);
  if (!r) return report(ctx, explain_storage_error(r.error(), "cannot read the record"));
  if (!*r) return report(ctx, Error{"not_found", "no record with id " + *id});
  if (auto s = readable({**r}); !s) return report(ctx, s.error());
  if (auto s = audit_command(**store, "record.shown", *id, {{"kind", (*r)->envelope.kind}}); !s)
    return report(ctx, explain_storage_error(s.error(), "cannot write the audit log"));
  ctx.out << record_json(**r).dump(ctx.args.flag("--json") ? -1 : 2) << "\n";
  return kExitOk;
}

int cmd_quarantined(const Context& ctx) {
  if (auto s = check_options(ctx.args); !s) return report(ctx, s.error(), kExitUsage);
  auto store = open_store(ctx);
  if (!store) return report(ctx, store.error());
  auto rows = (*store)->quarantined();
  if (!rows) return report(ctx, explain_storage_error(rows.error(), "cannot list quarantined records"));
  if (ctx.args.flag("--json")) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : *rows) {
      out.push_back({{"id", r.envelope.id}, {"kind", r.envelope.kind}, {"reason", r.sync_error},
                     {"version", r.envelope.version.to_string()}});
    }
    ctx.out << out.dump() << "\n";
  } else {
    for (const auto& r : *rows) ctx.out << r.envelope.id << "  " << r.envelope.kind << "  " << r.sync_error << "\n";
  }
  return kExitOk;
}

int cmd_conflicts(const Context& ctx) {
  if (auto s = check_options(ctx.args); !s) return report(ctx, s.error(), kExitUsage);
  auto store = open_store(ctx);
  if (!store) return report(ctx, store.error());
  if (auto s = unlock_if_asked(ctx, **store); !s) return report(ctx, s.error());
  auto rows = (*store)->conflicts();
  if (!rows) return report(ctx, explain_storage_error(rows.error(), "cannot read the conflict log"));
  if (ctx.args.flag("--json")) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& c : *rows) {
      out.push_back({{"record_id", c.record_id}, {"field", c.field}, {"lost_value", c.lost_value},
                     {"lost_version", c.lost_version.to_string()}, {"won_version", c.won_version.to_string()},
                     {"at", iso8601_utc(c.at_ms)}});
    }
    ctx.out << out.dump() << "\n";
  } else {
    for (const auto& c : *rows) {
      ctx.out << iso8601_utc(c.at_ms) << "  " << c.record_id << "  " << c.field << "  lost " << c.lost_value.dump()
              << " (" << c.lost_version.to_string() << ") to " << c.won_version.to_string() << "\n";
    }
  }
  return kExitOk;
}

}  // namespace ws::kiosk::cli

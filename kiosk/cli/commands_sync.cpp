// enroll, sync, status: the commands that talk to the server.
#include <unistd.h>

#include <ostream>

#include "kiosk/cli/commands.hpp"
#include "kiosk/core/content/published_content.hpp"
#include "kiosk/core/sync/clock_transport.hpp"
#include "kiosk/core/sync/identity_transport.hpp"
#include "kiosk/core/sync/sync_round.hpp"
#include "kiosk/core/sync/transport.hpp"
#include "ws/cert_pin.hpp"
#include "ws/push_seal.hpp"

namespace ws::kiosk::cli {
namespace {

std::string host_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0 || !buf[0]) return "kiosk";
  return buf;
}

Result<std::unique_ptr<Transport>> transport_for(const Context& ctx, const DeviceIdentity& id, long long default_timeout_ms) {
  auto timeout = int_option(ctx.args, "--timeout-ms", default_timeout_ms, 100, 600000);
  if (!timeout) return fail(timeout.error());
  HttpTransportOptions o;
  o.connect_timeout = std::chrono::milliseconds(std::min<long long>(*timeout, 5000));
  o.read_timeout = std::chrono::milliseconds(*timeout);
  return make_http_transport(id.server_url, with_identity(id, o));
}

// The pin comes with the code (CODE@sha256:HEX) or with --pin; both must agree when both are
// given. The result carries everything the transport must know from the first request on.
Result<DeviceIdentity> enrolment_target(const Context& ctx, const std::string& server, EnrolmentCode& code) {
  auto parsed = parse_enrolment_code(*ctx.args.value("--code"));
  if (!parsed) return fail("usage", parsed.error().message);
  code = *parsed;
  if (auto pin_text = ctx.args.value("--pin")) {
    auto pin = parse_pin(*pin_text);
    if (!pin) return fail("usage", pin.error().message);
    if (!code.pin.empty() && code.pin != *pin) {
      return fail("usage", "--pin and the fingerprint in the enrolment code differ; check which one HQ gave you");
    }
    code.pin = *pin;
  }
  DeviceIdentity target;
  target.server_url = server;
  target.server_pin = code.pin;
  target.insecure_http = ctx.args.flag("--insecure");
  return target;
}

// A bundle that does not install is HQ's problem to fix, not a failed sync: warn and go on.
void install_content(const Context& ctx, Store& store) {
  auto outcome = content::install_published_content(store, ctx.data_dir, ctx.assets_dir + "/content/avrr-info");
  if (!outcome) {
    ctx.err << "kiosk: warning: published content not installed: " << outcome.error().message << "\n";
    return;
  }
  for (const auto& problem : outcome->problems) ctx.err << "kiosk: warning: " << problem << "\n";
}

}  // namespace

int cmd_enroll(const Context& ctx) {
  if (auto s = check_options(ctx.args); !s) {
    return report(ctx, s.error(), kExitUsage);
  }
  auto server = ctx.args.value("--server");
  auto code = ctx.args.value("--code");
  if (!server || server->empty() || !code || code->empty()) {
    return report(ctx, Error{"usage", "'enroll' needs --server URL and --code CODE"}, kExitUsage);
  }
  auto store = open_store(ctx);
  if (!store) return report(ctx, store.error());
  auto current = (*store)->identity();
  if (!current) return report(ctx, explain_storage_error(current.error(), "cannot read the device identity"));
  if (current->enrolled() && !ctx.args.flag("--force")) {
    return report(ctx, Error{"already_enrolled", "this data folder is already enrolled as device " + current->device_id +
                                                     " of centre " + current->centre +
                                                     " (use --force to enrol again for the same centre)"});
  }
  EnrolmentCode enrolment;
  auto target = enrolment_target(ctx, *server, enrolment);
  if (!target) return report(ctx, target.error(), kExitUsage);
  auto transport = transport_for(ctx, *target, 15000);
  if (!transport) return report(ctx, transport.error(), kExitUsage);
  ClockObservingTransport clocked(**transport, **store);
  auto reply = enroll_device(clocked, enrolment.code, ctx.args.value("--name").value_or(host_name()));
  clocked.save();
  if (!reply) return report(ctx, reply.error());
  if (current->enrolled() && reply->centre != current->centre) {
    // Records here belong to the old centre; mixing centres in one folder would show one
    // centre's people to another.
    return report(ctx, Error{"centre_mismatch", "the code is for centre " + reply->centre + " but this data folder holds centre " +
                                                    current->centre + "'s data; use a new data folder"});
  }
  target->device_id = reply->device_id;
  target->token = reply->token;
  target->centre = reply->centre;
  if (auto s = (*store)->set_identity(*target); !s) {
    return report(ctx, explain_storage_error(s.error(), "enrolment succeeded but could not be saved"));
  }
  // Learnt now, so the first records are sealed to the server when they are saved.
  if (const auto key = push_seal::decode_key(reply->seal_key); !key.empty()) {
    if (auto s = (*store)->set_server_seal_key(key); !s) {
      ctx.err << "kiosk: warning: " << explain_storage_error(s.error(), "cannot keep the server's key").message << "\n";
    }
  }
  if (auto s = audit_command(**store, "kiosk.enrolled", reply->device_id,
                             {{"centre", reply->centre}, {"again", current->enrolled()}});
      !s) {
    ctx.err << "kiosk: warning: " << explain_storage_error(s.error(), "cannot write the audit log").message << "\n";
  }
  ctx.out << "enrolled as device " << reply->device_id << " of centre " << reply->centre << "\n";
  // Fetch forms, content and counsellor accounts now, so the kiosk is usable at once; a
  // failure here is not fatal, the next sync brings them.
  SyncRound round(**store, clocked);
  if (auto pulled = round.pull(); !pulled) {
    ctx.err << "kiosk: warning: first download failed: " << pulled.error().message << "\n";
  } else if (*pulled > 0) {
    install_content(ctx, **store);
  }
  return kExitOk;
}

int cmd_sync(const Context& ctx) {
  if (auto s = check_options(ctx.args); !s) {
    return report(ctx, s.error(), kExitUsage);
  }
  auto batch_records = int_option(ctx.args, "--batch-records", 500, 1, static_cast<long long>(protocol::kMaxBatchRecords));
  if (!batch_records) return report(ctx, batch_records.error(), kExitUsage);
  auto batch_bytes = int_option(ctx.args, "--batch-bytes", 4 << 20, 1024, static_cast<long long>(protocol::kMaxBodyBytes));
  if (!batch_bytes) return report(ctx, batch_bytes.error(), kExitUsage);
  auto store = open_store(ctx);
  if (!store) return report(ctx, store.error());
  auto id = (*store)->identity();
  if (!id) return report(ctx, explain_storage_error(id.error(), "cannot read the device identity"));
  if (!id->enrolled()) return report(ctx, Error{"not_enrolled", "this kiosk is not enrolled yet: run 'kiosk --data-dir DIR enroll --server URL --code CODE'"});
  auto transport = transport_for(ctx, *id, 30000);
  if (!transport) return report(ctx, transport.error(), kExitUsage);

  RoundOptions options;
  options.batch.max_records = static_cast<std::size_t>(*batch_records);
  options.batch.max_bytes = static_cast<std::size_t>(*batch_bytes);
  ClockObservingTransport clocked(**transport, **store);
  SyncRound round(**store, clocked, options);
  auto result = round.run();
  clocked.save();
  if (!result) {
    (void)(*store)->record_sync_error(result.error().message);
    std::string words = result.error().message;
    if (auto wait = round.retry_after_seconds()) words += " (try again in " + std::to_string(*wait) + " s)";
    return report(ctx, Error{result.error().code, "sync failed: " + words + "; nothing was lost, the records wait in the outbox"});
  }
  if (result->pulled_changes > 0) install_content(ctx, **store);
  (void)(*store)->record_sync_success(HlcClock::system_wall_ms());
  auto pending = (*store)->pending_count();
  auto quarantined = (*store)->quarantined_count();
  if (!pending || !quarantined) return report(ctx, Error{"db_error", "cannot count the outbox"});
  if (ctx.args.flag("--json")) {
    ctx.out << nlohmann::json{{"sent", result->accepted},       {"rejected", result->rejected},
                              {"received", result->pulled_changes}, {"batches", result->batches},
                              {"pending", *pending},            {"quarantined", *quarantined}}
                   .dump()
            << "\n";
  } else {
    ctx.out << "sent " << result->accepted << ", rejected " << result->rejected << ", received "
            << result->pulled_changes << " changes; pending " << *pending << ", quarantined " << *quarantined << "\n";
  }
  if (*pending > 0) {
    return report(ctx, Error{"pending", std::to_string(*pending) + " records were saved during the sync and still wait"});
  }
  if (*quarantined > 0) {
    return report(ctx, Error{"quarantined", std::to_string(*quarantined) +
                                                " records were refused by the server and are quarantined "
                                                "(see 'kiosk --data-dir DIR quarantined')"},
                  kExitQuarantined);
  }
  return kExitOk;
}

int cmd_status(const Context& ctx) {
  if (auto s = check_options(ctx.args); !s) return report(ctx, s.error(), kExitUsage);
  auto store = open_store(ctx);
  if (!store) return report(ctx, store.error());
  auto id = (*store)->identity();
  auto status = (*store)->persisted_status();
  auto conflicts = (*store)->conflict_count();
  if (!id || !status || !conflicts) return report(ctx, Error{"db_error", "cannot read the kiosk's state"});
  bool online = false;
  if (id->enrolled()) {
    // A changed certificate or a refused address is news for the operator even before the
    // next sync, so it becomes the last error.
    auto transport = transport_for(ctx, *id, 3000);
    Status probed = transport ? SyncRound(**store, **transport).probe() : Status(fail(transport.error()));
    online = static_cast<bool>(probed);
    if (!probed && (probed.error().code == "certificate_changed" || probed.error().code == "insecure_http")) {
      status->last_error = probed.error().message;
      (void)(*store)->record_sync_error(probed.error().message);
    }
  }
  nlohmann::json j = {
      {"device_id", id->device_id},
      {"centre", id->centre},
      {"server", id->server_url},
      {"enrolled", id->enrolled()},
      {"online", online},
      {"pending", status->pending},
      {"quarantined", status->quarantined},
      {"conflicts", *conflicts},
      {"last_success", status->last_success_ms ? nlohmann::json(iso8601_utc(*status->last_success_ms)) : nlohmann::json()},
      {"last_success_ms", status->last_success_ms ? nlohmann::json(*status->last_success_ms) : nlohmann::json()},
      {"last_error", status->last_error},
      {"read_only", (*store)->read_only()},
      {"clock_offset_ms", status->clock_offset_ms ? nlohmann::json(*status->clock_offset_ms) : nlohmann::json()},
      {"disk_full", (*store)->disk_full()},
  };
  if (ctx.args.flag("--json")) {
    ctx.out << j.dump() << "\n";
    return kExitOk;
  }
  ctx.out << "device:      " << (id->enrolled() ? id->device_id + " (centre " + id->centre + ")" : "not enrolled") << "\n"
          << "server:      " << (id->server_url.empty() ? "-" : id->server_url) << (online ? " (online)" : " (offline)") << "\n"
          << "pending:     " << status->pending << "\n"
          << "quarantined: " << status->quarantined << "\n"
          << "conflicts:   " << *conflicts << " local edits replaced by later ones from the server\n"
          << "last sync:   " << (status->last_success_ms ? iso8601_utc(*status->last_success_ms) : "never") << "\n";
  if (!status->last_error.empty()) ctx.out << "last error:  " << status->last_error << "\n";
  if ((*store)->disk_full()) {
    ctx.out << "note:        the data folder is full; nothing can be saved until space is freed ('sync' can still send)\n";
  } else if ((*store)->read_only()) {
    ctx.out << "note:        the data folder is read-only; nothing can be saved\n";
  }
  return kExitOk;
}

}  // namespace ws::kiosk::cli

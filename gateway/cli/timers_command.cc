#include "gateway/cli/timers_command.h"

#include <date/tz.h>

#include <algorithm>
#include <exception>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/app/store_opener.h"
#include "gateway/config/gateway_config.h"
#include "gateway/crypto/key_ring.h"
#include "gateway/crypto/sealer.h"
#include "gateway/model/codes.h"
#include "gateway/model/time.h"
#include "gateway/policy/role.h"
#include "gateway/safeguarding/timer_plan.h"
#include "gateway/store/store.h"

namespace isagw::cli {
namespace {

using nlohmann::json;

constexpr int kDone = 0;
constexpr int kCannotRun = 2;
constexpr std::size_t kMaxPoliceRef = 64;

// Errors never repeat the reference: it names an episode about a child.
bool PoliceRefAcceptable(const std::string& police_ref, std::ostream& err) {
  if (police_ref.empty()) {
    err << "policy timers: POLICE_REF is empty\n";
    return false;
  }
  if (police_ref.size() > kMaxPoliceRef) {
    err << "policy timers: POLICE_REF is longer than " << kMaxPoliceRef << " characters\n";
    return false;
  }
  return true;
}

std::optional<config::GatewayConfig> LoadConfig(const std::string& path, std::ostream& err) {
  if (path.empty()) {
    err << "policy timers: --config FILE is required\n";
    return std::nullopt;
  }
  auto loaded = config::LoadGatewayConfig(path);
  if (!loaded.ok()) {
    err << "policy timers: the configuration " << path << " did not load:\n";
    for (const auto& e : loaded.error()) err << "  " << e.ToString() << '\n';
    return std::nullopt;
  }
  return std::move(loaded).value();
}

// The configured store (SQLite or PostgreSQL), or null after saying why.
std::unique_ptr<store::Store> OpenStore(const config::GatewayConfig& config, std::ostream& err) {
  // Timers are not sealed: no key is needed, so none is loaded.
  auto sealer = std::make_shared<const crypto::Sealer>(std::make_shared<const crypto::KeyRing>());
  auto opened = app::OpenStoreForTool(config.store, std::move(sealer), "timers");
  if (!opened.ok()) {
    err << "policy timers: " << opened.error() << '\n';
    return nullptr;
  }
  return std::move(*opened);
}

// "2026-11-25 21:41:00 GMT": the instant as a clock in the UK shows it.
std::string UkLocal(const date::time_zone* london, model::Timestamp t) {
  return date::format("%F %T %Z", date::make_zoned(london, t));
}

// "2026-11-25T21:41:00Z (2026-11-25 21:41:00 GMT)"
std::string Both(const date::time_zone* london, model::Timestamp t) {
  return model::FormatTimestamp(t) + " (" + UkLocal(london, t) + ")";
}

// One timer with its spec read; `spec` is nullopt (and `spec_error` says
// why) when the stored spec does not parse.
struct Shown {
  const store::TimerRecord* record = nullptr;
  std::optional<safeguarding::TimerSpec> spec;
  std::string spec_error;
};

std::string RoleList(const safeguarding::Audience& roles) {
  std::string list;
  for (policy::Role role : roles) {
    if (!list.empty()) list += ", ";
    list += *policy::kRoleNames.Name(role);
  }
  return list;
}

// The detail without the citation it starts with, which has a line of its own.
std::string_view DetailAfterCite(const safeguarding::TimerSpec& spec) {
  std::string_view detail = spec.detail;
  const std::string prefix = safeguarding::Cite(spec.source) + ": ";
  if (detail.starts_with(prefix)) detail.remove_prefix(prefix.size());
  return detail;
}

void PrintText(const std::vector<Shown>& timers, const date::time_zone* london, std::ostream& out) {
  if (timers.empty()) {
    out << "No safeguarding timers for this episode.\n";
    return;
  }
  out << timers.size() << (timers.size() == 1 ? " timer" : " timers")
      << ", in due order (UTC; UK local time in brackets)\n";
  for (const Shown& shown : timers) {
    const store::TimerRecord& r = *shown.record;
    const std::string_view state = store::TimerStateName(r.state);
    out << '\n' << r.timer.kind << "  " << state << '\n';
    out << "  due       " << Both(london, r.timer.due_at) << '\n';
    if (shown.spec) {
      const safeguarding::TimerSpec& spec = *shown.spec;
      out << "  rule      " << safeguarding::Cite(spec.source) << '\n';
      out << "  reason    " << *model::kEscalationReasonNames.Name(spec.reason);
      if (const std::string_view detail = DetailAfterCite(spec); !detail.empty()) {
        out << " (" << detail << ')';
      }
      out << '\n';
      out << "  notify    " << RoleList(spec.notify) << '\n';
    } else {
      out << "  rule      unknown: " << shown.spec_error << '\n';
    }
    out << "  armed     " << Both(london, r.armed_at) << ", from message "
        << r.timer.source_message_id << '\n';
    if (r.finished_at) {
      out << "  " << state << std::string(10 - std::min<std::size_t>(state.size(), 9), ' ')
          << Both(london, *r.finished_at);
      if (r.message_id) {
        out << (r.state == store::TimerState::kFired ? ", raised message " : ", by message ")
            << *r.message_id;
      }
      if (r.note) out << ": " << *r.note;
      out << '\n';
    }
  }
}

json Optional(const std::optional<std::string>& value) {
  return value ? json(*value) : json(nullptr);
}

void PrintJson(const std::vector<Shown>& timers, const date::time_zone* london, std::ostream& out) {
  json list = json::array();
  for (const Shown& shown : timers) {
    const store::TimerRecord& r = *shown.record;
    json t = {{"id", r.timer.id},
              {"kind", r.timer.kind},
              {"state", store::TimerStateName(r.state)},
              {"due_at", model::FormatTimestamp(r.timer.due_at)},
              {"due_at_uk", UkLocal(london, r.timer.due_at)},
              {"armed_at", model::FormatTimestamp(r.armed_at)},
              {"source_message_id", r.timer.source_message_id}};
    if (shown.spec) {
      const safeguarding::TimerSpec& spec = *shown.spec;
      t["rule"] = safeguarding::Cite(spec.source);
      t["rules_id"] = spec.source.rules_id;
      t["clause"] = spec.source.clause;
      t["reason"] = *model::kEscalationReasonNames.Name(spec.reason);
      t["detail"] = spec.detail;
      json notify = json::array();
      for (policy::Role role : spec.notify) notify.push_back(*policy::kRoleNames.Name(role));
      t["notify"] = std::move(notify);
    } else {
      t["rule"] = nullptr;
      t["spec_error"] = shown.spec_error;
    }
    t["finished_at"] = r.finished_at ? json(model::FormatTimestamp(*r.finished_at)) : json(nullptr);
    t["finished_at_uk"] = r.finished_at ? json(UkLocal(london, *r.finished_at)) : json(nullptr);
    t["message_id"] = Optional(r.message_id);
    t["note"] = Optional(r.note);
    list.push_back(std::move(t));
  }
  out << list.dump(2) << '\n';
}

}  // namespace

int RunPolicyTimersCommand(const PolicyTimersArgs& args, std::ostream& out, std::ostream& err) {
  if (!PoliceRefAcceptable(args.police_ref, err)) return kCannotRun;
  auto config = LoadConfig(args.config, err);
  if (!config) return kCannotRun;

  const date::time_zone* london = nullptr;
  try {
    london = date::locate_zone("Europe/London");
  } catch (const std::exception& e) {
    err << "policy timers: the time zone Europe/London is not available: " << e.what() << '\n';
    return kCannotRun;
  }

  auto opened = OpenStore(*config, err);
  if (!opened) return kCannotRun;
  auto listed = opened->ListTimers(args.police_ref);
  if (!listed.ok()) {
    err << "policy timers: the timers could not be read: " << listed.error().detail << '\n';
    return kCannotRun;
  }

  std::vector<Shown> timers;
  timers.reserve(listed->size());
  for (const store::TimerRecord& record : *listed) {
    Shown shown{&record, std::nullopt, {}};
    auto spec = safeguarding::SpecFromJson(record.timer.spec_json);
    if (spec.ok()) {
      shown.spec = std::move(spec).value();
    } else {
      shown.spec_error = spec.error();
    }
    timers.push_back(std::move(shown));
  }

  if (args.json) {
    PrintJson(timers, london, out);
  } else {
    PrintText(timers, london, out);
  }
  return kDone;
}

}  // namespace isagw::cli

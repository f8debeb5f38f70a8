#include "gateway/safeguarding/rules_loader.h"

#include <sodium.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <system_error>
#include <tuple>

#include "gateway/common/field_error.h"
#include "gateway/config/yaml_reader.h"
#include "gateway/config/yaml_stream.h"

namespace isagw::safeguarding {
namespace {

using config::ConfigError;
using config::ConfigErrors;
using config::ErrorList;
using config::MapReader;
using config::OneOf;
using config::Presence;
using std::chrono::days;
using std::chrono::duration_cast;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

using Document = std::pair<std::string, std::string>;  // (file name, YAML text)

constexpr std::size_t kMaxAreas = 100;
constexpr std::size_t kMaxRulesPerList = 20;
constexpr std::size_t kMaxIdLength = 64;
constexpr std::size_t kMaxTitleLength = 300;
constexpr std::size_t kMaxClauseLength = 40;

// Reads one rules file into AreaRules. Errors about list items (an area,
// a role) are found after the list is read, so they go to `late` as JSON
// Pointers and are placed on their lines afterwards.
class RulesReader {
 public:
  RulesReader(const registry::AgencyRegistry& registry, FieldErrors& late)
      : registry_(registry), late_(late) {}

  AreaRules Read(MapReader& top) {
    AreaRules rules;
    if (auto format = top.String("format", Presence::kRequired, 64);
        format && *format != kRulesFormat) {
      top.Error("format", "format", "must be " + std::string(kRulesFormat));
    }
    if (auto id = top.String("id", Presence::kRequired, kMaxIdLength)) {
      static const std::regex kId("[A-Z][A-Z0-9-]{2,63}");
      if (std::regex_match(*id, kId)) {
        rules.id = *id;
      } else {
        top.Error("id", "pattern",
                  "must be 3 to 64 capital letters, digits and '-', starting with a letter");
      }
    }
    rules.title = top.String("title", Presence::kRequired, kMaxTitleLength).value_or("");
    rules.areas = ReadAreas(top);

    if (auto in = top.Map("rhi_due", Presence::kOptional)) {
      RhiDueRule rule;
      rule.source = ReadSource(*in, rules.id);
      if (auto after = ReadSeconds(*in, "after", Presence::kOptional, hours(1), days(30))) {
        rule.due_after = *after;
      }
      rule.warn_before = ReadSeconds(*in, "warn_before", Presence::kOptional, minutes(1), days(30));
      if (rule.warn_before && *rule.warn_before >= rule.due_after) {
        in->Error("warn_before", "order", "must be shorter than after (when the RHI falls due)");
      }
      rule.notify = ReadNotify(*in, "/rhi_due");
      in->RefuseUnknownKeys();
      rules.rhi_due = std::move(rule);
    }

    std::optional<seconds> previous_after;
    top.ForEachMap("long_missing", Presence::kOptional, kMaxRulesPerList,
                   [&](MapReader& in, std::size_t index) {
                     LongMissingRule rule;
                     rule.source = ReadSource(in, rules.id);
                     auto after =
                         ReadSeconds(in, "after", Presence::kRequired, hours(1), days(366));
                     if (after) {
                       if (previous_after && *after <= *previous_after) {
                         in.Error("after", "order",
                                  "must be longer than the entry before: list long_missing in "
                                  "ascending order of after");
                       }
                       previous_after = after;
                       rule.after = *after;
                     }
                     rule.notify = ReadNotify(in, "/long_missing/" + std::to_string(index));
                     in.RefuseUnknownKeys();
                     rules.long_missing.push_back(std::move(rule));
                   });

    std::set<std::pair<int, int>> thresholds;  // (count, window days)
    top.ForEachMap(
        "repeat_episodes", Presence::kOptional, kMaxRulesPerList,
        [&](MapReader& in, std::size_t index) {
          RepeatRule rule;
          rule.source = ReadSource(in, rules.id);
          auto count = in.Integer("count", Presence::kRequired, 2, 100);
          if (count) rule.count = static_cast<int>(*count);
          auto window = in.Duration("window", Presence::kRequired, days(1), days(366));
          if (window) {
            if (*window % days(1) != milliseconds::zero()) {
              in.Error("window", "whole_days", "must be a whole number of days, such as 90d");
              window.reset();
            } else {
              rule.window_days = static_cast<int>(duration_cast<days>(*window).count());
            }
          }
          if (count && window && !thresholds.emplace(rule.count, rule.window_days).second) {
            in.errors().Add(in.where(), in.path(), "duplicate",
                            "another entry has the same count and window");
          }
          rule.notify = ReadNotify(in, "/repeat_episodes/" + std::to_string(index));
          in.RefuseUnknownKeys();
          rules.repeat_episodes.push_back(std::move(rule));
        });
    // Thresholds of one window together, lowest count first.
    std::stable_sort(rules.repeat_episodes.begin(), rules.repeat_episodes.end(),
                     [](const RepeatRule& a, const RepeatRule& b) {
                       return std::tie(a.window_days, a.count) < std::tie(b.window_days, b.count);
                     });

    if (auto in = top.Map("high_risk", Presence::kOptional)) {
      HighRiskRule rule;
      rule.source = ReadSource(*in, rules.id);
      if (auto level = ReadRisk(*in)) rule.at_least = *level;
      rule.notify = ReadNotify(*in, "/high_risk");
      in->RefuseUnknownKeys();
      rules.high_risk = std::move(rule);
    }

    if (auto in = top.Map("urgent_alerts", Presence::kOptional)) {
      UrgentAlertRule rule;
      rule.source = ReadSource(*in, rules.id);
      if (auto level = ReadRisk(*in)) rule.at_least = *level;
      if (auto name = in->String("acknowledge", Presence::kOptional, 32)) {
        if (auto parsed = kAcknowledgementNames.Find(*name)) {
          rule.acknowledgement = *parsed;
        } else {
          in->Error("acknowledge", "enum", OneOf(kAcknowledgementNames));
        }
      }
      if (auto within = ReadSeconds(*in, "within", Presence::kOptional, minutes(1), hours(24))) {
        rule.within = *within;
      }
      in->RefuseUnknownKeys();
      rules.urgent_alerts = std::move(rule);
    }

    top.RefuseUnknownKeys();
    return rules;
  }

 private:
  // Host councils: registry agencies of kind local_authority, each once.
  std::vector<std::string> ReadAreas(MapReader& top) {
    auto areas = top.StringList("areas", Presence::kRequired, kMaxAreas, 63);
    if (!areas) return {};
    std::set<std::string> seen;
    for (std::size_t i = 0; i < areas->size(); ++i) {
      const std::string& area = (*areas)[i];
      const std::string pointer = "/areas/" + std::to_string(i);
      const registry::Agency* agency = registry_.FindById(area);
      if (agency == nullptr) {
        late_.push_back({pointer, "unknown_agency", "is not an agency in the registry"});
      } else if (agency->kind != registry::AgencyKind::kLocalAuthority) {
        late_.push_back(
            {pointer, "agency_kind", "must be a local authority: an area is a host council"});
      } else if (agency->duty_for) {
        late_.push_back({pointer, "agency_kind",
                         "is a duty endpoint, not a council: name the council it stands in for"});
      } else if (!seen.insert(area).second) {
        late_.push_back({pointer, "duplicate", "is listed twice"});
      }
    }
    return std::move(*areas);
  }

  // Every timer and escalation cites "<rules id> <clause>", so a clause
  // names one rule of its file.
  RuleSource ReadSource(MapReader& in, const std::string& rules_id) {
    RuleSource source;
    source.rules_id = rules_id;
    source.line = in.where().is_null() ? 0 : in.where().line + 1;
    if (auto clause = in.String("clause", Presence::kRequired, kMaxClauseLength)) {
      auto [it, inserted] = clauses_.emplace(*clause, in.LineOf("clause"));
      if (!inserted) {
        in.Error("clause", "duplicate_clause",
                 "is also the clause of the rule at line " + std::to_string(it->second));
      }
      source.clause = std::move(*clause);
    }
    return source;
  }

  // A duration in whole seconds within [min, max].
  static std::optional<seconds> ReadSeconds(MapReader& in, std::string_view key, Presence presence,
                                            milliseconds min, milliseconds max) {
    auto value = in.Duration(key, presence, min, max);
    if (!value) return std::nullopt;
    if (*value % seconds(1) != milliseconds::zero()) {
      in.Error(key, "whole_seconds", "must be a whole number of seconds");
      return std::nullopt;
    }
    return duration_cast<seconds>(*value);
  }

  static std::optional<model::RiskLevel> ReadRisk(MapReader& in) {
    auto name = in.String("risk_at_least", Presence::kOptional, 32);
    if (!name) return std::nullopt;
    auto level = model::kRiskLevelNames.Find(*name);
    if (!level) in.Error("risk_at_least", "enum", OneOf(model::kRiskLevelNames));
    return level;
  }

  // `pointer` is the rule's mapping ("/rhi_due", "/long_missing/2").
  Audience ReadNotify(MapReader& in, const std::string& pointer) {
    Audience audience;
    auto names =
        in.StringList("notify", Presence::kRequired, policy::kRoleNames.entries.size(), 32);
    if (!names) return audience;
    for (std::size_t i = 0; i < names->size(); ++i) {
      const std::string item = pointer + "/notify/" + std::to_string(i);
      auto role = policy::kRoleNames.Find((*names)[i]);
      if (!role) {
        late_.push_back({item, "enum", OneOf(policy::kRoleNames)});
      } else if (!audience.insert(*role).second) {
        late_.push_back({item, "duplicate", "is listed twice"});
      }
    }
    return audience;
  }

  const registry::AgencyRegistry& registry_;
  FieldErrors& late_;
  std::map<std::string, int> clauses_;  // clause -> line
};

// Parses one document; false (with the error recorded) when it is not
// exactly one YAML document of at most kMaxYamlBytes.
bool Parse(const std::string& text, ErrorList& errors, YAML::Node& root) {
  if (text.size() > config::kMaxYamlBytes) {
    errors.AddForFile("too_large", "file is larger than 1 MiB");
    return false;
  }
  config::YamlStream stream;
  try {
    stream = config::ReadYamlStream(text);
  } catch (const YAML::Exception& e) {
    // yaml-cpp messages describe the syntax and do not quote the document.
    errors.Add(e.mark, "", "syntax", "YAML syntax error: " + e.msg);
    return false;
  }
  if (stream.documents > 1) {
    errors.AddForFile("syntax", "file holds more than one YAML document");
    return false;
  }
  root = stream.first;
  return true;
}

// SHA-256 over each file's name, length and bytes, in name order (as the
// policy set's hash, gateway/policy/loader.cc); "" for no files.
std::string HashDocuments(const std::vector<Document>& documents) {
  if (documents.empty()) return "";
  static const int ready = sodium_init();
  (void)ready;
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  for (const auto& [name, text] : documents) {
    const std::string header = name + '\0' + std::to_string(text.size()) + '\0';
    crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(header.data()),
                              header.size());
    crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(text.data()),
                              text.size());
  }
  unsigned char hash[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&state, hash);
  char hex[2 * sizeof hash + 1];
  sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
  return std::string(hex, 2 * sizeof hash);
}

}  // namespace

Result<RuleSet, ConfigErrors> LoadRuleDocuments(std::vector<Document> documents,
                                                const registry::AgencyRegistry& registry) {
  std::sort(documents.begin(), documents.end(),
            [](const Document& a, const Document& b) { return a.first < b.first; });
  ConfigErrors out;
  std::vector<AreaRules> all;
  std::map<std::string, std::string> ids;    // rules id -> file
  std::map<std::string, std::string> areas;  // host LA -> file
  for (const auto& [name, text] : documents) {
    ErrorList errors(name);
    FieldErrors late;
    YAML::Node root;
    if (Parse(text, errors, root)) {
      MapReader top(errors, root, root.Mark(), "");
      AreaRules rules = RulesReader(registry, late).Read(top);
      rules.file = name;
      if (!rules.id.empty()) {
        auto [it, inserted] = ids.emplace(rules.id, name);
        if (!inserted) top.Error("id", "duplicate_id", "is also the id of " + it->second);
      }
      for (std::size_t i = 0; i < rules.areas.size(); ++i) {
        const registry::Agency* agency = registry.FindById(rules.areas[i]);
        if (agency == nullptr || agency->kind != registry::AgencyKind::kLocalAuthority) continue;
        auto [it, inserted] = areas.emplace(rules.areas[i], name);
        if (!inserted && it->second != name) {
          late.push_back({"/areas/" + std::to_string(i), "duplicate_area",
                          "is also named by " + it->second + ": an area keeps one clock"});
        }
      }
      all.push_back(std::move(rules));
    }
    ConfigErrors found = errors.Take();
    for (const FieldError& e : late) found.push_back(config::ErrorAtPointer(name, root, e));
    found = config::SortedByLine(std::move(found));
    out.insert(out.end(), std::make_move_iterator(found.begin()),
               std::make_move_iterator(found.end()));
  }
  if (!out.empty()) return Fail(std::move(out));
  std::string hash = HashDocuments(documents);
  return RuleSet(std::move(all), std::move(hash));
}

Result<RuleSet, ConfigErrors> LoadRuleSet(const std::filesystem::path& dir,
                                          const registry::AgencyRegistry& registry) {
  std::error_code ec;
  const auto status = std::filesystem::status(dir, ec);
  if (status.type() == std::filesystem::file_type::not_found) return RuleSet();
  ConfigErrors errors;
  std::filesystem::directory_iterator it;
  if (!ec && std::filesystem::is_directory(status))
    it = std::filesystem::directory_iterator(dir, ec);
  if (ec || !std::filesystem::is_directory(status)) {
    errors.push_back({dir.string(), 0, "", "io", "the rules directory cannot be read"});
    return Fail(std::move(errors));
  }
  std::vector<Document> documents;
  for (const auto& entry : it) {
    const std::filesystem::path& path = entry.path();
    const std::string ext = path.extension().string();
    if (ext != ".yaml" && ext != ".yml") continue;
    if (!entry.is_regular_file(ec)) continue;
    if (documents.size() >= kMaxRuleFiles) {
      errors.push_back({dir.string(), 0, "", "too_large",
                        "more than " + std::to_string(kMaxRuleFiles) + " rules files"});
      break;
    }
    const std::uintmax_t size = entry.file_size(ec);
    if (ec || size > config::kMaxYamlBytes) {
      errors.push_back({path.string(), 0, "", "too_large", "file is larger than 1 MiB"});
      continue;
    }
    std::string text(static_cast<std::size_t>(size), '\0');
    std::ifstream in(path, std::ios::binary);
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    if (!in || static_cast<std::uintmax_t>(in.gcount()) != size) {
      errors.push_back({path.string(), 0, "", "io", "file could not be read"});
      continue;
    }
    documents.emplace_back(path.filename().string(), std::move(text));
  }
  auto loaded = LoadRuleDocuments(std::move(documents), registry);
  if (!loaded.ok()) {
    // Errors name the file as the operator finds it: DIR/name.
    for (ConfigError e : std::move(loaded).error()) {
      e.file = (dir / e.file).string();
      errors.push_back(std::move(e));
    }
  }
  if (!errors.empty()) return Fail(std::move(errors));
  return std::move(loaded).value();
}

}  // namespace isagw::safeguarding

#include "gateway/registry/registry_loader.h"

#include <charconv>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "gateway/config/yaml_reader.h"

namespace isagw::registry {
namespace {

using config::MapReader;
using config::OneOf;
using config::Presence;

constexpr std::size_t kMaxAgencies = 1000;
constexpr std::size_t kMaxRoutingItems = 500;
constexpr std::size_t kMaxPeople = 10000;

// An entry's `identity`: the SAN URI its certificate carries and an
// optional pin, normalised (agencies and people alike).
void ReadIdentity(MapReader& in, std::string& san_uri, std::optional<std::string>& pin) {
  auto identity = in.Map("identity", Presence::kRequired);
  if (!identity) return;
  san_uri = identity->String("san_uri", Presence::kRequired).value_or("");
  if (auto text = identity->String("sha256", Presence::kOptional, 95)) {
    std::string normalised = NormaliseSha256Fingerprint(*text);
    if (normalised.empty()) {
      identity->Error("sha256", "pattern",
                      "must be a SHA-256 fingerprint: 64 hexadecimal digits, colons allowed");
    } else {
      pin = std::move(normalised);
    }
  }
  identity->RefuseUnknownKeys();
}

// Reads one agency entry. Value errors found after reading (enum names in
// lists) go to `late` as pointers, to be placed on lines afterwards.
Agency ReadAgency(MapReader& in, std::size_t index, const std::filesystem::path& base_dir,
                  FieldErrors& late) {
  const std::string pointer = "/agencies/" + std::to_string(index);
  Agency a;
  a.id = in.String("id", Presence::kRequired, 63).value_or("");
  a.name = in.String("name", Presence::kRequired).value_or("");
  if (auto kind = in.String("kind", Presence::kRequired)) {
    if (auto parsed = kAgencyKindNames.Find(*kind)) {
      a.kind = *parsed;
    } else {
      in.Error("kind", "enum", OneOf(kAgencyKindNames));
    }
  }

  // A duty endpoint (urgent alerts) stands in for another agency: it has
  // neither codes nor routing facts of its own.
  a.duty_for = in.String("duty_for", Presence::kOptional, 63);
  const bool duty = in.Has("duty_for");
  const std::size_t errors_before_contacts = in.errors().size();
  if (auto contacts = in.StringList("duty_contacts", Presence::kOptional, kMaxDutyContacts, 63)) {
    a.duty_contacts = std::move(*contacts);
  } else if (in.Has("duty_contacts") && in.errors().size() == errors_before_contacts) {
    // An empty list reads as absent; the schema refuses it, and so does this.
    in.Error("duty_contacts", "empty", "must list 1 or 2 agency ids; leave the key out for none");
  }

  if (duty) {
    in.Forbid("codes", "a duty endpoint has no codes: they are its principal's");
  } else if (auto codes = in.Map("codes", Presence::kOptional)) {
    a.force_code = codes->String("force_code", Presence::kOptional, 10).value_or("");
    a.la_number = codes->String("la_number", Presence::kOptional, 3).value_or("");
    a.gss_code = codes->String("gss_code", Presence::kOptional, 9).value_or("");
    codes->RefuseUnknownKeys();
  }

  ReadIdentity(in, a.san_uri, a.sha256_pin);

  if (auto formats = in.Map("formats", Presence::kRequired)) {
    auto read_list = [&](std::string_view key, std::vector<adapters::Format>& out) {
      auto names = formats->StringList(key, Presence::kOptional, 8, 32);
      if (!names) return;
      for (std::size_t j = 0; j < names->size(); ++j) {
        if (auto format = adapters::kFormatNames.Find((*names)[j])) {
          out.push_back(*format);
        } else {
          late.push_back({pointer + "/formats/" + std::string(key) + "/" + std::to_string(j),
                          "enum", OneOf(adapters::kFormatNames)});
        }
      }
    };
    read_list("sends", a.sends);
    read_list("receives", a.receives);
    formats->RefuseUnknownKeys();
  }

  if (auto delivery = in.Map("delivery", Presence::kRequired)) {
    if (auto mode = delivery->String("mode", Presence::kRequired)) {
      if (auto parsed = kDeliveryModeNames.Find(*mode)) {
        a.delivery = *parsed;
      } else {
        delivery->Error("mode", "enum", OneOf(kDeliveryModeNames));
      }
    }
    if (a.delivery == DeliveryMode::kPush) {
      PushEndpoint push;
      push.url = delivery->String("url", Presence::kRequired, 2048).value_or("");
      if (!push.url.empty() && !PushUrlHost(push.url)) {
        delivery->Error("url", "pattern", "must be an https:// URL with a host");
      }
      if (auto ca_file = delivery->String("ca_file", Presence::kRequired, config::kMaxPathLength)) {
        push.ca_file = config::ResolvePath(base_dir, *ca_file);
        std::error_code ec;
        if (!std::filesystem::is_regular_file(push.ca_file, ec)) {
          delivery->Error("ca_file", "not_found", "file does not exist");
        }
      }
      if (auto name = delivery->String("server_name", Presence::kOptional, 253)) {
        push.server_name = *name;
      } else if (auto host = PushUrlHost(push.url)) {
        push.server_name = *host;  // the URL's host, as a browser would check
      }
      a.push = std::move(push);
    } else {
      for (const char* key : {"url", "ca_file", "server_name"}) {
        delivery->Forbid(key, "only push delivery has an endpoint");
      }
    }
    delivery->RefuseUnknownKeys();
  }

  a.lenient = in.Bool("lenient", Presence::kOptional).value_or(false);

  if (auto limit = in.Map("rate_limit", Presence::kOptional)) {
    RateLimit rate;
    auto rps = limit->Number("requests_per_second", Presence::kRequired, 0.001, 100000);
    auto burst = limit->Integer("burst", Presence::kRequired, 1, 1000000);
    if (rps && burst) {
      rate.requests_per_second = *rps;
      rate.burst = static_cast<int>(*burst);
      a.rate_limit = rate;
    }
    limit->RefuseUnknownKeys();
  }

  if (duty) {
    in.Forbid("routing", "a duty endpoint has no routing facts: routing never chooses it");
  } else if (auto routing = in.Map("routing", Presence::kRequired)) {
    a.covers_las = routing->StringList("covers_las", Presence::kOptional, kMaxRoutingItems, 3)
                       .value_or(std::vector<std::string>{});
    a.postcode_districts =
        routing->StringList("postcode_districts", Presence::kOptional, kMaxRoutingItems, 4)
            .value_or(std::vector<std::string>{});
    a.commissioned_by =
        routing->StringList("commissioned_by", Presence::kOptional, kMaxRoutingItems, 3)
            .value_or(std::vector<std::string>{});
    routing->RefuseUnknownKeys();
  }

  in.RefuseUnknownKeys();
  return a;
}

// Reads one person entry (a console user).
Person ReadPerson(MapReader& in) {
  Person p;
  p.id = in.String("id", Presence::kRequired, 63).value_or("");
  if (auto role = in.String("role", Presence::kRequired)) {
    if (auto parsed = kPersonRoleNames.Find(*role)) {
      p.role = *parsed;
    } else {
      in.Error("role", "enum", OneOf(kPersonRoleNames));
    }
  }
  p.agency_id = in.String("agency", Presence::kOptional, 63).value_or("");
  ReadIdentity(in, p.san_uri, p.sha256_pin);
  in.RefuseUnknownKeys();
  return p;
}

// The N of a "/agencies/N/..." pointer; SIZE_MAX for any other.
std::size_t AgencyIndexOf(std::string_view pointer) {
  constexpr std::string_view kPrefix = "/agencies/";
  if (pointer.substr(0, kPrefix.size()) != kPrefix) return SIZE_MAX;
  pointer.remove_prefix(kPrefix.size());
  std::size_t index = 0;
  auto [end, ec] = std::from_chars(pointer.data(), pointer.data() + pointer.size(), index);
  if (ec != std::errc() || (end != pointer.data() + pointer.size() && *end != '/')) return SIZE_MAX;
  return index;
}

// What an entry's duty cross-checks are about: the ids it names.
struct DutyReferences {
  std::optional<std::string> duty_for;
  std::vector<std::string> duty_contacts;
};

// The id a duty cross-check error is about ("/agencies/N/duty_for", its
// "/formats/receives" mismatch, "/agencies/N/duty_contacts/J"), or nullptr
// for any other error.
const std::string* NamedByDutyCheck(const FieldError& e,
                                    const std::vector<DutyReferences>& references) {
  const std::size_t index = AgencyIndexOf(e.pointer);
  if (index >= references.size()) return nullptr;
  const DutyReferences& r = references[index];
  // What follows "/agencies/N".
  std::string_view rest(e.pointer);
  const std::size_t slash = rest.find('/', std::string_view("/agencies/").size());
  rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  if (rest == "/duty_for" || (rest == "/formats/receives" && e.code == "inconsistent")) {
    return r.duty_for ? &*r.duty_for : nullptr;
  }
  constexpr std::string_view kContacts = "/duty_contacts/";
  if (rest.substr(0, kContacts.size()) != kContacts) return nullptr;
  rest.remove_prefix(kContacts.size());
  std::size_t j = 0;
  auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), j);
  if (ec != std::errc() || end != rest.data() + rest.size() || j >= r.duty_contacts.size()) {
    return nullptr;
  }
  return &r.duty_contacts[j];
}

}  // namespace

Result<AgencyRegistry, config::ConfigErrors> LoadAgencyRegistry(const std::filesystem::path& path) {
  auto document = config::LoadYamlFile(path);
  if (!document.ok()) return Fail(std::move(document).error());
  const YAML::Node& root = *document;
  const std::filesystem::path base_dir = path.parent_path();

  config::ErrorList errors(path.string());
  FieldErrors late;
  std::vector<Agency> agencies;
  MapReader top(errors, root, root.Mark(), "");
  if (auto version = top.Integer("version", Presence::kRequired, 0, 1000);
      version && *version != 1) {
    top.Error("version", "range", "must be 1, the only registry layout so far");
  }
  // Entries that did not read cleanly are left out of the value checks
  // below, which would only repeat their errors in other words.
  std::set<std::size_t> unreadable;
  const bool listed = top.ForEachMap("agencies", Presence::kRequired, kMaxAgencies,
                                     [&](MapReader& item, std::size_t index) {
                                       const std::size_t before = errors.size() + late.size();
                                       agencies.push_back(ReadAgency(item, index, base_dir, late));
                                       if (errors.size() + late.size() != before)
                                         unreadable.insert(index);
                                     });
  if (listed && agencies.empty()) top.Error("agencies", "empty", "must list at least one agency");
  // Console users: optional; a registry without them serves agencies only.
  std::vector<Person> people;
  bool people_unreadable = false;
  top.ForEachMap("people", Presence::kOptional, kMaxPeople,
                 [&](MapReader& item, std::size_t /*index*/) {
                   const std::size_t before = errors.size();
                   people.push_back(ReadPerson(item));
                   if (errors.size() != before) people_unreadable = true;
                 });
  top.RefuseUnknownKeys();

  config::ConfigErrors out = errors.Take();
  for (const FieldError& e : late) out.push_back(config::ErrorAtPointer(path.string(), root, e));

  // So are errors about a duty reference to such an entry (a contact whose
  // duty_for did not read, an endpoint whose principal's list did not).
  std::set<std::string, std::less<>> unreadable_ids;
  std::vector<DutyReferences> references;
  references.reserve(agencies.size());
  for (std::size_t i = 0; i < agencies.size(); ++i) {
    if (unreadable.contains(i)) unreadable_ids.insert(agencies[i].id);
    references.push_back({agencies[i].duty_for, agencies[i].duty_contacts});
  }

  auto registry = AgencyRegistry::Create(std::move(agencies), std::move(people));
  if (!registry.ok()) {
    for (const FieldError& e : registry.error()) {
      if (unreadable.contains(AgencyIndexOf(e.pointer))) continue;
      if (people_unreadable && e.pointer.starts_with("/people/")) continue;
      const std::string* named = NamedByDutyCheck(e, references);
      if (named != nullptr && unreadable_ids.contains(*named)) continue;
      out.push_back(config::ErrorAtPointer(path.string(), root, e));
    }
  }
  if (!out.empty()) return Fail(config::SortedByLine(std::move(out)));
  return std::move(registry).value();
}

}  // namespace isagw::registry

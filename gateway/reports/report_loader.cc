#include "gateway/reports/report_loader.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <utility>

#include "adapters/canonical/canonical.h"
#include "gateway/pipeline/child_key.h"
#include "gateway/reports/record_view.h"

namespace isagw::reports {
namespace {

using nlohmann::json;

std::string Text(const json& object, std::string_view key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

std::optional<model::Timestamp> Time(const json& object, std::string_view key) {
  const std::string text = Text(object, key);
  if (text.empty()) return std::nullopt;
  return model::ParseRfc3339(text);
}

const json& Member(const json& object, std::string_view key) {
  static const json kNull;  // NOLINT: an immutable empty value
  if (!object.is_object()) return kNull;
  auto it = object.find(key);
  return it == object.end() ? kNull : *it;
}

Place PlaceOf(const json& location, std::string_view name_key) {
  return Place{PostcodeDistrict(Text(location, "postcode")), Text(location, name_key)};
}

bool IsPoliceKind(std::string_view kind) {
  return kind == "missing_reported" || kind == "risk_reviewed" || kind == "found" ||
         kind == "closed";
}

// Later records say more: a value given replaces the one before, a value
// left out (or withheld from this viewer) keeps it.
void Absorb(ChildDetails& details, const json& child, const std::string& viewer_la) {
  auto take = [](std::string& into, std::string value) {
    if (!value.empty()) into = std::move(value);
  };
  take(details.forename, Text(child, "forename"));
  take(details.surname, Text(child, "surname"));
  take(details.date_of_birth, Text(child, "date_of_birth"));
  take(details.looked_after, Text(child, "looked_after"));
  take(details.responsible_la, Text(child, "responsible_la"));
  const json& id = Member(child, "council_person_id");
  // Only the viewer's own identifier is its CHILD in a statutory return.
  if (!viewer_la.empty() && Text(id, "la") == viewer_la) {
    take(details.council_person_id, Text(id, "person_id"));
  }
}

void ApplyPoliceRecord(EpisodeRow& row, const store::ReportRecords::Message& message,
                       const json& record, const std::string& viewer_la) {
  const json& episode = Member(record, "episode");
  const auto reported = Time(episode, "reported_at");
  if (!row.reported_at && reported) row.reported_at = reported;
  const model::Timestamp at = reported.value_or(message.received_at);
  if (const std::string level = Text(Member(episode, "risk"), "level"); !level.empty()) {
    if (row.risk.empty() || row.risk.back().level != level) row.risk.push_back({level, at});
  }
  if (const std::string type = Text(episode, "missing_type"); !type.empty()) {
    if (row.missing_type.empty() || row.missing_type.back().type != type) {
      row.missing_type.push_back({type, at});
    }
  }
  if (auto found = Time(episode, "found_at")) row.found_at = found;
  if (message.kind == "closed") row.closed_at = message.received_at;
  if (const json& seen = Member(episode, "last_seen_location"); seen.is_object()) {
    row.last_seen = PlaceOf(seen, "description");
  }
  if (const json& found = Member(episode, "found_location"); found.is_object()) {
    row.found = PlaceOf(found, "description");
  }
  Absorb(row.details, Member(record, "child"), viewer_la);
}

InterviewRow InterviewOf(const store::ReportRecords::Message& message, const json& record) {
  const json& rhi = Member(record, "rhi");
  InterviewRow row;
  row.message_id = message.id;
  row.provider = message.sender;
  row.received_at = message.received_at;
  if (const json& refs = Member(rhi, "police_refs"); refs.is_array()) {
    for (const json& ref : refs) {
      if (ref.is_string()) row.police_refs.push_back(ref.get<std::string>());
    }
  }
  row.returned_at = Time(rhi, "returned_at");
  row.offered_at = Time(rhi, "offered_at");
  row.completed_at = Time(rhi, "completed_at");
  row.outcome = Text(rhi, "outcome");
  row.outcome_reason = Text(rhi, "outcome_reason");
  if (const json& places = Member(rhi, "where_stayed"); places.is_array()) {
    for (const json& p : places) {
      Place place = PlaceOf(p, "description");
      if (place.name.empty()) place.name = Text(p, "town");
      if (!place.district.empty() || !place.name.empty()) row.where_stayed.push_back(place);
    }
  }
  if (const json& people = Member(rhi, "with_whom"); people.is_array()) {
    for (const json& person : people) {
      const json& concern = Member(person, "adult_of_concern");
      const std::string name = Text(person, "name");
      if (concern.is_boolean() && concern.get<bool>() && !name.empty()) {
        row.adults_of_concern.push_back({name});
      }
    }
  }
  return row;
}

}  // namespace

std::string PostcodeDistrict(std::string_view postcode) {
  std::string district;
  for (char c : postcode) {
    if (c == ' ') break;
    if (!std::isalnum(static_cast<unsigned char>(c))) return {};
    district.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  // An outward code is 2-4 characters and starts with a letter; a full
  // postcode written without its space ("DE223AB") loses the last three.
  if (postcode.find(' ') == std::string_view::npos && district.size() >= 5) {
    district.resize(district.size() - 3);
  }
  if (district.size() < 2 || district.size() > 4 ||
      !std::isalpha(static_cast<unsigned char>(district[0]))) {
    return {};
  }
  return district;
}

ReportData BuildReportData(const store::ReportRecords& records, const pipeline::GatewayState& state,
                           const LoadRequest& request) {
  ReportData data;
  data.viewer = request.viewer;
  const registry::Agency* viewer = state.registry.FindById(request.viewer);
  const std::string viewer_la = viewer != nullptr ? viewer->la_number : std::string();
  const RecordView view(state, request.viewer, request.now);

  std::map<std::string, std::size_t, std::less<>> by_ref;
  std::multimap<std::string, std::size_t, std::less<>> by_child_key;
  for (const auto& e : records.episodes) {
    EpisodeRow row;
    row.police_ref = e.police_ref;
    row.child = e.child_key.value_or("episode:" + e.police_ref);
    row.host_la = e.host_la.value_or("");
    if (e.placing_la && *e.placing_la != row.host_la) row.placing_la = *e.placing_la;
    row.state = e.state;
    row.missing_since = e.missing_since;
    row.first_received_at = model::Timestamp::max();
    by_ref.emplace(e.police_ref, data.episodes.size());
    if (e.child_key) by_child_key.emplace(*e.child_key, data.episodes.size());
    data.episodes.push_back(std::move(row));
  }
  // The force is whoever sent the police records: known before any is read
  // so that the first record's roles are right.
  for (const auto& m : records.messages) {
    if (!IsPoliceKind(m.kind) || !m.episode_ref) continue;
    auto it = by_ref.find(*m.episode_ref);
    if (it != by_ref.end() && data.episodes[it->second].force.empty()) {
      data.episodes[it->second].force = m.sender;
    }
  }

  std::map<std::string, std::string, std::less<>> missing_report_of;  // message id -> police_ref
  for (const auto& m : records.messages) {
    if (!m.canonical_json) {
      ++data.shredded;
      continue;
    }
    json record = json::parse(*m.canonical_json, nullptr, /*allow_exceptions=*/false);
    if (!record.is_object()) {
      ++data.shredded;  // unreadable is as good as gone; never expected
      continue;
    }
    EpisodeRow* episode = nullptr;
    if (m.episode_ref) {
      auto it = by_ref.find(*m.episode_ref);
      if (it != by_ref.end()) episode = &data.episodes[it->second];
    }
    EpisodeAgencies agencies;
    if (episode != nullptr) {
      agencies = {episode->host_la, episode->placing_la, episode->force};
    }
    if (m.kind == "placement_notified") {
      // Whose placement: the children of the chosen episodes it names.
      model::Child child;
      if (auto decoded = adapters::canonical::FromJson(record, {}); decoded.ok()) {
        child = std::move(decoded->event.child);
      }
      const auto keys = pipeline::ChildKeysOf(child, state.child_link_key);
      std::set<std::size_t> linked;
      for (const std::string& key : keys) {
        auto [first, last] = by_child_key.equal_range(key);
        for (auto it = first; it != last; ++it) linked.insert(it->second);
      }
      for (std::size_t index : linked) {
        EpisodeRow& row = data.episodes[index];
        auto seen = view.See(m.sender, record, {row.host_la, row.placing_la, row.force});
        if (!seen) continue;
        Absorb(row.details, Member(*seen, "child"), viewer_la);
      }
      continue;
    }
    if (episode == nullptr) continue;  // an RHI naming an episode not chosen
    if (!IsPoliceKind(m.kind) && m.kind != "rhi_recorded") continue;
    auto seen = view.See(m.sender, record, agencies);
    if (!seen) {
      ++data.withheld;
      continue;
    }
    if (m.kind == "rhi_recorded") {
      data.interviews.push_back(InterviewOf(m, *seen));
      continue;
    }
    episode->first_received_at = std::min(episode->first_received_at, m.received_at);
    if (m.kind == "missing_reported") missing_report_of.emplace(m.id, episode->police_ref);
    ApplyPoliceRecord(*episode, m, *seen, viewer_la);
  }
  for (const auto& copy : records.copies) {
    auto ref = missing_report_of.find(copy.message_id);
    if (ref == missing_report_of.end()) continue;
    EpisodeRow& row = data.episodes[by_ref.at(ref->second)];
    if (copy.recipient != row.host_la) continue;
    if (!row.host_copy_at || copy.at < *row.host_copy_at) row.host_copy_at = copy.at;
  }
  // An episode none of whose police records the viewer may see is not
  // the viewer's to know of: it goes, with the interviews about it alone.
  std::erase_if(data.episodes, [](const EpisodeRow& row) {
    return row.first_received_at == model::Timestamp::max();
  });
  std::set<std::string, std::less<>> kept;
  for (const EpisodeRow& row : data.episodes) kept.insert(row.police_ref);
  std::erase_if(data.interviews, [&](const InterviewRow& interview) {
    return std::none_of(interview.police_refs.begin(), interview.police_refs.end(),
                        [&](const std::string& ref) { return kept.contains(ref); });
  });
  return data;
}

Result<ReportData, store::StoreError> LoadReportData(store::Store& store,
                                                     const pipeline::GatewayState& state,
                                                     const LoadRequest& request) {
  auto records = store.LoadReportRecords({request.viewer, request.from, request.to});
  if (!records.ok()) return Fail(records.error());
  return BuildReportData(*records, state, request);
}

}  // namespace isagw::reports

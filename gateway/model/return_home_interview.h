// ReturnHomeInterview: the independent conversation offered to a child
// within 72 hours of return. Its narrative fields (child_account,
// disclosures, child_views) are the most sensitive data the gateway holds.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "gateway/model/codes.h"
#include "gateway/model/time.h"

namespace isagw::model {

struct Interviewer {
  std::optional<std::string> name;
  std::optional<std::string> role;
  std::optional<bool> independent_of_care;
  friend bool operator==(const Interviewer&, const Interviewer&) = default;
};

struct PlaceStayed {
  std::optional<std::string> description;
  std::optional<std::string> town;
  std::optional<std::string> postcode;
  friend bool operator==(const PlaceStayed&, const PlaceStayed&) = default;
};

struct Associate {
  std::optional<std::string> name;
  std::optional<std::string> relationship;
  std::optional<int> approx_age;
  std::optional<bool> adult_of_concern;
  friend bool operator==(const Associate&, const Associate&) = default;
};

struct Harm {
  std::optional<bool> physical;
  std::optional<bool> sexual;
  std::optional<bool> emotional;
  std::optional<bool> substance_misuse;
  std::optional<bool> criminal_activity;
  std::optional<bool> self_harm;
  friend bool operator==(const Harm&, const Harm&) = default;
};

struct RhiAction {
  ActionType type = ActionType::kOther;
  std::optional<std::string> to;
  std::optional<std::string> detail;
  friend bool operator==(const RhiAction&, const RhiAction&) = default;
};

struct Consent {
  std::optional<bool> police;
  std::optional<bool> placing_authority;
  std::optional<bool> health;
  // Why information is shared without consent, for safeguarding.
  std::optional<std::string> overridden_reason;
  friend bool operator==(const Consent&, const Consent&) = default;
};

struct ReturnHomeInterview {
  std::optional<std::string> provider_id;
  std::optional<std::string> interview_id;
  // One interview may cover several episodes.
  std::vector<std::string> police_refs;
  std::optional<Timestamp> returned_at;
  std::optional<Timestamp> offered_at;
  std::optional<Timestamp> completed_at;
  std::optional<RhiOutcome> outcome;
  std::optional<std::string> outcome_reason;
  std::optional<Interviewer> conducted_by;
  std::vector<PlaceStayed> where_stayed;
  std::vector<Associate> with_whom;
  std::vector<PushFactor> push_factors;
  std::vector<PullFactor> pull_factors;
  std::optional<Harm> harm;
  std::vector<Exploitation> exploitation_indicators;
  std::optional<std::string> child_account;
  std::optional<std::string> disclosures;
  std::optional<std::string> child_views;
  std::vector<std::string> risks_identified;
  std::vector<RhiAction> actions;
  std::optional<Consent> consent;
  friend bool operator==(const ReturnHomeInterview&, const ReturnHomeInterview&) = default;
};

}  // namespace isagw::model

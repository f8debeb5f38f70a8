#include "adapters/rhi/form_parts.h"

#include <algorithm>
#include <utility>

#include "adapters/common/validators.h"
#include "adapters/rhi/limits.h"

namespace isagw::adapters::rhi {

void ReadChildBlock(FieldReader& document, model::Child& child) {
  auto block = document.Object("child", Presence::kRequired);
  if (!block) return;
  child.forename = block->Text("first_name", kMaxNameChars, Presence::kRequired);
  child.surname = block->Text("last_name", kMaxNameChars, Presence::kRequired);
  child.date_of_birth = block->Day("date_of_birth");
  block->Finish();
}

std::vector<std::string> ReadPoliceReferences(FieldReader& document) {
  const bool has_one = document.Has("police_reference");
  const bool has_list = document.Has("police_references");
  if (has_one && has_list) {
    document.Claim("police_reference");
    document.Claim("police_references");
    document.log().Error(document.PointerTo("police_references"), "inconsistent",
                         "give police_reference or police_references, not both");
    return {};
  }
  if (!has_list) {
    auto ref =
        document.Text("police_reference", kMaxIdChars, Presence::kRequired, OccurrenceRefRule);
    if (!ref) return {};
    return {std::move(*ref)};
  }
  std::vector<std::string> refs;
  bool refused = false;
  const bool well_formed =
      document.Array("police_references", [&](const nlohmann::json& item, const std::string& at) {
        auto ref = ReadText(document.log(), item, at, kMaxIdChars, OccurrenceRefRule);
        if (!ref) {
          refused = true;
        } else if (std::find(refs.begin(), refs.end(), *ref) != refs.end()) {
          document.log().Error(at, "inconsistent", "repeats an earlier item of the list");
          refused = true;
        } else {
          refs.push_back(std::move(*ref));
        }
      });
  if (well_formed && refs.empty() && !refused) {
    document.log().Error(document.PointerTo("police_references"), "empty",
                         "must hold at least one police reference");
  }
  if (refused) refs.clear();
  return refs;
}

void CheckChildBirthDate(ReadLog& log, const model::Event& event) {
  if (auto fault = CheckBirthDate(event)) {
    log.Error("/child/date_of_birth", std::string(fault->code), std::string(fault->reason));
  }
}

void WriteChildBlock(const model::Child& child, nlohmann::ordered_json& document,
                     FieldErrors& errors) {
  if (!child.forename)
    errors.push_back(NotRepresentable("/child/forename", "the form needs the child's forename"));
  if (!child.surname)
    errors.push_back(NotRepresentable("/child/surname", "the form needs the child's surname"));
  nlohmann::ordered_json block = nlohmann::ordered_json::object();
  if (child.forename) block["first_name"] = *child.forename;
  if (child.surname) block["last_name"] = *child.surname;
  if (child.date_of_birth) block["date_of_birth"] = model::FormatDate(*child.date_of_birth);
  document["child"] = std::move(block);
}

void WritePoliceReferences(const model::Event& event, nlohmann::ordered_json& document,
                           FieldErrors& errors) {
  std::vector<std::string> refs;
  if (event.rhi) refs = event.rhi->police_refs;
  if (const auto& episode_ref = event.episode.police_ref) {
    auto it = std::find(refs.begin(), refs.end(), *episode_ref);
    if (refs.empty()) {
      refs.push_back(*episode_ref);
    } else if (it == refs.end()) {
      errors.push_back(NotRepresentable("/episode/police_ref",
                                        "the episode's reference must be one of rhi.police_refs"));
      return;
    } else {
      std::rotate(refs.begin(), it, it + 1);
    }
  }
  if (refs.empty()) {
    errors.push_back(
        NotRepresentable("/rhi/police_refs", "the form needs at least one police reference"));
  } else if (refs.size() == 1) {
    document["police_reference"] = refs.front();
  } else {
    document["police_references"] = refs;
  }
}

FieldError NotRepresentable(std::string canonical_pointer, std::string reason) {
  return {std::move(canonical_pointer), "not_representable", std::move(reason)};
}

}  // namespace isagw::adapters::rhi

#include "adapters/rhi/referral.h"

#include <utility>

#include "adapters/rhi/form_parts.h"
#include "adapters/rhi/limits.h"
#include "adapters/rhi/rhi.h"

namespace isagw::adapters::rhi {
namespace {

// "contact": the postcodes at which the child can be found.
void ReadContact(FieldReader& document, model::Child& child) {
  auto block = document.Object("contact");
  if (!block) return;
  if (auto home = block->Text("home_postcode", kMaxNameChars, Presence::kOptional, PostcodeRule)) {
    child.home = model::Address{std::nullopt, std::move(home)};
  }
  if (auto placement =
          block->Text("placement_postcode", kMaxNameChars, Presence::kOptional, PostcodeRule)) {
    child.placement = model::Placement{std::nullopt, std::move(placement), std::nullopt};
  }
  block->Finish();
}

std::optional<model::RiskAssessment> ReadRisk(FieldReader& document) {
  auto block = document.Object("risk");
  if (!block) return std::nullopt;
  auto level = block->Code("level", model::kRiskLevelNames, Presence::kRequired);
  auto rationale = block->Text("rationale", kMaxNoteChars);
  block->Finish();
  if (!level) return std::nullopt;
  return model::RiskAssessment{*level, std::move(rationale)};
}

model::ExploitationConcerns ReadExploitation(FieldReader& document) {
  model::ExploitationConcerns concerns;
  auto block = document.Object("exploitation");
  if (!block) return concerns;
  for (const auto& [concern, name] : model::kExploitationNames.entries) {
    concerns.For(concern) = block->Flag(name);
  }
  block->Finish();
  return concerns;
}

std::optional<model::SocialWorker> ReadSocialWorker(FieldReader& document) {
  auto block = document.Object("social_worker");
  if (!block) return std::nullopt;
  model::SocialWorker worker;
  worker.name = block->Text("name", kMaxNameChars);
  worker.team = block->Text("team", kMaxNameChars);
  worker.phone = block->Text("phone", kMaxPhoneChars, Presence::kOptional, PhoneRule);
  worker.email = block->Text("email", kMaxEmailChars, Presence::kOptional, EmailRule);
  block->Finish();
  if (worker == model::SocialWorker{}) return std::nullopt;
  return worker;
}

}  // namespace

model::Event ReadReferral(FieldReader& document) {
  model::Event event;
  event.kind = model::EventKind::kRhiReferred;
  model::ReturnHomeInterview rhi;
  event.header.message_id = document.Text("referral_id", kMaxIdChars);
  if (auto at = document.Instant("referred_at")) event.header.sent_at = *at;
  event.header.from_la =
      document.Text("referring_la", kMaxIdChars, Presence::kRequired, LaNumberRule);
  rhi.provider_id = document.Text("provider_id", kMaxIdChars);
  rhi.police_refs = ReadPoliceReferences(document);
  if (!rhi.police_refs.empty()) event.episode.police_ref = rhi.police_refs.front();
  if (auto id = document.Text("council_person_id", kMaxIdChars)) {
    // The referring council's own ID for the child.
    event.child.council_person_id = model::CouncilPersonId{event.header.from_la, std::move(*id)};
  }
  ReadChildBlock(document, event.child);
  rhi.returned_at = document.Instant("returned_at", Presence::kRequired);
  ReadContact(document, event.child);
  event.episode.risk = ReadRisk(document);
  event.episode.exploitation = ReadExploitation(document);
  event.child.social_worker = ReadSocialWorker(document);

  if (event.header.sent_at && rhi.returned_at && *event.header.sent_at < *rhi.returned_at) {
    document.log().Error("/referred_at", "inconsistent", "is before the child returned");
  }
  event.rhi = std::move(rhi);
  // A generalised date of birth may no longer be exact.
  if (document.log().value_checks) CheckChildBirthDate(document.log(), event);
  return event;
}

nlohmann::ordered_json WriteReferral(const model::Event& event, FieldErrors& errors) {
  nlohmann::ordered_json doc = nlohmann::ordered_json::object();
  doc["form"] = kReferralForm;
  doc["version"] = kFormVersion;
  const model::MessageHeader& header = event.header;
  Put(doc, "referral_id", header.message_id);
  if (header.sent_at) doc["referred_at"] = model::FormatTimestamp(*header.sent_at);
  if (header.from_la) {
    doc["referring_la"] = *header.from_la;
  } else {
    errors.push_back(NotRepresentable("/header/from_la", "the form needs the referring council"));
  }
  if (event.rhi) Put(doc, "provider_id", event.rhi->provider_id);
  WritePoliceReferences(event, doc, errors);
  // The form's person ID is the referring council's: another council's
  // ID would be misread as that, so it is left out.
  if (const auto& id = event.child.council_person_id; id && (!id->la || id->la == header.from_la)) {
    doc["council_person_id"] = id->person_id;
  }
  WriteChildBlock(event.child, doc, errors);
  // The referral says when the child returned; a council that has only
  // the police's found time sends that.
  std::optional<model::Timestamp> returned_at;
  if (event.rhi) returned_at = event.rhi->returned_at;
  if (!returned_at) returned_at = event.episode.found_at;
  if (returned_at) {
    doc["returned_at"] = model::FormatTimestamp(*returned_at);
  } else {
    errors.push_back(
        NotRepresentable("/rhi/returned_at", "the form needs the time the child returned"));
  }
  nlohmann::ordered_json contact = nlohmann::ordered_json::object();
  if (event.child.home) Put(contact, "home_postcode", event.child.home->postcode);
  if (event.child.placement) Put(contact, "placement_postcode", event.child.placement->postcode);
  if (!contact.empty()) doc["contact"] = std::move(contact);
  if (const auto& risk = event.episode.risk) {
    nlohmann::ordered_json block = {{"level", *model::kRiskLevelNames.Name(risk->level)}};
    Put(block, "rationale", risk->rationale);
    doc["risk"] = std::move(block);
  }
  nlohmann::ordered_json exploitation = nlohmann::ordered_json::object();
  for (const auto& [concern, name] : model::kExploitationNames.entries) {
    Put(exploitation, std::string(name).c_str(), event.episode.exploitation.For(concern));
  }
  if (!exploitation.empty()) doc["exploitation"] = std::move(exploitation);
  if (const auto& worker = event.child.social_worker) {
    nlohmann::ordered_json block = nlohmann::ordered_json::object();
    Put(block, "name", worker->name);
    Put(block, "team", worker->team);
    Put(block, "phone", worker->phone);
    Put(block, "email", worker->email);
    if (!block.empty()) doc["social_worker"] = std::move(block);
  }
  return doc;
}

}  // namespace isagw::adapters::rhi

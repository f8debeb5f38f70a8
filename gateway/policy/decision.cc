#include "gateway/policy/decision.h"

namespace isagw::policy {
namespace {
const std::string kEmpty;
}  // namespace

const std::string& Decision::isa_id() const { return flows.empty() ? kEmpty : flows[0].isa_id; }

const std::string& Decision::flow_clause() const {
  return flows.empty() ? kEmpty : flows[0].clause;
}

nlohmann::json ToJson(const Decision& decision) {
  nlohmann::json out;
  out["allowed"] = decision.allowed;
  out["kind"] = decision.kind;
  out["sender"] = decision.sender;
  out["recipient"] = decision.recipient;
  out["decided_at"] = model::FormatTimestamp(decision.decided_at);
  out["policy_set_hash"] = decision.policy_set_hash;
  if (!decision.allowed) {
    out["refusal"] = decision.refusal;
    out["refusal_reason"] = decision.refusal_reason;
  }
  nlohmann::json flows = nlohmann::json::array();
  for (const FlowRef& flow : decision.flows) {
    flows.push_back({{"isa", flow.isa_id}, {"clause", flow.clause}, {"purpose", flow.purpose}});
  }
  out["flows"] = std::move(flows);
  nlohmann::json fields = nlohmann::json::array();
  for (const FieldDecision& field : decision.fields) {
    nlohmann::json f;
    f["pointer"] = field.pointer;
    if (!field.path.empty()) f["path"] = field.path;
    f["fate"] = *kFateNames.Name(field.fate);
    if (!field.clause.empty()) f["clause"] = field.clause;
    if (field.mask) f["mask"] = *kMaskKindNames.Name(*field.mask);
    if (field.generalise) f["generalise"] = *kGeneraliseKindNames.Name(*field.generalise);
    if (!field.note.empty()) f["note"] = field.note;
    fields.push_back(std::move(f));
  }
  out["fields"] = std::move(fields);
  return out;
}

}  // namespace isagw::policy

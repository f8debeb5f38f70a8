#include "gateway/policy/explain.h"

#include <algorithm>

namespace isagw::policy {
namespace {

// Width on screen: UTF-8 continuation bytes take no column ("§" is two bytes).
std::size_t Columns(const std::string& text) {
  std::size_t columns = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++columns;
  }
  return columns;
}

std::string Pad(const std::string& text, std::size_t width) {
  const std::size_t columns = Columns(text);
  return columns >= width ? text + " " : text + std::string(width - columns, ' ');
}

std::string FateText(const FieldDecision& field) {
  std::string text(*kFateNames.Name(field.fate));
  if (field.mask) text += " (" + std::string(*kMaskKindNames.Name(*field.mask)) + ")";
  if (field.generalise) {
    text += " (" + std::string(*kGeneraliseKindNames.Name(*field.generalise)) + ")";
  }
  return text;
}

}  // namespace

std::string ExplainTable(const Decision& decision) {
  std::string out;
  out += decision.kind.empty() ? std::string("message") : decision.kind;
  out += " from " + decision.sender + " to " + decision.recipient + ": ";
  if (!decision.allowed) {
    out += "REFUSED (" + decision.refusal + ") " + decision.refusal_reason + "\n";
    out += "policy set " + decision.policy_set_hash + "\n";
    return out;
  }
  out += "ALLOWED under ";
  for (std::size_t i = 0; i < decision.flows.size(); ++i) {
    if (i > 0) out += " and ";
    out += decision.flows[i].clause + " (purpose " + decision.flows[i].purpose + ")";
  }
  out += "\npolicy set " + decision.policy_set_hash + "\n\n";
  std::size_t pointer_width = 5;
  std::size_t fate_width = 4;
  std::size_t clause_width = 6;
  for (const FieldDecision& field : decision.fields) {
    pointer_width = std::max(pointer_width, Columns(field.pointer));
    fate_width = std::max(fate_width, Columns(FateText(field)));
    clause_width = std::max(clause_width, Columns(field.clause));
  }
  pointer_width += 2;
  fate_width += 2;
  clause_width += 2;
  out += Pad("field", pointer_width) + Pad("fate", fate_width) + Pad("clause", clause_width) +
         "note\n";
  for (const FieldDecision& field : decision.fields) {
    std::string line = Pad(field.pointer, pointer_width) + Pad(FateText(field), fate_width) +
                       Pad(field.clause.empty() ? "-" : field.clause, clause_width) +
                       (field.fate == Fate::kWithheldCondition ? "condition failed: " : "") +
                       field.note;
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

nlohmann::json ExplainJson(const Decision& decision, const RedactedCopy* redacted) {
  nlohmann::json out = ToJson(decision);
  if (redacted != nullptr && !redacted->withheld.empty()) {
    nlohmann::json withheld = nlohmann::json::array();
    for (const auto& w : redacted->withheld) {
      withheld.push_back({{"pointer", w.pointer}, {"reason", w.reason}});
    }
    out["withheld_at_redaction"] = std::move(withheld);
  }
  return out;
}

}  // namespace isagw::policy

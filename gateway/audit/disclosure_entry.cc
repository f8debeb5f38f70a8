#include "gateway/audit/disclosure_entry.h"

#include "gateway/audit/body_json.h"
#include "gateway/common/strict_json.h"

namespace isagw::audit {
namespace {

using nlohmann::json;

constexpr int kBodyVersion = 1;

json FlowJson(const FlowClause& flow) { return {{"isa", flow.isa_id}, {"flow", flow.clause}}; }

}  // namespace

store::AuditRecord ToAuditRecord(const DisclosureEntry& entry) {
  json body = {{"v", kBodyVersion},
               {"message_id", entry.message_id},
               {"delivery_id", entry.delivery_id},
               {"sender", entry.sender},
               {"recipient", entry.recipient},
               {"event_kind", entry.event_kind},
               {"format", entry.format},
               {"isa", entry.flow.isa_id},
               {"flow", entry.flow.clause},
               {"record_hash", entry.record_hash},
               {"sent_hash", entry.sent_hash},
               {"sent_size", entry.sent_size},
               {"policy_set", entry.policy_set_hash}};
  PutChild(body, entry.child);
  if (!entry.other_flows.empty()) {
    json flows = json::array();
    for (const FlowClause& flow : entry.other_flows) flows.push_back(FlowJson(flow));
    body["other_flows"] = std::move(flows);
  }
  json sent = json::array();
  for (const SentField& field : entry.fields_sent) {
    sent.push_back({{"pointer", field.pointer}, {"fate", field.fate}, {"clause", field.clause}});
  }
  body["fields_sent"] = std::move(sent);
  json withheld = json::array();
  for (const WithheldField& field : entry.fields_withheld) {
    json item = {{"pointer", field.pointer}, {"fate", field.fate}, {"reason", field.reason}};
    if (!field.clause.empty()) item["clause"] = field.clause;
    withheld.push_back(std::move(item));
  }
  body["fields_withheld"] = std::move(withheld);
  return {std::string(kDisclosureKind), DumpBody(body)};
}

Result<DisclosureEntry, FieldErrors> ParseDisclosure(std::string_view body_json) {
  auto parsed = ParseStrictJson(body_json, JsonLimits{64 * 1024 * 1024, 8});
  if (!parsed.ok()) return Fail(std::move(parsed).error());
  const json& body = *parsed;
  if (!body.is_object()) return Fail(FieldErrors{{"", "type", "the body must be an object"}});
  FieldErrors errors;
  BodyReader read(body, "", errors);
  if (auto version = read.Integer("v"); version && *version != kBodyVersion) {
    errors.push_back({"/v", "enum", "unknown disclosure body version"});
  }
  DisclosureEntry entry;
  entry.message_id = read.Text("message_id");
  entry.delivery_id = read.Text("delivery_id");
  entry.sender = read.Text("sender");
  entry.recipient = read.Text("recipient");
  entry.event_kind = read.Text("event_kind");
  entry.format = read.Text("format");
  entry.flow = {read.Text("isa"), read.Text("flow")};
  entry.record_hash = read.Text("record_hash");
  entry.sent_hash = read.Text("sent_hash");
  entry.sent_size = read.Integer("sent_size").value_or(0);
  entry.policy_set_hash = read.Text("policy_set");

  const auto pseudonym = [&](const json& value, const std::string& pointer) {
    auto parsed_pseudonym =
        value.is_string() ? ChildPseudonym::Parse(value.get<std::string>()) : std::nullopt;
    if (!parsed_pseudonym) {
      errors.push_back({pointer, "pattern", "must be a child pseudonym"});
      return;
    }
    entry.child.push_back(std::move(*parsed_pseudonym));
  };
  if (body.contains("child")) {
    pseudonym(body["child"], "/child");
    if (const json* aliases = read.Array("child_aliases", false)) {
      for (std::size_t i = 0; i < aliases->size(); ++i) {
        pseudonym((*aliases)[i], "/child_aliases/" + std::to_string(i));
      }
    }
  } else if (body.contains("child_aliases")) {
    errors.push_back({"/child_aliases", "inconsistent", "aliases without a primary pseudonym"});
  }

  const auto each_object = [&](std::string_view key, bool required, auto&& take) {
    const json* items = read.Array(key, required);
    if (items == nullptr) return;
    for (std::size_t i = 0; i < items->size(); ++i) {
      const std::string base = JoinPointer(read.Pointer(key), std::to_string(i));
      if (!(*items)[i].is_object()) {
        errors.push_back({base, "type", "must be an object"});
        continue;
      }
      BodyReader item((*items)[i], base, errors);
      take(item);
    }
  };
  each_object("other_flows", false, [&](BodyReader& item) {
    FlowClause flow;
    flow.isa_id = item.Text("isa");
    flow.clause = item.Text("flow");
    entry.other_flows.push_back(std::move(flow));
  });
  each_object("fields_sent", true, [&](BodyReader& item) {
    SentField field;
    field.pointer = item.Text("pointer");
    field.fate = item.Text("fate");
    field.clause = item.Text("clause");
    entry.fields_sent.push_back(std::move(field));
  });
  each_object("fields_withheld", true, [&](BodyReader& item) {
    WithheldField field;
    field.pointer = item.Text("pointer");
    field.fate = item.Text("fate");
    field.clause = item.Text("clause", false);
    field.reason = item.Text("reason");
    entry.fields_withheld.push_back(std::move(field));
  });
  if (!errors.empty()) return Fail(std::move(errors));
  return entry;
}

}  // namespace isagw::audit

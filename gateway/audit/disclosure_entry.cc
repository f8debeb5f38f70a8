#include "gateway/audit/disclosure_entry.h"

#include <span>

#include "gateway/audit/body_json.h"
#include "gateway/audit/body_writer.h"
#include "gateway/common/strict_json.h"

namespace isagw::audit {
namespace {

using nlohmann::json;

// Version 2 writes each run of fields that share their clause and fate
// once (docs/audit.md); version 1 bodies, one object a field, are still
// read, since the audit keeps every entry it ever appended.
constexpr int kBodyVersion = 2;
constexpr int kFieldPerObjectVersion = 1;

bool SameRun(const SentField& a, const SentField& b) {
  return a.clause == b.clause && a.fate == b.fate;
}
bool SameRun(const WithheldField& a, const WithheldField& b) {
  return a.clause == b.clause && a.fate == b.fate && a.reason == b.reason;
}

// Calls `each` with every maximal run of neighbours for which SameRun holds.
template <typename Field, typename Each>
void ForEachRun(const std::vector<Field>& fields, Each&& each) {
  std::size_t start = 0;
  for (std::size_t i = 1; i <= fields.size(); ++i) {
    if (i == fields.size() || !SameRun(fields[start], fields[i])) {
      each(std::span<const Field>(fields).subspan(start, i - start));
      start = i;
    }
  }
}

}  // namespace

store::AuditRecord ToAuditRecord(const DisclosureEntry& entry) {
  // Keys in sorted order: the bytes DumpBody gives for the same document
  // (tests/audit/audit_entries_test.cc holds the two side by side).
  BodyWriter w;
  w.BeginObject();
  PutChild(w, entry.child);
  w.Member("delivery_id", entry.delivery_id).Member("event_kind", entry.event_kind);
  // Fields come as runs sharing a clause and fate (the decision lists
  // them in the record's order, and most of a record falls under one
  // clause), so each run is written once with its pointers: the clause
  // is not repeated for every field (version 1 did), and reading the runs
  // back gives the same fields in the same order.
  w.Key("fields_sent").BeginArray();
  ForEachRun(entry.fields_sent, [&](std::span<const SentField> run) {
    w.BeginObject().Member("clause", run.front().clause).Member("fate", run.front().fate);
    w.Key("pointers").BeginArray();
    for (const SentField& field : run) w.String(field.pointer);
    w.EndArray().EndObject();
  });
  w.EndArray();
  w.Key("fields_withheld").BeginArray();
  ForEachRun(entry.fields_withheld, [&](std::span<const WithheldField> run) {
    w.BeginObject();
    if (!run.front().clause.empty()) w.Member("clause", run.front().clause);
    w.Member("fate", run.front().fate);
    w.Key("pointers").BeginArray();
    for (const WithheldField& field : run) w.String(field.pointer);
    w.EndArray().Member("reason", run.front().reason).EndObject();
  });
  w.EndArray();
  w.Member("flow", entry.flow.clause)
      .Member("format", entry.format)
      .Member("isa", entry.flow.isa_id)
      .Member("message_id", entry.message_id);
  if (!entry.other_flows.empty()) {
    w.Key("other_flows").BeginArray();
    for (const FlowClause& flow : entry.other_flows) {
      w.BeginObject().Member("flow", flow.clause).Member("isa", flow.isa_id).EndObject();
    }
    w.EndArray();
  }
  w.Member("policy_set", entry.policy_set_hash)
      .Member("recipient", entry.recipient)
      .Member("record_hash", entry.record_hash)
      .Member("sender", entry.sender)
      .Member("sent_hash", entry.sent_hash)
      .Member("sent_size", entry.sent_size)
      .Member("v", std::int64_t{kBodyVersion});
  w.EndObject();
  return {std::string(kDisclosureKind), w.Take()};
}

Result<DisclosureEntry, FieldErrors> ParseDisclosure(std::string_view body_json) {
  auto parsed = ParseStrictJson(body_json, JsonLimits{64 * 1024 * 1024, 8});
  if (!parsed.ok()) return Fail(std::move(parsed).error());
  const json& body = *parsed;
  if (!body.is_object()) return Fail(FieldErrors{{"", "type", "the body must be an object"}});
  FieldErrors errors;
  BodyReader read(body, "", errors);
  const std::int64_t version = read.Integer("v").value_or(kBodyVersion);
  if (version != kBodyVersion && version != kFieldPerObjectVersion) {
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
  if (version == kFieldPerObjectVersion) {
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
  } else {
    // Each run's pointers, each becoming one field with the run's members.
    const auto each_pointer = [&](BodyReader& run, auto&& take) {
      const json* pointers = run.Array("pointers");
      if (pointers == nullptr) return;
      const std::string base = run.Pointer("pointers");
      if (pointers->empty()) errors.push_back({base, "empty", "a run lists at least one pointer"});
      for (std::size_t i = 0; i < pointers->size(); ++i) {
        if (!(*pointers)[i].is_string()) {
          errors.push_back({JoinPointer(base, std::to_string(i)), "type", "must be a string"});
          continue;
        }
        take((*pointers)[i].get<std::string>());
      }
    };
    each_object("fields_sent", true, [&](BodyReader& run) {
      SentField field;
      field.fate = run.Text("fate");
      field.clause = run.Text("clause");
      each_pointer(run, [&](std::string pointer) {
        field.pointer = std::move(pointer);
        entry.fields_sent.push_back(field);
      });
    });
    each_object("fields_withheld", true, [&](BodyReader& run) {
      WithheldField field;
      field.fate = run.Text("fate");
      field.clause = run.Text("clause", false);
      field.reason = run.Text("reason");
      each_pointer(run, [&](std::string pointer) {
        field.pointer = std::move(pointer);
        entry.fields_withheld.push_back(field);
      });
    });
  }
  if (!errors.empty()) return Fail(std::move(errors));
  return entry;
}

}  // namespace isagw::audit

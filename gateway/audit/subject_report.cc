#include "gateway/audit/subject_report.h"

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>

#include "gateway/audit/sqlite_audit_log.h"

namespace isagw::audit {
namespace {

using nlohmann::json;

std::string CsvCell(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

template <typename Field>
std::string FieldList(const std::vector<Field>& fields) {
  std::string out;
  for (const Field& field : fields) {
    if (!out.empty()) out += ';';
    out += field.pointer + "=" + field.fate;
  }
  return out;
}

std::string Pad(const std::string& text, std::size_t width) {
  return text + std::string(width > text.size() ? width - text.size() : 0, ' ');
}

}  // namespace

Result<FoundDisclosures, AuditLogError> FindDisclosures(AuditLog& log, const DisclosureQuery& query,
                                                        std::size_t limit) {
  FoundDisclosures out;
  std::optional<AuditLogError> unreadable;
  AuditFilter filter;
  filter.kind = std::string(kDisclosureKind);
  if (query.child) {
    filter.contains = query.child->str();
  } else if (query.recipient) {
    filter.contains = *query.recipient;
  } else if (query.party) {
    filter.contains = *query.party;
  }
  auto scanned = log.ForEachEntry(
      [&](const AuditRow& row) {
        const model::Timestamp at{std::chrono::seconds{row.at}};
        if ((query.from && at < *query.from) || (query.to && at >= *query.to)) return true;
        auto entry = ParseDisclosure(row.body);
        if (!entry.ok()) {
          unreadable = AuditLogError{"disclosure entry " + std::to_string(row.seq) +
                                     " cannot be read (" + entry.error().front().pointer + ": " +
                                     entry.error().front().code + ")"};
          return false;
        }
        // The text matched; make sure it matched as the child or agency,
        // not by chance.
        if (query.child && std::find(entry->child.begin(), entry->child.end(), *query.child) ==
                               entry->child.end()) {
          return true;
        }
        if (query.recipient && entry->recipient != *query.recipient) return true;
        if (query.party && entry->sender != *query.party && entry->recipient != *query.party) {
          return true;
        }
        if (out.disclosures.size() == limit) {
          out.truncated = true;
          return false;
        }
        SubjectDisclosure item;
        item.seq = row.seq;
        item.at = at;
        item.message_id = std::move(entry->message_id);
        item.delivery_id = std::move(entry->delivery_id);
        item.sender = std::move(entry->sender);
        item.recipient = std::move(entry->recipient);
        item.event_kind = std::move(entry->event_kind);
        item.flow = std::move(entry->flow);
        item.other_flows = std::move(entry->other_flows);
        item.fields_sent = std::move(entry->fields_sent);
        item.fields_withheld = std::move(entry->fields_withheld);
        out.disclosures.push_back(std::move(item));
        return true;
      },
      filter);
  if (!scanned.ok()) return Fail(scanned.error());
  if (unreadable) return Fail(std::move(*unreadable));
  return out;
}

Result<std::vector<SubjectDisclosure>, AuditLogError> SubjectDisclosures(
    AuditLog& log, const ChildPseudonym& child) {
  DisclosureQuery query;
  query.child = child;
  auto found = FindDisclosures(log, query, std::numeric_limits<std::size_t>::max());
  if (!found.ok()) return Fail(std::move(found).error());
  return std::move(found->disclosures);
}

Result<std::vector<SubjectDisclosure>, AuditLogError> SubjectDisclosures(
    const std::filesystem::path& store_path, const ChildPseudonym& child) {
  auto log = SqliteAuditLog::Open(store_path);
  if (!log.ok()) return Fail(log.error());
  return SubjectDisclosures(*log, child);
}

std::string RenderTable(const std::vector<SubjectDisclosure>& disclosures) {
  const std::vector<std::string> headers = {"SEQ",   "AT",  "FROM", "TO",
                                            "EVENT", "ISA", "FLOW", "MESSAGE"};
  std::vector<std::vector<std::string>> rows;
  for (const SubjectDisclosure& d : disclosures) {
    rows.push_back({std::to_string(d.seq), model::FormatTimestamp(d.at), d.sender, d.recipient,
                    d.event_kind, d.flow.isa_id, d.flow.clause, d.message_id});
  }
  std::vector<std::size_t> widths;
  for (const std::string& header : headers) widths.push_back(header.size());
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  const auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      out += i + 1 < cells.size() ? Pad(cells[i], widths[i] + 2) : cells[i];
    }
    return out + "\n";
  };
  std::string out = std::to_string(disclosures.size()) +
                    (disclosures.size() == 1 ? " disclosure\n" : " disclosures\n");
  if (disclosures.empty()) return out;
  out += line(headers);
  for (std::size_t i = 0; i < disclosures.size(); ++i) {
    const SubjectDisclosure& d = disclosures[i];
    out += line(rows[i]);
    for (const FlowClause& flow : d.other_flows) {
      out += "    also under: " + flow.isa_id + " " + flow.clause + "\n";
    }
    out += "    sent:\n";
    if (d.fields_sent.empty()) out += "      (nothing)\n";
    for (const SentField& f : d.fields_sent) {
      out += "      " + f.pointer + "  " + f.fate +
             (f.clause.empty() ? "" : "  (" + f.clause + ")") + "\n";
    }
    out += "    withheld:\n";
    if (d.fields_withheld.empty()) out += "      (nothing)\n";
    for (const WithheldField& f : d.fields_withheld) {
      out += "      " + f.pointer + "  " + f.fate +
             (f.clause.empty() ? "" : "  (" + f.clause + ")") +
             (f.reason.empty() ? "" : "  " + f.reason) + "\n";
    }
  }
  return out;
}

std::string RenderCsv(const std::vector<SubjectDisclosure>& disclosures) {
  std::string out =
      "seq,at,message_id,delivery_id,sender,recipient,event_kind,isa,flow,fields_sent,"
      "fields_withheld\r\n";
  for (const SubjectDisclosure& d : disclosures) {
    const std::vector<std::string> cells = {std::to_string(d.seq),
                                            model::FormatTimestamp(d.at),
                                            d.message_id,
                                            d.delivery_id,
                                            d.sender,
                                            d.recipient,
                                            d.event_kind,
                                            d.flow.isa_id,
                                            d.flow.clause,
                                            FieldList(d.fields_sent),
                                            FieldList(d.fields_withheld)};
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) out += ',';
      out += CsvCell(cells[i]);
    }
    out += "\r\n";
  }
  return out;
}

std::string RenderJson(const std::vector<SubjectDisclosure>& disclosures) {
  json out = json::array();
  for (const SubjectDisclosure& d : disclosures) {
    json sent = json::array();
    for (const SentField& f : d.fields_sent) {
      sent.push_back({{"pointer", f.pointer}, {"fate", f.fate}, {"clause", f.clause}});
    }
    json withheld = json::array();
    for (const WithheldField& f : d.fields_withheld) {
      withheld.push_back(
          {{"pointer", f.pointer}, {"fate", f.fate}, {"clause", f.clause}, {"reason", f.reason}});
    }
    json item = {{"seq", d.seq},
                 {"at", model::FormatTimestamp(d.at)},
                 {"message_id", d.message_id},
                 {"delivery_id", d.delivery_id},
                 {"sender", d.sender},
                 {"recipient", d.recipient},
                 {"event_kind", d.event_kind},
                 {"isa", d.flow.isa_id},
                 {"flow", d.flow.clause},
                 {"fields_sent", std::move(sent)},
                 {"fields_withheld", std::move(withheld)}};
    if (!d.other_flows.empty()) {
      json flows = json::array();
      for (const FlowClause& f : d.other_flows)
        flows.push_back({{"isa", f.isa_id}, {"flow", f.clause}});
      item["other_flows"] = std::move(flows);
    }
    out.push_back(std::move(item));
  }
  return out.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace isagw::audit

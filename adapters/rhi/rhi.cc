#include "adapters/rhi/rhi.h"

#include <limits>
#include <utility>

#include "adapters/rhi/field_reader.h"
#include "adapters/rhi/interview.h"
#include "adapters/rhi/referral.h"
#include "gateway/common/strict_json.h"

namespace isagw::adapters::rhi {
namespace {

enum class Form { kInterview, kReferral };

// Reads "form" and "version". Without a known form and version the rest
// of the document cannot be judged, so the caller stops on failure.
std::optional<Form> ReadFormAndVersion(FieldReader& document) {
  ReadLog& log = document.log();
  const std::size_t errors_before = log.errors.size();
  std::optional<Form> form;
  if (const nlohmann::json* value = document.Claim("form", Presence::kRequired)) {
    if (!value->is_string()) {
      log.Error("/form", "type", "must be a string");
    } else if (value->get_ref<const std::string&>() == kInterviewForm) {
      form = Form::kInterview;
    } else if (value->get_ref<const std::string&>() == kReferralForm) {
      form = Form::kReferral;
    } else {
      log.Error("/form", "enum", "must be \"return-home-interview\" or \"rhi-referral\"");
    }
  }
  if (const nlohmann::json* value = document.Claim("version", Presence::kRequired)) {
    if (!value->is_number_integer()) {
      log.Error("/version", "type", "must be a whole number");
    } else if (*value != kFormVersion) {
      log.Error("/version", "range", "unsupported version: only version 1 is understood");
    }
  }
  if (log.errors.size() != errors_before) return std::nullopt;
  return form;
}

Result<Decoded, FieldErrors> DecodeDocument(std::string_view bytes, const DecodeOptions& options,
                                            bool value_checks) {
  auto parsed = ParseStrictJson(bytes, options.limits);
  if (!parsed.ok()) return Fail(std::move(parsed).error());
  ReadLog log;
  log.lenient = options.lenient;
  log.value_checks = value_checks;
  FieldReader document(log, *parsed, "");
  if (!document.is_object()) return Fail(std::move(log.errors));
  const std::optional<Form> form = ReadFormAndVersion(document);
  if (!form) return Fail(std::move(log.errors));
  model::Event event = *form == Form::kInterview ? ReadInterview(document) : ReadReferral(document);
  document.Finish();
  if (!log.errors.empty()) return Fail(std::move(log.errors));
  return Decoded{std::move(event), std::move(log.dropped)};
}

}  // namespace

Result<Decoded, FieldErrors> Decode(std::string_view bytes, const DecodeOptions& options) {
  return DecodeDocument(bytes, options, /*value_checks=*/true);
}

Result<std::string, FieldErrors> Encode(const model::Event& event) {
  FieldErrors errors;
  nlohmann::ordered_json document;
  switch (event.kind) {
    case model::EventKind::kRhiRecorded:
      document = WriteInterview(event, errors);
      break;
    case model::EventKind::kRhiReferred:
      document = WriteReferral(event, errors);
      break;
    default:
      return Fail(FieldErrors{{"/kind", "not_representable",
                               "the rhi format carries only rhi_recorded and rhi_referred"}});
  }
  if (!errors.empty()) return Fail(std::move(errors));
  std::string text;
  try {
    text = document.dump();
  } catch (const nlohmann::json::type_error&) {
    // Only text that is not UTF-8 makes dump() throw. Decoders refuse such
    // text, so the Event was built elsewhere: refuse rather than mangle it.
    return Fail(FieldErrors{{"", "invalid_utf8", "the event holds text that is not UTF-8"}});
  }
  // Hold the document to the form's shape (required fields, types, code
  // lists, lengths, list sizes), so nothing goes out that breaks the form.
  // Values the ISA masked or pseudonymised pass: see ReadLog::value_checks.
  // The size limit is the recipient's business, not ours.
  DecodeOptions check;
  check.limits.max_bytes = std::numeric_limits<std::size_t>::max();
  auto decoded = DecodeDocument(text, check, /*value_checks=*/false);
  if (!decoded.ok()) {
    for (const FieldError& e : decoded.error()) {
      errors.push_back(
          {e.pointer, "not_representable",
           "the " +
               std::string(event.kind == model::EventKind::kRhiRecorded ? kInterviewForm
                                                                        : kReferralForm) +
               " form refuses this field (" + e.code + ")"});
    }
    return Fail(std::move(errors));
  }
  return text;
}

}  // namespace isagw::adapters::rhi

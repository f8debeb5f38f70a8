// The commissioned provider's format (`rhi`, media type
// application/vnd.isagw.rhi+json): JSON documents in snake_case, each
// naming its form and version (docs/formats/rhi.md,
// schemas/rhi.schema.json, schemas/rhi-referral.schema.json).
//
//   "return-home-interview" v1  <->  Event of kind rhi_recorded
//   "rhi-referral" v1           <->  Event of kind rhi_referred
//
// Every other kind is not representable.
#pragma once

#include <string>
#include <string_view>

#include "adapters/adapter.h"
#include "gateway/common/field_error.h"
#include "gateway/common/result.h"
#include "gateway/model/event.h"

namespace isagw::adapters::rhi {

inline constexpr std::string_view kMediaType = "application/vnd.isagw.rhi+json";
inline constexpr std::string_view kInterviewForm = "return-home-interview";
inline constexpr std::string_view kReferralForm = "rhi-referral";
inline constexpr int kFormVersion = 1;

// Applies the strict JSON rules, then every rule of the document's form,
// reporting all refused fields at once by JSON Pointer.
Result<Decoded, FieldErrors> Decode(std::string_view bytes, const DecodeOptions& options);

// The form for the event's kind, with times in UTC ("Z"). Fields the form
// has no place for are left out (docs/formats/rhi.md lists them). Refuses,
// as not_representable, an event that lacks what the form requires or
// whose document would break the form's shape (lengths, list sizes, empty
// text) or contradict itself. Values an ISA masked or pseudonymised (a
// postcode district, a keyed hash for a police reference) are sent as
// they are.
Result<std::string, FieldErrors> Encode(const model::Event& event);

}  // namespace isagw::adapters::rhi

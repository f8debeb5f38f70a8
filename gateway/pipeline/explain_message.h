// ExplainMessage: what one recipient would get of one message, field by
// field, and which clause decided each (`isagw policy explain`, and the
// console's "explain a pasted message"). The gateway's own steps — decode,
// resolve the parties, route, decide, redact — on a message that is only
// looked at: nothing is stored, sent or audited, and there is no clock
// inside (the caller says what "now" is).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/adapter.h"
#include "gateway/common/problem.h"
#include "gateway/common/result.h"
#include "gateway/model/time.h"
#include "gateway/policy/decision.h"
#include "gateway/policy/key_provider.h"
#include "gateway/policy/policy_set.h"
#include "gateway/policy/redactor.h"
#include "gateway/registry/agency_registry.h"

namespace isagw::pipeline {

struct ExplainRequest {
  adapters::Format format = adapters::Format::kCanonical;
  std::string_view message;  // as a sender would send it, in `format`
  std::string from;          // sender agency id
  std::string to;            // recipient agency id
  // What a running gateway takes from the stored episode or a placement
  // notification, which a message alone may not carry (an RHI names no
  // council): agency ids of local authorities; empty: none known.
  std::string host_la;
  std::string placing_la;
  // The recipient's roles ("police_force", "host_la"...), instead of the
  // ones the router would give; empty: the router's.
  std::vector<std::string> as_roles;
  // The instant the ISAs are judged at; nullopt: the message's own time
  // (reported, last seen, interview completed, else sent), else `now`.
  std::optional<model::Timestamp> at;
};

// Why the explanation may not be what a running gateway would do with the
// message: a caller may word these its own way (the command line names
// its options), so each note says which it is.
enum class ExplainNoteKind {
  kRolesGiven,       // the recipient's roles are the request's, not the router's
  kNotRouted,        // the router would not send the message to the recipient
  kNoHostCouncil,    // with kNotRouted: no host council follows from the message
  kSenderHasNoRole,  // the sender holds no role for this message
};

struct ExplainNote {
  ExplainNoteKind kind;
  // A sentence naming agencies and request fields, never message data.
  std::string text;
};

struct ExplainResult {
  policy::Decision decision;
  // When allowed: the recipient's copy, whose `withheld` says what
  // redaction withheld after all (a missing key, a value that could not
  // be masked). Its document holds values from the message: show the
  // decision and `withheld`, not the document, where others may see it.
  std::optional<policy::RedactedCopy> copy;
  std::vector<ExplainNote> notes;
  // The councils it was judged with: the request's, else those the message
  // leads to (agency ids); empty: none.
  std::string host_la;
  std::string placing_la;
};

// Where the decoder's errors go in an ExplainMessage problem.
inline constexpr std::string_view kMessagePointer = "/message";

// Refuses a request with mistakes in it with one InvalidMessage problem
// listing them all, so that a form can mark every field at once:
//   "/from", "/to"              not an agency in the registry
//   "/host_la", "/placing_la"   not a local authority in the registry
//   "/as_roles/N"               not a role
//   "/message", "/message/..."  the decoder's errors, each pointer prefixed
//                               with "/message"
// Reasons never quote a value: the message's values are personal data.
// A refused decision is no problem: it is an ExplainResult saying why.
Result<ExplainResult, Problem> ExplainMessage(const registry::AgencyRegistry& registry,
                                              const policy::PolicySet& policies,
                                              const policy::KeyProvider& keys,
                                              const ExplainRequest& request, model::Timestamp now);

}  // namespace isagw::pipeline

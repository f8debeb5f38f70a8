// The ISA decision engine: may this message go from this sender to this
// recipient, under which flow, and what becomes of each field?
//
// Deny by default: a message no flow covers is refused; a field no rule
// covers is not sent. When several rules cover a field the most
// restrictive wins, in this order (docs/isa-policy.md):
//
//   drop > withheld by a failed condition > no rule > pseudonymise
//        > generalise > mask > allow
//
// and when several flows cover the same sender, recipient and kind (two
// ISAs, or two flows of one ISA for an agency holding two roles), each
// field takes the most restrictive fate any of them gives it.
#pragma once

#include <nlohmann/json.hpp>

#include "gateway/model/time.h"
#include "gateway/policy/decision.h"
#include "gateway/policy/policy_set.h"
#include "gateway/policy/role.h"

namespace isagw::policy {

// `event` is the canonical JSON tree of the message. `now` decides which
// ISAs are in force (by the UK calendar date); there is no clock inside.
Decision Decide(const PolicySet& policies, const nlohmann::json& event, const Party& sender,
                const Party& recipient, model::Timestamp now);

}  // namespace isagw::policy

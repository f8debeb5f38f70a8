// ExplainMessage on the example deployment (registry, ISAs and keys) with
// the documented example messages: what the console's "explain a pasted
// message" and `isagw policy explain` both answer.
#include "gateway/pipeline/explain_message.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

#include "adapters/canonical/canonical.h"
#include "adapters/translator.h"
#include "tests/support/example_gateway.h"

namespace isagw::pipeline {
namespace {

using adapters::Format;

std::string ReadExample(const std::string& name) {
  std::ifstream file(ISAGW_SOURCE_DIR "/docs/examples/" + name, std::ios::binary);
  EXPECT_TRUE(file) << name;
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

// Well after the example ISAs expire: a test that passes shows the
// message's own time was used, not this.
const model::Timestamp kNow = *model::ParseRfc3339("2031-06-01T12:00:00Z");

class ExplainMessageTest : public ::testing::Test {
 protected:
  Result<ExplainResult, Problem> Explain(const ExplainRequest& request) {
    return ExplainMessage(state_->registry, state_->policies, *state_->pseudonym_keys, request,
                          kNow);
  }

  // Staffordshire police report a child missing from a foster home in
  // Stoke-on-Trent (ST1): the router sends it to Stoke, the host council.
  ExplainRequest StaffsMissingReport(std::string to = "la-stoke") {
    ExplainRequest request;
    request.format = Format::kCompact;
    request.message = missing_report_;
    request.from = "police-staffs";
    request.to = std::move(to);
    return request;
  }

  // The Derby provider's return home interview, which names no council.
  ExplainRequest RhiToDerbyshirePolice() {
    ExplainRequest request;
    request.format = Format::kRhi;
    request.message = rhi_;
    request.from = "provider-brighter-futures";
    request.to = "police-derbys";
    return request;
  }

  static std::vector<std::string> Pointers(const Problem& problem) {
    std::vector<std::string> pointers;
    for (const auto& e : problem.errors) pointers.push_back(e.pointer);
    return pointers;
  }

  static std::vector<ExplainNoteKind> Kinds(const ExplainResult& result) {
    std::vector<ExplainNoteKind> kinds;
    for (const auto& note : result.notes) kinds.push_back(note.kind);
    return kinds;
  }

  std::shared_ptr<const GatewayState> state_ = ::isagw::testing::ExampleGatewayState();
  std::string missing_report_ = ReadExample("compact/missing-report.json");
  std::string rhi_ = ReadExample("rhi/full.json");
};

TEST_F(ExplainMessageTest, AnAllowedFlowListsEveryFieldWithItsFateAndClause) {
  auto explained = Explain(StaffsMissingReport());
  ASSERT_TRUE(explained.ok()) << explained.error().ToJsonText();
  const policy::Decision& decision = explained->decision;
  ASSERT_TRUE(decision.allowed) << decision.refusal_reason;
  EXPECT_EQ(decision.isa_id(), "ISA-STAFFS-2026");
  EXPECT_EQ(decision.flow_clause(), "ISA-STAFFS-2026 §4.1");
  EXPECT_EQ(decision.kind, "missing_reported");
  EXPECT_EQ(decision.sender, "police-staffs");
  EXPECT_EQ(decision.recipient, "la-stoke");
  EXPECT_EQ(explained->host_la, "la-stoke");
  EXPECT_TRUE(explained->notes.empty()) << explained->notes.front().text;

  // One entry per field the message carries (all but its structure), each
  // with the clause that decided it.
  auto decoded = adapters::DecodeAs(Format::kCompact, missing_report_, {});
  ASSERT_TRUE(decoded.ok());
  const nlohmann::json flat = adapters::canonical::ToJson(decoded->event).flatten();
  std::set<std::string> leaves;
  for (const auto& [pointer, value] : flat.items()) {
    if (pointer != "/model" && pointer != "/kind") leaves.insert(pointer);
  }
  std::set<std::string> listed;
  for (const auto& field : decision.fields) {
    listed.insert(field.pointer);
    EXPECT_FALSE(field.clause.empty()) << field.pointer;
    EXPECT_EQ(field.clause.rfind("ISA-STAFFS-2026 §4.1", 0), 0u) << field.pointer;
  }
  EXPECT_EQ(listed, leaves);
  const auto fate = [&](std::string_view pointer) {
    const auto it = std::find_if(decision.fields.begin(), decision.fields.end(),
                                 [&](const auto& f) { return f.pointer == pointer; });
    return it == decision.fields.end() ? std::nullopt : std::optional(it->fate);
  };
  EXPECT_EQ(fate("/child/surname"), policy::Fate::kSent);
  EXPECT_EQ(fate("/child/ethnicity/code"), policy::Fate::kDropped);

  // The copy is the one redaction makes: nothing held back with the keys.
  ASSERT_TRUE(explained->copy.has_value());
  EXPECT_TRUE(explained->copy->withheld.empty());
}

TEST_F(ExplainMessageTest, AFlowNoIsaAllowsIsRefusedWithAReason) {
  // Staffordshire police to Derbyshire police: no ISA has such a flow, and
  // the router would not send it there either.
  auto explained = Explain(StaffsMissingReport("police-derbys"));
  ASSERT_TRUE(explained.ok()) << explained.error().ToJsonText();
  const policy::Decision& decision = explained->decision;
  EXPECT_FALSE(decision.allowed);
  EXPECT_EQ(decision.refusal, "no_flow");
  EXPECT_FALSE(decision.refusal_reason.empty());
  EXPECT_TRUE(decision.fields.empty()) << "nothing is sent, so no field is listed";
  EXPECT_FALSE(explained->copy.has_value());
  EXPECT_EQ(Kinds(*explained), std::vector{ExplainNoteKind::kNotRouted});
}

TEST_F(ExplainMessageTest, NotesSayWhenTheRouterWouldNotSendItThere) {
  // A message alone: an RHI names no council, so the router finds no role
  // for the police nor the provider, and the notes say what would help.
  auto explained = Explain(RhiToDerbyshirePolice());
  ASSERT_TRUE(explained.ok()) << explained.error().ToJsonText();
  EXPECT_EQ(explained->decision.refusal, "no_flow");
  EXPECT_EQ(explained->host_la, "");
  EXPECT_EQ(Kinds(*explained),
            (std::vector{ExplainNoteKind::kNotRouted, ExplainNoteKind::kNoHostCouncil,
                         ExplainNoteKind::kSenderHasNoRole}));
  for (const auto& note : explained->notes) {
    EXPECT_NE(
        note.text.find(note.kind == ExplainNoteKind::kNotRouted ? "police-derbys" : "host_la"),
        std::string::npos)
        << note.text;
  }

  // With the host council a running gateway takes from the stored episode,
  // the router sends it to the police and the Derby ISA allows it.
  ExplainRequest request = RhiToDerbyshirePolice();
  request.host_la = "la-derby";
  explained = Explain(request);
  ASSERT_TRUE(explained.ok()) << explained.error().ToJsonText();
  EXPECT_TRUE(explained->decision.allowed) << explained->decision.refusal_reason;
  EXPECT_EQ(explained->decision.isa_id(), "ISA-DERBY-2026");
  EXPECT_EQ(explained->host_la, "la-derby");
  EXPECT_TRUE(explained->notes.empty()) << explained->notes.front().text;

  // Roles given instead of the router's are noted as such.
  request.as_roles = {"placing_la"};
  explained = Explain(request);
  ASSERT_TRUE(explained.ok()) << explained.error().ToJsonText();
  EXPECT_FALSE(explained->decision.allowed) << "the police is no placing council";
  EXPECT_EQ(Kinds(*explained), std::vector{ExplainNoteKind::kRolesGiven});

  // A sender with no role for the message is noted too.
  request = StaffsMissingReport("la-derby");
  request.from = "la-derby";
  explained = Explain(request);
  ASSERT_TRUE(explained.ok()) << explained.error().ToJsonText();
  EXPECT_EQ(Kinds(*explained),
            (std::vector{ExplainNoteKind::kNotRouted, ExplainNoteKind::kSenderHasNoRole}));
}

TEST_F(ExplainMessageTest, RedactionUsesTheKeysGivenAndSaysWhatItWithheld) {
  ExplainRequest request = RhiToDerbyshirePolice();
  request.host_la = "la-derby";
  const policy::KeyRing no_keys;
  auto explained = ExplainMessage(state_->registry, state_->policies, no_keys, request, kNow);
  ASSERT_TRUE(explained.ok()) << explained.error().ToJsonText();
  ASSERT_TRUE(explained->copy.has_value());
  ASSERT_FALSE(explained->copy->withheld.empty());
  for (const auto& withheld : explained->copy->withheld) {
    EXPECT_EQ(withheld.reason, "key_missing") << withheld.pointer;
    EXPECT_TRUE(withheld.pointer.starts_with("/rhi/with_whom/")) << withheld.pointer;
  }

  explained = Explain(request);  // the example keys: nothing withheld
  ASSERT_TRUE(explained.ok());
  ASSERT_TRUE(explained->copy.has_value());
  EXPECT_TRUE(explained->copy->withheld.empty());
}

TEST_F(ExplainMessageTest, TheIsasAreJudgedAtTheMessagesTimeUnlessAnotherIsGiven) {
  ExplainRequest request = StaffsMissingReport();
  request.at = *model::ParseRfc3339("2025-06-01T00:00:00Z");
  auto explained = Explain(request);
  ASSERT_TRUE(explained.ok()) << explained.error().ToJsonText();
  EXPECT_EQ(explained->decision.refusal, "isa_not_yet_valid");
  EXPECT_EQ(explained->decision.decided_at, *request.at);

  explained = Explain(StaffsMissingReport());  // reported 14/07/2026 23:20 UK time
  ASSERT_TRUE(explained.ok());
  EXPECT_EQ(explained->decision.decided_at, *model::ParseRfc3339("2026-07-14T22:20:00Z"));
}

TEST_F(ExplainMessageTest, AMessageThatDoesNotDecodeIsRefusedWithoutQuotingIt) {
  // The date of birth replaced by the child's surname: refused, and the
  // answer points at the field without repeating what it held.
  std::string message = missing_report_;
  const std::string dob = "\"17/09/2011\"";
  message.replace(message.find(dob), dob.size(), "\"Sample\"");
  ExplainRequest request = StaffsMissingReport();
  request.message = message;
  auto explained = Explain(request);
  ASSERT_FALSE(explained.ok());
  const Problem& problem = explained.error();
  EXPECT_EQ(problem.type, problem_type::kInvalidMessage);
  EXPECT_EQ(problem.status, 400);
  EXPECT_EQ(Pointers(problem), std::vector<std::string>{"/message/MisperDOB"});
  EXPECT_EQ(problem.ToJsonText().find("Sample"), std::string::npos) << problem.ToJsonText();

  // Not even JSON: the error is the whole message's.
  request.message = "Jordan Sample";
  explained = Explain(request);
  ASSERT_FALSE(explained.ok());
  EXPECT_EQ(Pointers(explained.error()), std::vector<std::string>{"/message"});
  EXPECT_EQ(explained.error().ToJsonText().find("Sample"), std::string::npos);
}

TEST_F(ExplainMessageTest, AnUnknownAgencyPointsAtTheFieldNamingIt) {
  ExplainRequest request = StaffsMissingReport();
  request.from = "police-atlantis";
  auto explained = Explain(request);
  ASSERT_FALSE(explained.ok());
  EXPECT_EQ(explained.error().type, problem_type::kInvalidMessage);
  EXPECT_EQ(Pointers(explained.error()), std::vector<std::string>{"/from"});
  EXPECT_EQ(explained.error().errors.front().code, "unknown_agency");

  request = StaffsMissingReport("la-atlantis");
  explained = Explain(request);
  ASSERT_FALSE(explained.ok());
  EXPECT_EQ(Pointers(explained.error()), std::vector<std::string>{"/to"});
}

TEST_F(ExplainMessageTest, EveryMistakeIsListedAtOnceForAForm) {
  ExplainRequest request = StaffsMissingReport("nobody");
  request.host_la = "police-staffs";  // an agency, but no council
  request.placing_la = "la-atlantis";
  request.as_roles = {"host_la", "coroner", "mayor"};
  request.message = "{}";
  auto explained = Explain(request);
  ASSERT_FALSE(explained.ok());
  const std::vector<std::string> pointers = Pointers(explained.error());
  const std::vector<std::string> want{"/to", "/host_la", "/placing_la", "/as_roles/1",
                                      "/as_roles/2"};
  ASSERT_GT(pointers.size(), want.size());
  EXPECT_EQ(std::vector(pointers.begin(), pointers.begin() + want.size()), want);
  for (auto it = pointers.begin() + want.size(); it != pointers.end(); ++it)
    EXPECT_TRUE(it->starts_with("/message/")) << *it;
  // The request's own values are not repeated either.
  for (const char* value : {"police-staffs", "la-atlantis", "coroner", "nobody"})
    EXPECT_EQ(explained.error().ToJsonText().find(value), std::string::npos) << value;
}

}  // namespace
}  // namespace isagw::pipeline

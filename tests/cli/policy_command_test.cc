// `isagw policy explain` called as main() would, on the example registry,
// ISAs and messages: the question every ISA review asks ("what does the
// police get from an RHI?") answered without a running gateway.
#include "gateway/cli/policy_command.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>

#include "tests/cli/command_outcome.h"
#include "tests/common/temp_dir.h"
#include "tests/config/minimal_deployment.h"

namespace isagw::cli {
namespace {

using testing::Contains;
using testing::Outcome;

class PolicyExplain : public ::testing::Test {
 protected:
  // The example registry in a scratch directory beside placeholders for the
  // files it names (certs-example/out/ exists only once make-certs.sh ran).
  void SetUp() override {
    isagw::testing::WriteDeploymentFiles(dir_, ".");
    std::filesystem::copy_file(ISAGW_SOURCE_DIR "/certs-example/registry.yaml",
                               dir_.path() / "registry.yaml");
  }

  // The RHI example from the Derby provider, explained for Derbyshire police.
  PolicyExplainArgs RhiToPolice() const {
    PolicyExplainArgs args;
    args.policies = ISAGW_SOURCE_DIR "/policies";
    args.registry = (dir_.path() / "registry.yaml").string();
    args.from = "provider-brighter-futures";
    args.to = "police-derbys";
    args.format = "rhi";
    args.file = ISAGW_SOURCE_DIR "/docs/examples/rhi/full.json";
    return args;
  }

  isagw::testing::ScratchDir dir_;
};

Outcome Explain(const PolicyExplainArgs& args) {
  std::istringstream in;
  std::ostringstream out, err;
  const int code = RunPolicyExplain(args, in, out, err);
  return {code, out.str(), err.str()};
}

TEST_F(PolicyExplain, AnRhiAloneNamesNoCouncilAndSaysWhatToGive) {
  const Outcome run = Explain(RhiToPolice());
  EXPECT_EQ(run.code, 1);
  EXPECT_TRUE(Contains(run.out, "REFUSED (no_flow)")) << run.out;
  EXPECT_TRUE(Contains(run.err, "give --host-la")) << run.err;
}

TEST_F(PolicyExplain, WithTheEpisodesHostCouncilTheRouterFindsThePoliceFlow) {
  PolicyExplainArgs args = RhiToPolice();
  args.host_la = "la-derby";
  const Outcome run = Explain(args);
  ASSERT_EQ(run.code, 0) << run.out << run.err;
  EXPECT_TRUE(Contains(run.out, "ALLOWED under ISA-DERBY-2026 §3.4")) << run.out;
  EXPECT_TRUE(Contains(run.out, "/child/date_of_birth")) << run.out;
  EXPECT_TRUE(Contains(run.out, "generalised (age_years)")) << run.out;
  EXPECT_TRUE(Contains(run.out, "/rhi/child_account")) << run.out;
  EXPECT_FALSE(Contains(run.err, "would not send")) << run.err;
  // Field names and fates only, never a value from the message.
  for (const char* value : {"Alex", "Example", "2010-05-04", "Normanton Road"}) {
    EXPECT_FALSE(Contains(run.out, value)) << value;
    EXPECT_FALSE(Contains(run.err, value)) << value;
  }
}

TEST_F(PolicyExplain, TheRecipientsRolesCanBeGivenInsteadOfTheRoutersOnes) {
  PolicyExplainArgs args = RhiToPolice();
  args.host_la = "la-derby";
  args.as_roles = {"placing_la"};
  const Outcome run = Explain(args);
  EXPECT_EQ(run.code, 1) << "the police is no placing council: no flow";
  EXPECT_TRUE(Contains(run.err, "in the role(s) given by --as")) << run.err;
  EXPECT_TRUE(Contains(run.out, "REFUSED (no_flow)")) << run.out;

  args.as_roles = {"police_force"};
  EXPECT_EQ(Explain(args).code, 0);
}

TEST_F(PolicyExplain, RefusesAnUnknownRoleOrACouncilThatIsNotOne) {
  PolicyExplainArgs args = RhiToPolice();
  args.as_roles = {"police_force", "coroner"};
  Outcome run = Explain(args);
  EXPECT_EQ(run.code, 2);
  EXPECT_TRUE(Contains(run.err, "--as: coroner is not a role")) << run.err;

  args = RhiToPolice();
  args.host_la = "police-derbys";
  run = Explain(args);
  EXPECT_EQ(run.code, 2);
  EXPECT_TRUE(Contains(run.err, "--host-la: police-derbys is not a local authority")) << run.err;
}

}  // namespace
}  // namespace isagw::cli

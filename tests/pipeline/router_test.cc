#include "gateway/pipeline/router.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "gateway/registry/registry_loader.h"

namespace isagw::pipeline {
namespace {

using model::EventKind;
using policy::Role;

class RouterTest : public ::testing::Test {
 protected:
  // The example registry names CA files under out/ (made by make-certs.sh);
  // routing never reads them, so a copy beside empty stand-ins will do.
  static void SetUpTestSuite() {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("isagw-router-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir / "out");
    std::filesystem::copy_file(ISAGW_SOURCE_DIR "/certs-example/registry.yaml",
                               dir / "registry.yaml",
                               std::filesystem::copy_options::overwrite_existing);
    std::ofstream(dir / "out" / "receiver-ca.crt").flush();
    auto loaded = registry::LoadAgencyRegistry(dir / "registry.yaml");
    std::filesystem::remove_all(dir);
    ASSERT_TRUE(loaded.ok()) << (loaded.ok() ? "" : loaded.error().front().ToString());
    registry_ = new registry::AgencyRegistry(std::move(*loaded));  // NOLINT: test-suite lifetime
  }
  static void TearDownTestSuite() { delete registry_; }  // NOLINT

  // Derby police report a looked-after child placed in Derby by Staffordshire.
  static model::Event DerbyReport(EventKind kind) {
    model::Event e;
    e.kind = kind;
    e.episode.police_ref = "DB/21/2026/004512";
    e.episode.force_code = "DERBYS";
    e.child.home = model::Address{std::nullopt, "DE22 3AB"};
    e.child.responsible_la = "860";
    return e;
  }

  const registry::Agency& Agency(const std::string& id) { return *registry_->FindById(id); }

  std::vector<std::pair<std::string, EventKind>> Recipients(const model::Event& e,
                                                            const std::string& sender,
                                                            ChildContext child = {}) {
    std::vector<std::pair<std::string, EventKind>> out;
    for (const Route& r : RouteEvent(e, Agency(sender), ResolveParties(e, *registry_, child))) {
      out.emplace_back(r.recipient->id, r.kind);
    }
    return out;
  }

  static registry::AgencyRegistry* registry_;
};

registry::AgencyRegistry* RouterTest::registry_ = nullptr;

TEST_F(RouterTest, AMissingReportGoesToTheHostAndThePlacingCouncil) {
  const auto e = DerbyReport(EventKind::kMissingReported);
  EXPECT_EQ(Recipients(e, "police-derbys"),
            (std::vector<std::pair<std::string, EventKind>>{
                {"la-derby", EventKind::kMissingReported},
                {"la-staffordshire", EventKind::kMissingReported}}));
}

TEST_F(RouterTest, EachRecipientHoldsItsRole) {
  const auto e = DerbyReport(EventKind::kMissingReported);
  const Parties parties = ResolveParties(e, *registry_, {});
  const auto routes = RouteEvent(e, Agency("police-derbys"), parties);
  ASSERT_EQ(routes.size(), 2u);
  EXPECT_EQ(routes[0].roles, std::set<Role>{Role::kHostLa});
  EXPECT_EQ(routes[1].roles, std::set<Role>{Role::kPlacingLa});
  EXPECT_EQ(RolesOf(Agency("police-derbys"), parties), std::set<Role>{Role::kPoliceForce});
}

TEST_F(RouterTest, AFoundRecordAlsoRefersTheChildToTheCommissionedProvider) {
  const auto e = DerbyReport(EventKind::kFound);
  EXPECT_EQ(Recipients(e, "police-derbys"),
            (std::vector<std::pair<std::string, EventKind>>{
                {"la-derby", EventKind::kFound},
                {"la-staffordshire", EventKind::kFound},
                {"provider-brighter-futures", EventKind::kRhiReferred}}));
}

TEST_F(RouterTest, AnRhiGoesToBothCouncilsAndThePolice) {
  auto e = DerbyReport(EventKind::kRhiRecorded);
  EXPECT_EQ(Recipients(e, "provider-brighter-futures"),
            (std::vector<std::pair<std::string, EventKind>>{
                {"la-derby", EventKind::kRhiRecorded},
                {"la-staffordshire", EventKind::kRhiRecorded},
                {"police-derbys", EventKind::kRhiRecorded}}));
}

TEST_F(RouterTest, APlacementClaimFindsThePlacingCouncilWhenPoliceDoNotKnowIt) {
  auto e = DerbyReport(EventKind::kMissingReported);
  e.child.responsible_la.reset();
  EXPECT_EQ(Recipients(e, "police-derbys").size(), 1u);
  ChildContext known{"la-staffordshire", std::nullopt};
  EXPECT_EQ(Recipients(e, "police-derbys", known),
            (std::vector<std::pair<std::string, EventKind>>{
                {"la-derby", EventKind::kMissingReported},
                {"la-staffordshire", EventKind::kMissingReported}}));
}

TEST_F(RouterTest, AChildPlacedByTheHostCouncilHasNoSeparatePlacingCouncil) {
  auto e = DerbyReport(EventKind::kMissingReported);
  e.child.responsible_la = "831";  // Derby's own child
  EXPECT_EQ(Recipients(e, "police-derbys"),
            (std::vector<std::pair<std::string, EventKind>>{
                {"la-derby", EventKind::kMissingReported}}));
}

TEST_F(RouterTest, ThePlacementPostcodeDecidesTheHostBeforeTheHome) {
  auto e = DerbyReport(EventKind::kMissingReported);
  e.child.placement = model::Placement{"K2", "ST4 7QB", std::nullopt};  // Stoke
  const Parties parties = ResolveParties(e, *registry_, {});
  ASSERT_NE(parties.host_la, nullptr);
  EXPECT_EQ(parties.host_la->id, "la-stoke");
}

TEST_F(RouterTest, AForceCoveringSeveralCouncilsNeedsAPostcode) {
  model::Event e;
  e.kind = EventKind::kMissingReported;
  e.episode.force_code = "STAFFS";
  EXPECT_EQ(ResolveParties(e, *registry_, {}).host_la, nullptr);
  e.episode.force_code = "DERBYS";  // Derbyshire (830) is not an agency: Derby is the only one
  ASSERT_NE(ResolveParties(e, *registry_, {}).host_la, nullptr);
  EXPECT_EQ(ResolveParties(e, *registry_, {}).host_la->id, "la-derby");
}

TEST_F(RouterTest, APlacementNotificationGoesToTheHostCouncilNamedInItsHeader) {
  model::Event e;
  e.kind = EventKind::kPlacementNotified;
  e.header.from_la = "860";
  e.header.to_la = "831";
  EXPECT_EQ(Recipients(e, "la-staffordshire"),
            (std::vector<std::pair<std::string, EventKind>>{
                {"la-derby", EventKind::kPlacementNotified}}));
}

TEST_F(RouterTest, NobodyReceivesTheirOwnMessage) {
  auto e = DerbyReport(EventKind::kEscalation);
  const auto recipients = Recipients(e, "la-derby");
  EXPECT_EQ(recipients, (std::vector<std::pair<std::string, EventKind>>{
                            {"la-staffordshire", EventKind::kEscalation}}));
}

}  // namespace
}  // namespace isagw::pipeline

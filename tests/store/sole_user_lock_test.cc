#include "gateway/store/sole_user_lock.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace isagw::store {
namespace {

TEST(SoleUserLockTest, ASecondHolderIsRefusedUntilTheFirstLetsGo) {
  const auto path =
      std::filesystem::temp_directory_path() / ("isagw-sole-" + std::to_string(::getpid()) + ".db");
  {
    auto first = SoleUserLock::Take(path);
    ASSERT_TRUE(first.ok()) << first.error();
    auto second = SoleUserLock::Take(path);
    ASSERT_FALSE(second.ok());
    EXPECT_NE(second.error().find("another gateway"), std::string::npos) << second.error();
  }
  auto after = SoleUserLock::Take(path);
  EXPECT_TRUE(after.ok());
  std::filesystem::remove(path.string() + ".lock");
}

}  // namespace
}  // namespace isagw::store

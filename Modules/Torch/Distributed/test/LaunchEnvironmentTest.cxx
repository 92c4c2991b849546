// The launchers' variables as the program reads them: complete sets, no launcher, and each mistake named.
#include "skipseg/core/Error.h"
#include "skipseg/distributed/LaunchEnvironment.h"

#include <gtest/gtest.h>

#include <map>

namespace skipseg::distributed {
namespace {

std::optional<LaunchEnvironment> read(const std::map<std::string, std::string>& variables) {
  return launchEnvironmentFromVariables([&](const std::string& name) -> std::optional<std::string> {
    const auto found = variables.find(name);
    return found == variables.end() ? std::nullopt : std::optional<std::string>(found->second);
  });
}

std::string errorOf(const std::map<std::string, std::string>& variables) {
  try {
    read(variables);
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ExitCode::Usage);
    return error.what();
  }
  return "";
}

const std::map<std::string, std::string> kTorchrun{
    {"RANK", "3"}, {"WORLD_SIZE", "4"}, {"LOCAL_RANK", "1"}, {"MASTER_ADDR", "node7"}, {"MASTER_PORT", "29400"}};

TEST(LaunchEnvironment, ReadsTorchrunsVariables) {
  const auto environment = read(kTorchrun);
  ASSERT_TRUE(environment);
  EXPECT_EQ(environment->rank, 3);
  EXPECT_EQ(environment->worldSize, 4);
  EXPECT_EQ(environment->localRank, 1);
  EXPECT_EQ(environment->masterAddress, "node7");
  EXPECT_EQ(environment->masterPort, 29400);
  EXPECT_FALSE(environment->agentServesStore);
  EXPECT_EQ(environment->storePrefix, "skipseg/0/");
}

TEST(LaunchEnvironment, TorchrunsAgentStoreAndRestartsAreHonoured) {
  auto variables = kTorchrun;
  variables["TORCHELASTIC_USE_AGENT_STORE"] = "True";
  variables["TORCHELASTIC_RESTART_COUNT"] = "2";
  const auto environment = read(variables);
  ASSERT_TRUE(environment);
  EXPECT_TRUE(environment->agentServesStore);
  EXPECT_EQ(environment->storePrefix, "skipseg/2/");
}

TEST(LaunchEnvironment, NoLauncherMeansOneProcess) {
  EXPECT_FALSE(read({{"RANK", "0"}}));
}

TEST(LaunchEnvironment, MistakesAreNamed) {
  auto variables = kTorchrun;
  variables.erase("MASTER_PORT");
  EXPECT_NE(errorOf(variables).find("needs MASTER_PORT"), std::string::npos);
  variables = kTorchrun;
  variables["RANK"] = "4";
  EXPECT_NE(errorOf(variables).find("RANK=\"4\" is not an integer in 0..3"), std::string::npos);
  variables = kTorchrun;
  variables["WORLD_SIZE"] = "two";
  EXPECT_NE(errorOf(variables).find("WORLD_SIZE=\"two\""), std::string::npos);
  variables = kTorchrun;
  variables.erase("MASTER_ADDR");
  EXPECT_NE(errorOf(variables).find("MASTER_ADDR"), std::string::npos);
}

}  // namespace
}  // namespace skipseg::distributed

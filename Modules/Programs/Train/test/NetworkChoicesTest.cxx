// --network offers what the network registry builds, architectures added at run time included.
#include "skipseg/nn/SegmentationNetwork.h"
#include "skipseg/programs/TrainProgram.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace skipseg::programs {
namespace {

TEST(TrainProgram, NetworkChoicesAreTheRegisteredArchitectures) {
  nn::registerArchitecture("test_only_architecture",
                           [](const nlohmann::json&) -> std::shared_ptr<nn::SegmentationNetwork> { return nullptr; });
  const cli::ProgramDescription description = trainProgramDescription();
  const cli::Parameter* network = description.find("network");
  ASSERT_NE(network, nullptr);
  EXPECT_EQ(network->choices, nn::registeredArchitectures());
  for (const char* name :
       {"nnunet", "nnunet_resenc", "unet", "resunet", "unetpp", "transunet", "test_only_architecture"}) {
    EXPECT_NE(std::find(network->choices.begin(), network->choices.end(), name), network->choices.end()) << name;
  }
  EXPECT_EQ(network->defaultValue, "nnunet");
}

}  // namespace
}  // namespace skipseg::programs

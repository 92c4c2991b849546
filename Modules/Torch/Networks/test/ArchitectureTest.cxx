// Every architecture builds from a configuration in 2D and 3D and gives logits at the input's
// resolution; bad configurations and inputs fail with one-line errors that name the key or size.
#include "NetworkTestHelpers.h"
#include "skipseg/core/Error.h"
#include "skipseg/nn/SegmentationNetwork.h"
#include "skipseg/nn/architectures/UNetPlusPlus.h"

#include <gtest/gtest.h>

#include <torch/csrc/autograd/grad_mode.h>
#include <map>

namespace skipseg::nn {
namespace {

using testing::builtInArchitectures;
using testing::inputShape;
using testing::smallConfiguration;

std::string errorOf(const std::function<void()>& action, ExitCode* code = nullptr) {
  try {
    action();
  } catch (const Error& error) {
    if (code != nullptr) {
      *code = error.code();
    }
    return error.what();
  }
  return "";
}

class ArchitectureShapes : public ::testing::TestWithParam<std::tuple<std::string, int>> {};

TEST_P(ArchitectureShapes, OutputHasInputResolutionAndClassChannels) {
  const auto [architecture, dims] = GetParam();
  auto network = createNetwork(smallConfiguration(architecture, dims));
  network->eval();
  torch::NoGradGuard noGradients;
  const auto output = network->forward(torch::randn(inputShape(dims, 16)));
  auto expected = inputShape(dims, 16, 3);
  EXPECT_EQ(output.sizes().vec(), expected);
  EXPECT_TRUE(output.isfinite().all().item<bool>());
}

TEST_P(ArchitectureShapes, OddSizesArePaddedOrRefusedClearly) {
  const auto [architecture, dims] = GetParam();
  auto network = createNetwork(smallConfiguration(architecture, dims));
  network->eval();
  torch::NoGradGuard noGradients;
  std::vector<int64_t> shape{1, 2, 13, 10};
  if (dims == 3) {
    shape.push_back(7);
  }
  if (architecture == "transunet") {
    ExitCode code = ExitCode::Ok;
    const auto message = errorOf([&] { network->forward(torch::randn(shape)); }, &code);
    EXPECT_EQ(code, ExitCode::BadInput);
    EXPECT_NE(message.find("image_size"), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos);
    return;
  }
  const auto output = network->forward(torch::randn(shape));
  shape[1] = 3;
  EXPECT_EQ(output.sizes().vec(), shape);
}

INSTANTIATE_TEST_SUITE_P(AllArchitectures, ArchitectureShapes,
                         ::testing::Combine(::testing::ValuesIn(builtInArchitectures()), ::testing::Values(2, 3)),
                         [](const auto& info) {
                           return std::get<0>(info.param) + "_" + std::to_string(std::get<1>(info.param)) + "D";
                         });

TEST(Architecture, WithoutPaddingANonDivisibleSizeIsRefusedNamingTheMultiple) {
  auto configuration = smallConfiguration("unet", 2);
  configuration["pad_input"] = false;
  auto network = createNetwork(configuration);
  ExitCode code = ExitCode::Ok;
  const auto message = errorOf([&] { network->forward(torch::randn({1, 2, 13, 16})); }, &code);
  EXPECT_EQ(code, ExitCode::BadInput);
  EXPECT_NE(message.find("not divisible by 4"), std::string::npos) << message;
}

TEST(Architecture, RegistryListsTheBuiltInArchitectures) {
  const auto names = registeredArchitectures();
  for (const auto& name : builtInArchitectures()) {
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  }
}

TEST(Architecture, BadSettingsThrowBadInputNamingTheKey) {
  const std::vector<std::pair<std::string, nlohmann::json>> cases = {
      {"depth", 0},        {"depth", "deep"},  {"norm", "layer"},  {"activation", "tanh"},
      {"spatial_dims", 4}, {"kernel_size", 4}, {"dpeth", 3},       {"attention", "se"},
      {"norm_groups", 3},  {"groups", 3},      {"drop_path", 1.5}, {"upsample", "pixelshuffle"}};
  for (const auto& [key, value] : cases) {
    auto configuration = smallConfiguration("unet", 2);
    if (key == "norm_groups") {
      configuration["norm"] = "group";
    }
    configuration[key] = value;
    ExitCode code = ExitCode::Ok;
    const auto message = errorOf([&] { createNetwork(configuration); }, &code);
    EXPECT_EQ(code, ExitCode::BadInput) << key;
    EXPECT_NE(message.find("\"" + key + "\""), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
}

TEST(Architecture, UnknownArchitectureIsNamed) {
  const auto message = errorOf([] { createNetwork({{"architecture", "vnet"}}); });
  EXPECT_NE(message.find("unknown architecture \"vnet\""), std::string::npos) << message;
}

TEST(Architecture, TransUNetImageSizeMustBeDivisible) {
  auto configuration = smallConfiguration("transunet", 2);
  configuration["image_size"] = {18, 16};
  const auto message = errorOf([&] { createNetwork(configuration); });
  EXPECT_NE(message.find("\"image_size\" must be divisible by 2^depth x patch_size = 4"), std::string::npos) << message;
}

TEST(Architecture, ConfigurationRoundTripsWithDefaultsFilledIn) {
  for (const auto& name : builtInArchitectures()) {
    auto network = createNetwork(smallConfiguration(name, 2));
    const auto configuration = network->configuration();
    EXPECT_EQ(configuration.at("architecture"), name);
    EXPECT_TRUE(configuration.contains("norm")) << name;
    EXPECT_EQ(createNetwork(configuration)->configuration(), configuration) << name;
  }
}

TEST(Architecture, ResUNetIsAUNetOfResidualBlocks) {
  auto unet = createNetwork(smallConfiguration("unet", 2));
  auto resunet = createNetwork(smallConfiguration("resunet", 2));
  EXPECT_EQ(unet->configuration().at("block"), "conv");
  EXPECT_EQ(resunet->configuration().at("block"), "residual");
  bool hasProjection = false;
  for (const auto& item : resunet->named_parameters()) {
    hasProjection = hasProjection || item.key().find("projection.weight") != std::string::npos;
  }
  EXPECT_TRUE(hasProjection);
}

TEST(Architecture, ResidualVariantsCompose) {
  auto configuration = smallConfiguration("resunet", 3);
  configuration["preactivation"] = true;
  configuration["attention"] = "scse";
  configuration["drop_path"] = 0.2;
  configuration["dilation"] = 2;
  configuration["groups"] = 2;
  configuration["norm"] = "group";
  configuration["norm_groups"] = 2;
  configuration["activation"] = "prelu";
  auto network = createNetwork(configuration);
  network->eval();
  torch::NoGradGuard noGradients;
  EXPECT_EQ(network->forward(torch::randn(inputShape(3, 8, 2, 1))).sizes().vec(), inputShape(3, 8, 3, 1));
}

TEST(Architecture, UNetPlusPlusPrunedDepthGivesAValidOutputFromFewerNodes) {
  auto configuration = smallConfiguration("unetpp", 2);
  configuration["depth"] = 3;
  auto network = createNetwork(configuration);
  auto* unetpp = dynamic_cast<UNetPlusPlus*>(network.get());
  ASSERT_NE(unetpp, nullptr);
  network->eval();
  torch::NoGradGuard noGradients;
  const auto input = torch::randn({1, 2, 16, 16});
  const auto full = network->forward(input);
  const auto supervised = network->forwardDeepSupervision(input);
  ASSERT_EQ(supervised.size(), 3u);
  EXPECT_TRUE(torch::equal(supervised[0], full));  // deepest head first
  for (int64_t depth = 1; depth <= 3; ++depth) {
    unetpp->setInferenceDepth(depth);
    const auto pruned = network->forward(input);
    EXPECT_EQ(pruned.sizes(), full.sizes());
    EXPECT_TRUE(torch::allclose(pruned, supervised[3 - depth], 1e-5, 1e-5)) << depth;
  }
  EXPECT_EQ(network->configuration().at("inference_depth"), 3);
  // A pruned network only needs divisibility by 2^inference_depth: 6 is padded for depth 1 to 6.
  unetpp->setInferenceDepth(1);
  EXPECT_EQ(network->forward(torch::randn({1, 2, 6, 6})).sizes().vec(), (std::vector<int64_t>{1, 3, 6, 6}));
  EXPECT_THROW(unetpp->setInferenceDepth(4), Error);
}

TEST(Architecture, DeepSupervisionGivesOneOutputPerScaleFullResolutionFirst) {
  auto configuration = smallConfiguration("unet", 3);
  configuration["deep_supervision"] = true;
  configuration["depth"] = 3;
  auto network = createNetwork(configuration);
  const auto outputs = network->forwardDeepSupervision(torch::randn(inputShape(3, 16, 2, 1)));
  ASSERT_EQ(outputs.size(), 3u);
  EXPECT_EQ(outputs[0].sizes().vec(), inputShape(3, 16, 3, 1));
  EXPECT_EQ(outputs[1].sizes().vec(), inputShape(3, 8, 3, 1));
  EXPECT_EQ(outputs[2].sizes().vec(), inputShape(3, 4, 3, 1));
}

TEST(Architecture, WrongChannelCountIsRefused) {
  auto network = createNetwork(smallConfiguration("unet", 2));
  const auto message = errorOf([&] { network->forward(torch::randn({1, 1, 16, 16})); });
  EXPECT_NE(message.find("is not [N, 2, H, W]"), std::string::npos) << message;
}

}  // namespace
}  // namespace skipseg::nn

namespace skipseg::nn {
namespace {

TEST(Architecture, LongSkipsConcatenateAddOrAreLeftOut) {
  const std::map<std::string, int64_t> decoderInputs = {{"concat", 8}, {"add", 4}, {"attention", 8}, {"none", 4}};
  for (const auto& [mode, inputs] : decoderInputs) {
    auto configuration = smallConfiguration("unet", 2);
    configuration["base_features"] = 4;
    configuration["long_skips"] = mode;
    auto network = createNetwork(configuration);
    EXPECT_EQ(network->configuration().at("long_skips"), mode);
    const auto weight = network->named_parameters()["decoder.0.0.conv.weight"];
    EXPECT_EQ(weight.size(1), inputs) << mode;
    EXPECT_EQ(network->forward(torch::randn({1, 2, 16, 16})).sizes().vec(), std::vector<int64_t>({1, 3, 16, 16}));
  }
  auto configuration = smallConfiguration("unet", 2);
  configuration["long_skips"] = "gated";
  EXPECT_NE(errorOf([&] { createNetwork(configuration); }).find("\"long_skips\""), std::string::npos);
}

// With every gate's coefficients forced to 1 (psi's weights 0, bias 30: sigmoid(30) rounds to 1.0f),
// an attention-gated U-Net is the concatenating U-Net with the same weights, bit for bit.
TEST(Architecture, AttentionGatedLongSkipsWithOpenGatesAreTheConcatenatingUNet) {
  auto configuration = smallConfiguration("unet", 2);
  configuration["depth"] = 3;
  auto concat = createNetwork(configuration);
  configuration["long_skips"] = "attention";
  auto gated = createNetwork(configuration);
  EXPECT_EQ(createNetwork(gated->configuration())->configuration().at("long_skips"), "attention");
  torch::NoGradGuard noGradients;
  const auto concatParameters = concat->named_parameters();
  for (auto& item : gated->named_parameters()) {
    if (item.key().rfind("gates.", 0) != 0) {
      item.value().copy_(concatParameters[item.key()]);
    }
  }
  concat->eval();
  gated->eval();
  torch::manual_seed(3);
  const auto input = torch::randn({2, 2, 16, 16});
  EXPECT_FALSE(torch::allclose(gated->forward(input), concat->forward(input)));  // the gates act
  int gates = 0;
  for (auto& item : gated->named_parameters()) {
    if (item.key().find("psi.weight") != std::string::npos) {
      item.value().zero_();
      ++gates;
    } else if (item.key().find("psi.bias") != std::string::npos) {
      item.value().fill_(30.0);
    }
  }
  EXPECT_EQ(gates, 3);  // one gate per decoder level
  EXPECT_TRUE(torch::equal(gated->forward(input), concat->forward(input)));
}

TEST(Architecture, DenseStagesConcatenateEveryEarlierUnitAndGrowByHalfTheFeatures) {
  auto configuration = smallConfiguration("unet", 3);
  configuration["block"] = "dense";
  auto network = createNetwork(configuration);
  EXPECT_EQ(network->configuration().at("blocks_per_stage"), 3);
  auto parameters = network->named_parameters();
  // Level 1 (8 features, growth 4): entry 4 -> 8, unit 1 reads 8, unit 2 reads 8 + 4, transition 16 -> 8.
  EXPECT_EQ(parameters["encoder.1.0.conv.weight"].sizes().vec(), (std::vector<int64_t>{8, 4, 3, 3, 3}));
  EXPECT_EQ(parameters["encoder.1.1.conv.weight"].sizes().vec(), (std::vector<int64_t>{4, 8, 3, 3, 3}));
  EXPECT_EQ(parameters["encoder.1.2.conv.weight"].sizes().vec(), (std::vector<int64_t>{4, 12, 3, 3, 3}));
  EXPECT_EQ(parameters["encoder.1.transition.conv.weight"].sizes().vec(), (std::vector<int64_t>{8, 16, 1, 1, 1}));
  network->eval();
  torch::NoGradGuard noGradients;
  EXPECT_EQ(network->forward(torch::randn(inputShape(3, 8, 2, 1))).sizes().vec(), inputShape(3, 8, 3, 1));
  EXPECT_EQ(createNetwork(network->configuration())->configuration(), network->configuration());
  configuration["drop_path"] = 0.1;
  const auto message = errorOf([&] { createNetwork(configuration); });
  EXPECT_NE(message.find("\"drop_path\" needs \"block\": \"residual\" (got \"dense\")"), std::string::npos) << message;
}

}  // namespace
}  // namespace skipseg::nn

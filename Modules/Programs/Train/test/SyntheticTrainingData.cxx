#include "SyntheticTrainingData.h"

#include "skipseg/core/Progress.h"
#include "skipseg/planning/Fingerprint.h"
#include "skipseg/planning/Plans.h"

#include <itkImage.h>
#include <itkImageFileWriter.h>
#include <itkNiftiImageIOFactory.h>

#include <filesystem>
#include <fstream>
#include <random>

namespace skipseg::programs {
namespace {

using Image = itk::Image<float, 3>;

void writeCase(const skipseg::testing::TemporaryDirectory& folder, int index) {
  static const bool registered = [] {
    itk::NiftiImageIOFactory::RegisterOneFactory();
    return true;
  }();
  (void)registered;
  std::mt19937 generator(static_cast<unsigned>(index));
  std::normal_distribution<float> noise(0.0f, 10.0f);
  auto image = Image::New(), label = Image::New();
  Image::RegionType region;
  region.SetSize({24, 24, 24});
  const double spacing[3] = {2.0, 2.0, 2.0};
  for (auto& volume : {image, label}) {
    volume->SetRegions(region);
    volume->SetSpacing(spacing);
    volume->Allocate();
  }
  const double center = 10.0 + index;
  for (unsigned k = 0; k < 24; ++k) {
    for (unsigned j = 0; j < 24; ++j) {
      for (unsigned i = 0; i < 24; ++i) {
        const double d2 = (i - center) * (i - center) + (j - 12.0) * (j - 12.0) + (k - 12.0) * (k - 12.0);
        const bool inside = d2 < 36.0;
        label->SetPixel({{i, j, k}}, inside ? 1.0f : 0.0f);
        image->SetPixel({{i, j, k}}, (inside ? 200.0f : 100.0f) + noise(generator));
      }
    }
  }
  const std::string id = "case" + std::to_string(index);
  for (const auto& [volume, path] : {std::pair{image, "data/imagesTr/" + id + "_0000.nii.gz"},
                                     std::pair{label, "data/labelsTr/" + id + ".nii.gz"}}) {
    auto writer = itk::ImageFileWriter<Image>::New();
    writer->SetInput(volume);
    writer->SetFileName(folder.file(path));
    writer->Update();
  }
}

}  // namespace

Json writeBallDatasetAndPlans(const skipseg::testing::TemporaryDirectory& folder, int cases) {
  std::filesystem::create_directories(folder.file("data/imagesTr"));
  std::filesystem::create_directories(folder.file("data/labelsTr"));
  std::ofstream(folder.file("data/dataset.json"))
      << R"({"channel_names": {"0": "MR"}, "labels": {"background": 0, "ball": 1}, "numTraining": )" << cases
      << R"(, "file_ending": ".nii.gz"})";
  for (int index = 0; index < cases; ++index) {
    writeCase(folder, index);
  }
  planning::Dataset dataset = planning::readDataset(folder.file("data"));
  planning::checkDataset(dataset);
  planning::PlanOptions planOptions;
  planOptions.foldCount = 3;
  planOptions.baseFeatures = 4;
  planOptions.maxFeatures = 16;
  planOptions.maxPatchEdge = 16;
  const Json plans =
      planning::makePlans(dataset, planning::computeFingerprint(dataset, 1, 1000, silentProgress()), planOptions);
  writeJsonFile(folder.file("plans.json"), plans);
  return plans;
}

}  // namespace skipseg::programs

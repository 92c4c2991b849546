#pragma once
// Internal: the files one case writes. Each is written atomically on its own; together they are
// all-or-nothing: unless keep() is called, the destructor removes every file this case wrote.
#include "skipseg/core/JsonFile.h"
#include "skipseg/core/VoxelBuffer.h"
#include "skipseg/io/ComponentLabels.h"
#include "skipseg/io/ImageTypes.h"

#include <string>
#include <vector>

namespace skipseg::segmentation {

class CaseOutputs {
 public:
  CaseOutputs() = default;
  ~CaseOutputs();
  CaseOutputs(const CaseOutputs&) = delete;
  CaseOutputs& operator=(const CaseOutputs&) = delete;

  void writeLabels(const io::LabelImage& labels, const std::string& path);
  /// `labels`: what each channel is, recorded in the file (or beside a NIfTI file).
  void writeProbabilities(const VoxelBuffer& probabilities, const std::string& path,
                          const std::vector<io::ComponentLabel>& labels);
  void writeJson(const Json& value, const std::string& path);
  /// Files written by someone else for this case (e.g. pictures).
  void adopt(const std::vector<std::string>& files);
  void keep() { kept_ = true; }
  const std::vector<std::string>& files() const { return files_; }

 private:
  std::vector<std::string> files_;
  bool kept_ = false;
};

}  // namespace skipseg::segmentation

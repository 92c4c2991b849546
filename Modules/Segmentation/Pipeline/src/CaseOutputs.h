#pragma once
// Internal: the files one case writes. Each is written atomically on its own; together they are
// all-or-nothing: an OutputTransaction records every file committed on this thread while the case is
// written (the pictures and meshes of the renderer included), and unless keep() is called the
// destructor takes them back (new files removed, replaced files restored).
#include "skipseg/core/JsonFile.h"
#include "skipseg/core/OutputTransaction.h"
#include "skipseg/core/VoxelBuffer.h"
#include "skipseg/io/ComponentLabels.h"
#include "skipseg/io/ImageTypes.h"

#include <string>
#include <vector>

namespace skipseg::segmentation {

class CaseOutputs {
 public:
  void writeLabels(const io::LabelImage& labels, const std::string& path);
  /// `labels`: what each channel is, recorded in the file (or beside a NIfTI file).
  void writeProbabilities(const VoxelBuffer& probabilities, const std::string& path,
                          const std::vector<io::ComponentLabel>& labels);
  void writeJson(const Json& value, const std::string& path);
  /// The last safe point: a signal before this call still rolls the whole case back.
  void keep() { transaction_.commit(); }
  std::vector<std::string> files() const { return transaction_.files(); }

 private:
  OutputTransaction transaction_;
};

}  // namespace skipseg::segmentation

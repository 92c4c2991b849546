#include "skipseg/render/RgbPicture.h"

#include "skipseg/core/AtomicOutput.h"
#include "skipseg/core/Error.h"

#include <vtkImageData.h>
#include <vtkNew.h>
#include <vtkPNGWriter.h>

#include <algorithm>

namespace skipseg::render {

std::array<std::uint8_t, 3> RgbPicture::at(int x, int y) const {
  const std::size_t offset = (static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + x) * 3;
  return {pixels[offset], pixels[offset + 1], pixels[offset + 2]};
}

void writePng(const RgbPicture& picture, const std::string& path) {
  vtkNew<vtkImageData> data;
  data->SetDimensions(picture.width, picture.height, 1);
  data->AllocateScalars(VTK_UNSIGNED_CHAR, 3);
  auto* out = static_cast<std::uint8_t*>(data->GetScalarPointer());
  const std::size_t row = static_cast<std::size_t>(picture.width) * 3;
  for (int y = 0; y < picture.height; ++y) {
    // VTK's rows run bottom-up.
    std::copy_n(picture.pixels.begin() + static_cast<long>(static_cast<std::size_t>(y) * row), row,
                out + static_cast<std::size_t>(picture.height - 1 - y) * row);
  }
  AtomicOutput output(path);
  vtkNew<vtkPNGWriter> writer;
  writer->SetInputData(data);
  writer->SetFileName(output.temporaryPath().c_str());
  writer->Write();
  if (writer->GetErrorCode() != 0) {
    throw outputFailed(path, "cannot write the PNG picture");
  }
  output.commit();
}

}  // namespace skipseg::render

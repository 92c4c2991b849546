#include "DicomOutputs.h"

#include "skipseg/core/Error.h"
#if SKIPSEG_HAVE_SKIPSEGDICOMOBJECTS
#include "skipseg/dicomobjects/DerivedObjects.h"
#endif

#include <filesystem>

namespace skipseg::segmentation {

bool wantsDicomOutputs(const CaseRequest& request) {
  return !request.outputDicomSeg.empty() || !request.outputRtStruct.empty();
}

#if SKIPSEG_HAVE_SKIPSEGDICOMOBJECTS
std::optional<DicomOutputReference> dicomOutputReference(const CaseRequest& request, const ModelGridInput& input) {
  if (!wantsDicomOutputs(request)) {
    return std::nullopt;
  }
  std::optional<dicomobjects::DicomReference> reference;
  if (!request.referenceSeries.empty()) {
    reference = dicomobjects::readDicomReference(request.referenceSeries);
  } else if (input.dicomSource) {
    reference = dicomobjects::DicomReference{*input.dicomSource, input.nativeGeometry};
  } else {
    // skipseg-segment says so earlier, naming its flags; this is what a batch case that is not DICOM gets.
    throw badInput(request.inputs.front(),
                   "not a DICOM series: a DICOM SEG or RTSTRUCT must reference the series the labels lie on");
  }
  dicomobjects::checkReferenceable(*reference);
  // The labels will lie on the scan's grid: it must be the series' own (up to the axis order).
  dicomobjects::labelsOnReferenceGrid(*makeLabelImage(input.nativeGeometry), *reference, request.inputs.front());
  return reference;
}

void writeDicomOutputs(const io::LabelImage& labels, const DicomOutputReference& reference,
                       const ModelDescription& model, const std::vector<std::string>& modelPaths,
                       const CaseRequest& request) {
  const auto placed = dicomobjects::labelsOnReferenceGrid(labels, reference, request.outputLabels);
  dicomobjects::DerivedObjectInfo info;
  info.labels = model.labels;
  for (const auto& path : modelPaths) {
    info.modelName += (info.modelName.empty() ? "" : "+") + std::filesystem::path(path).filename().string();
  }
  if (!request.outputDicomSeg.empty()) {
    dicomobjects::writeDicomSegmentation(*placed, reference, info, request.outputDicomSeg);
  }
  if (!request.outputRtStruct.empty()) {
    dicomobjects::writeRtStructureSet(*placed, reference, info, request.outputRtStruct);
  }
}

#else
std::optional<DicomOutputReference> dicomOutputReference(const CaseRequest& request, const ModelGridInput&) {
  if (wantsDicomOutputs(request)) {
    throw Error(ExitCode::Unsupported,
                "--output-dicom-seg and --output-rtstruct need SkipSeg built with DCMTK; this "
                "build has none (SKIPSEG_WITH_DCMTK=OFF)");
  }
  return std::nullopt;
}

void writeDicomOutputs(const io::LabelImage&, const DicomOutputReference&, const ModelDescription&,
                       const std::vector<std::string>&, const CaseRequest&) {}
#endif

}  // namespace skipseg::segmentation

#include "ConvertDicomOutputs.h"

#include "skipseg/core/Error.h"
#include "skipseg/core/Interrupt.h"
#include "skipseg/core/OutputTransaction.h"
#if SKIPSEG_HAVE_SKIPSEGDICOMOBJECTS
#include "skipseg/dicomobjects/DerivedObjects.h"
#endif
#include "skipseg/evaluation/LabelTable.h"
#include "skipseg/io/ImageReader.h"
#include "skipseg/io/ImageWriter.h"
#include "skipseg/io/Orientation.h"

namespace skipseg::programs {

void addDicomOutputParameters(cli::ProgramDescription& description) {
  const auto add = [&](const std::string& name, const std::string& placeholder, const std::string& help) {
    auto& parameter = description.add(name, cli::ParameterKind::String, help);
    parameter.placeholder = placeholder;
    parameter.group = "DICOM outputs";
    parameter.slicer = false;  // Slicer passes volumes as files: there is no series to reference
  };
  add("output-dicom-seg", "FILE.dcm",
      "Write INPUT, a label map, as a DICOM Segmentation object referencing --reference-series (one segment per "
      "label).");
  add("output-rtstruct", "FILE.dcm",
      "Write INPUT, a label map, as a DICOM RT Structure Set referencing --reference-series (one ROI per label, "
      "planar contours per slice).");
  add("reference-series", "DIR",
      "The DICOM series folder the label map lies on (its own grid, in any axis order); required by the DICOM "
      "outputs.");
  add("label-names", "FILE",
      "Names and colours of the labels for the DICOM outputs (a skipseg.json, an nnU-Net dataset.json, a "
      "TotalSegmentator label JSON or a colour table). Default: the skipseg-segment sidecar beside INPUT.");
}

bool wantsDicomOutputs(const cli::ParsedOptions& options) {
  return options.has("output-dicom-seg") || options.has("output-rtstruct");
}

#if !SKIPSEG_HAVE_SKIPSEGDICOMOBJECTS
int convertToDicomObjects(const cli::ParsedOptions&) {
  throw Error(ExitCode::Unsupported,
              "--output-dicom-seg and --output-rtstruct need SkipSeg built with DCMTK; this "
              "build has none (SKIPSEG_WITH_DCMTK=OFF)");
}
#else
int convertToDicomObjects(const cli::ParsedOptions& options) {
  const std::string input = options.string("input");
  const std::string output = options.stringOr("output", "");
  const std::string seg = options.stringOr("output-dicom-seg", "");
  const std::string rtStruct = options.stringOr("output-rtstruct", "");
  const std::string orientation = options.stringOr("orient", "");
  // Everything that can be refused without reading a series, first.
  if (!seg.empty()) {
    dicomobjects::checkDicomObjectOutput(seg, "--output-dicom-seg");
  }
  if (!rtStruct.empty()) {
    dicomobjects::checkDicomObjectOutput(rtStruct, "--output-rtstruct");
  }
  if (!output.empty()) {
    io::checkImageOutput(output);
  }
  if (!options.has("reference-series")) {
    throw dicomobjects::referenceSeriesNeeded(input);
  }
  dicomobjects::DerivedObjectInfo info;
  info.labels = options.has("label-names") ? evaluation::readLabelTable(options.string("label-names"))
                                           : evaluation::labelTableBeside(input);

  const auto labels = io::readLabelImage(input);
  throwIfInterrupted();
  const auto reference = dicomobjects::readDicomReference(options.string("reference-series"));
  dicomobjects::checkReferenceable(reference);
  const auto placed = dicomobjects::labelsOnReferenceGrid(*labels, reference, input);
  throwIfInterrupted();

  OutputTransaction transaction;  // OUTPUT and the DICOM objects: all of them or none
  if (!output.empty()) {
    io::writeLabelImage(orientation.empty() ? labels : io::reorient(labels.GetPointer(), orientation), output);
  }
  if (!seg.empty()) {
    dicomobjects::writeDicomSegmentation(*placed, reference, info, seg);
  }
  if (!rtStruct.empty()) {
    dicomobjects::writeRtStructureSet(*placed, reference, info, rtStruct);
  }
  transaction.commit();
  return 0;
}
#endif

}  // namespace skipseg::programs

#pragma once
// Internal: a case's DICOM outputs (--output-dicom-seg, --output-rtstruct). The series they reference is
// resolved and checked before the network runs (the DICOM input itself, or --reference-series for a
// scan that is not DICOM), so a refusal costs milliseconds, not an inference.
#include "skipseg/core/ModelDescription.h"
#if SKIPSEG_HAVE_SKIPSEGDICOMOBJECTS
#include "skipseg/dicomobjects/DicomReference.h"
#endif
#include "skipseg/io/ImageTypes.h"
#include "skipseg/segmentation/ModelGridPreprocessing.h"
#include "skipseg/segmentation/SegmentationPipeline.h"

#include <optional>
#include <string>
#include <vector>

namespace skipseg::segmentation {

#if SKIPSEG_HAVE_SKIPSEGDICOMOBJECTS
using DicomOutputReference = dicomobjects::DicomReference;
#else
struct DicomOutputReference {};  // a build without DCMTK refuses the DICOM outputs
#endif

/// True when the request asks for a DICOM SEG or RTSTRUCT.
bool wantsDicomOutputs(const CaseRequest& request);

/// The series the DICOM outputs reference; empty when none is asked. Throws BadInput when the input is not
/// DICOM and no reference series is given, when the labels (the scan's grid) cannot lie on the series, or
/// when the series cannot be referenced; Unsupported in a build without DCMTK.
std::optional<DicomOutputReference> dicomOutputReference(const CaseRequest& request, const ModelGridInput& input);

/// Writes the requested objects of `labels` (under the caller's OutputTransaction).
void writeDicomOutputs(const io::LabelImage& labels, const DicomOutputReference& reference,
                       const ModelDescription& model, const std::vector<std::string>& modelPaths,
                       const CaseRequest& request);

}  // namespace skipseg::segmentation

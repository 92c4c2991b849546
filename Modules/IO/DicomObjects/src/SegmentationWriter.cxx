// DICOM SEG through DCMTK's dcmseg: one binary frame per (segment, source slice holding the label).
#include "DcmtkSupport.h"
#include "SegmentDescriptions.h"

#include "skipseg/core/Error.h"
#include "skipseg/core/Version.h"
#include "skipseg/dicomobjects/DerivedObjects.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmfg/fgderimg.h>
#include <dcmtk/dcmfg/fgfracon.h>
#include <dcmtk/dcmfg/fgpixmsr.h>
#include <dcmtk/dcmfg/fgplanor.h>
#include <dcmtk/dcmfg/fgplanpo.h>
#include <dcmtk/dcmiod/iodmacro.h>
#include <dcmtk/dcmiod/modcommoninstanceref.h>
#include <dcmtk/dcmseg/segdoc.h>
#include <dcmtk/dcmseg/segment.h>
#include <dcmtk/dcmseg/segutils.h>

#include <spdlog/spdlog.h>

#include <memory>

namespace skipseg::dicomobjects {
namespace {

// LO values (algorithm name, descriptions) hold at most 64 characters.
std::string longString(const std::string& text) {
  return text.size() <= 64 ? text : text.substr(0, 64);
}

std::string algorithmName(const DerivedObjectInfo& info) {
  return longString("SkipSeg " + version() + (info.modelName.empty() ? "" : " " + info.modelName));
}

IODGeneralEquipmentModule::EquipmentInfo skipsegEquipment(const DerivedObjectInfo& info) {
  // Manufacturer, model name, serial number, software versions: the program that made the object.
  return IODGeneralEquipmentModule::EquipmentInfo(
      "SkipSeg", longString(info.modelName.empty() ? "SkipSeg" : info.modelName), "0", version());
}

void addSegments(DcmSegmentation& segmentation, const std::vector<SegmentDescription>& segments,
                 const DerivedObjectInfo& info, const std::string& path) {
  for (const auto& description : segments) {
    DcmSegment* segment = nullptr;
    checkDcmtk(
        DcmSegment::create(
            segment, longString(description.name),
            CodeSequenceMacro(description.category.value, description.category.scheme, description.category.meaning),
            CodeSequenceMacro(description.type.value, description.type.scheme, description.type.meaning),
            DcmSegTypes::SAT_AUTOMATIC, algorithmName(info)),
        path, "segment '" + description.name + "'");
    std::unique_ptr<DcmSegment> owned(segment);
    // The label value, so that a reader can map segments back to SkipSeg's labels.
    checkDcmtk(segment->setSegmentDescription(longString("SkipSeg label " + std::to_string(description.label))), path,
               "segment description");
    const auto lab = dicomCieLab(description.rgb);
    checkDcmtk(segment->setRecommendedDisplayCIELabValue(lab[0], lab[1], lab[2]), path, "segment colour");
    Uint16 number = 0;
    checkDcmtk(segmentation.addSegment(owned.get(), number), path, "segment '" + description.name + "'");
    owned.release();  // the segmentation owns it now
  }
}

// Geometry shared by every frame: the series' in-plane axes and spacing.
void addSharedGeometry(DcmSegmentation& segmentation, const ImageGeometry& grid, const std::string& path) {
  const auto& d = grid.direction;  // row-major; columns are the i, j, k axes
  std::unique_ptr<FGPlaneOrientationPatient> orientation(
      FGPlaneOrientationPatient::createMinimal(decimalString(d[0]), decimalString(d[3]), decimalString(d[6]),
                                               decimalString(d[1]), decimalString(d[4]), decimalString(d[7])));
  checkDcmtk(segmentation.addForAllFrames(*orientation), path, "plane orientation");
  FGPixelMeasures measures;
  const double rowColumn[2] = {grid.spacing[1], grid.spacing[0]};  // PixelSpacing is row spacing \ column spacing
  checkDcmtk(measures.setPixelSpacing(decimalStrings(rowColumn, 2)), path, "pixel spacing");
  checkDcmtk(measures.setSliceThickness(decimalString(grid.spacing[2])), path, "slice thickness");
  checkDcmtk(measures.setSpacingBetweenSlices(decimalString(grid.spacing[2])), path, "spacing between slices");
  checkDcmtk(segmentation.addForAllFrames(measures), path, "pixel measures");
}

void addDimensions(DcmSegmentation& segmentation, const std::string& path) {
  const std::string organisation = newUid();
  auto& dimensions = segmentation.getDimensions();
  checkDcmtk(dimensions.addDimensionIndex(DCM_ReferencedSegmentNumber, organisation, DCM_SegmentIdentificationSequence,
                                          "ReferencedSegmentNumber"),
             path, "dimension index");
  checkDcmtk(dimensions.addDimensionIndex(DCM_ImagePositionPatient, organisation, DCM_PlanePositionSequence,
                                          "ImagePositionPatient"),
             path, "dimension index");
}

// The frames of one segment: slices that hold its label, each deriving from that slice's source instance.
void addFrames(DcmSegmentation& segmentation, const LabelImage& labels, const DicomReference& reference,
               const std::vector<std::vector<LabelValue>>& slicesLabels, const SegmentDescription& segment,
               Uint16 segmentNumber, const std::string& path) {
  const auto size = labels.GetLargestPossibleRegion().GetSize();
  const std::size_t columns = size[0], rows = size[1];
  const LabelValue* voxels = labels.GetBufferPointer();
  std::vector<Uint8> frame(rows * columns);
  for (const auto& instance : reference.identity.instances) {
    const std::size_t k = *instance.sliceIndex;
    const auto& present = slicesLabels[k];
    if (!std::binary_search(present.begin(), present.end(), segment.label)) {
      continue;  // empty frames are left out: a reader fills missing frames with 0
    }
    for (std::size_t index = 0; index < rows * columns; ++index) {
      frame[index] = voxels[k * rows * columns + index] == segment.label ? 1 : 0;
    }
    itk::ContinuousIndex<double, 3> first;
    first[0] = 0;
    first[1] = 0;
    first[2] = static_cast<double>(k);
    itk::Point<double, 3> position;
    labels.TransformContinuousIndexToPhysicalPoint(first, position);
    std::unique_ptr<FGPlanePosPatient> plane(FGPlanePosPatient::createMinimal(
        decimalString(position[0]), decimalString(position[1]), decimalString(position[2])));
    FGFrameContent content;
    checkDcmtk(content.setDimensionIndexValues(segmentNumber, 0), path, "frame content");
    checkDcmtk(content.setDimensionIndexValues(static_cast<Uint32>(k + 1), 1), path, "frame content");
    ImageSOPInstanceReferenceMacro source;
    checkDcmtk(source.setReferencedSOPClassUID(instance.sopClassUid), path, "source instance " + instance.file);
    checkDcmtk(source.setReferencedSOPInstanceUID(instance.sopInstanceUid), path, "source instance " + instance.file);
    OFVector<ImageSOPInstanceReferenceMacro> sources(1, source);
    std::unique_ptr<FGDerivationImage> derivation(FGDerivationImage::createMinimal(
        sources, "Segmentation by SkipSeg", CodeSequenceMacro("113076", "DCM", "Segmentation"),
        CodeSequenceMacro("121322", "DCM", "Source image for image processing operation")));
    if (!derivation) {
      throw outputFailed(path, "cannot reference source instance " + instance.file);
    }
    OFVector<FGBase*> perFrame;
    perFrame.push_back(plane.get());
    perFrame.push_back(&content);
    perFrame.push_back(derivation.get());
    checkDcmtk(segmentation.addFrame(frame.data(), segmentNumber, perFrame), path,
               "frame of '" + segment.name + "' on slice " + std::to_string(k));
  }
}

void addSeriesReference(DcmSegmentation& segmentation, const io::DicomSourceIdentity& identity) {
  auto* series = new IODSeriesAndInstanceReferenceMacro::ReferencedSeriesItem;
  series->setSeriesInstanceUID(identity.seriesInstanceUid);
  for (const auto& instance : identity.instances) {
    auto* reference = new SOPInstanceReferenceMacro;
    reference->setReferencedSOPClassUID(instance.sopClassUid);
    reference->setReferencedSOPInstanceUID(instance.sopInstanceUid);
    series->getReferencedInstanceItems().push_back(reference);
  }
  segmentation.getCommonInstanceReference().getReferencedSeriesItems().push_back(series);  // owned by the module
}

}  // namespace

void writeDicomSegmentation(const LabelImage& labels, const DicomReference& reference, const DerivedObjectInfo& info,
                            const std::string& path) {
  quietDcmtkWarnings();
  checkReferenceable(reference);
  if (!geometryOf(labels).sameGrid(reference.grid, 1e-3)) {
    throw internalError("writeDicomSegmentation: labels not on the series' grid (call labelsOnReferenceGrid)");
  }
  const auto segments = describeSegments(labels, info.labels);
  if (segments.empty()) {
    throw unsupported(path, "the label map has no labelled voxel: a DICOM SEG needs at least one segment");
  }
  const auto size = labels.GetLargestPossibleRegion().GetSize();
  if (size[0] > 65535 || size[1] > 65535) {
    throw unsupported(path, "slices larger than 65535 pixels cannot be a DICOM frame");
  }
  ContentIdentificationMacro content("1", "SKIPSEG", longString("Segmentation by " + algorithmName(info)), "SkipSeg^");
  DcmSegmentation* created = nullptr;
  checkDcmtk(DcmSegmentation::createBinarySegmentation(created, static_cast<Uint16>(size[1]),
                                                       static_cast<Uint16>(size[0]), skipsegEquipment(info), content),
             path, "new segmentation");
  std::unique_ptr<DcmSegmentation> segmentation(created);

  // Patient, study and frame of reference from the first source instance.
  const auto source = loadSourceInstance(reference.identity.instances.front().file);
  checkDcmtk(segmentation->importFromSourceImage(*source->getDataset()), path,
             "patient and study of " + reference.identity.instances.front().file);
  segmentation->getFrameOfReference().setPositionReferenceIndicator(positionReferenceIndicator(*source));
  segmentation->getSeries().setSeriesInstanceUID(newUid());
  segmentation->getSeries().setSeriesNumber("990");
  segmentation->getSeries().setSeriesDescription(
      longString(info.seriesDescription.empty() ? "SkipSeg segmentation" : info.seriesDescription));
  segmentation->getSeries().setSeriesDate(dicomDate());
  segmentation->getSeries().setSeriesTime(dicomTime());
  segmentation->getSOPCommon().setSOPInstanceUID(newUid());
  addSeriesReference(*segmentation, reference.identity);

  addSegments(*segmentation, segments, info, path);
  addSharedGeometry(*segmentation, reference.grid, path);
  addDimensions(*segmentation, path);
  const auto slicesLabels = labelsPerSlice(labels);
  for (std::size_t index = 0; index < segments.size(); ++index) {
    addFrames(*segmentation, labels, reference, slicesLabels, segments[index], static_cast<Uint16>(index + 1), path);
  }
  saveAtomically(path, [&](const std::string& temporary) { return segmentation->saveFile(temporary.c_str()); });
  spdlog::info("Wrote DICOM SEG {} ({} segments, {} frames, referencing series {})", path, segments.size(),
               segmentation->getNumberOfFrames(), reference.identity.seriesInstanceUid);
}

}  // namespace skipseg::dicomobjects

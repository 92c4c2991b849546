// RT Structure Set through DCMTK's dcmrt: one ROI per label, closed planar contours per slice.
#include "DcmtkSupport.h"
#include "SegmentDescriptions.h"
#include "SliceContours.h"

#include "skipseg/core/Error.h"
#include "skipseg/core/Interrupt.h"
#include "skipseg/core/Version.h"
#include "skipseg/dicomobjects/DerivedObjects.h"

#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmrt/drtstrct.h>

#include <spdlog/spdlog.h>

namespace skipseg::dicomobjects {
namespace {

// The study's reference in an RT Referenced Study Sequence names the (retired) Detached Study
// Management SOP class: what the standard's RT objects and every planning system expect there.
const char* const detachedStudyManagement = "1.2.840.10008.3.1.2.3.1";

void referenceSeries(DRTStructureSetIOD& structureSet, const io::DicomSourceIdentity& identity,
                     const std::string& path) {
  DRTReferencedFrameOfReferenceSequence::Item* frame = nullptr;
  checkDcmtk(structureSet.getReferencedFrameOfReferenceSequence().addItem(frame), path, "frame of reference");
  frame->setFrameOfReferenceUID(identity.frameOfReferenceUid.c_str());
  DRTRTReferencedStudySequence::Item* study = nullptr;
  checkDcmtk(frame->getRTReferencedStudySequence().addItem(study), path, "referenced study");
  study->setReferencedSOPClassUID(detachedStudyManagement);
  study->setReferencedSOPInstanceUID(identity.studyInstanceUid.c_str());
  DRTRTReferencedSeriesSequence::Item* series = nullptr;
  checkDcmtk(study->getRTReferencedSeriesSequence().addItem(series), path, "referenced series");
  series->setSeriesInstanceUID(identity.seriesInstanceUid.c_str());
  for (const auto& instance : identity.instances) {
    DRTContourImageSequence::Item* image = nullptr;
    checkDcmtk(series->getContourImageSequence().addItem(image), path, "referenced instance");
    image->setReferencedSOPClassUID(instance.sopClassUid.c_str());
    image->setReferencedSOPInstanceUID(instance.sopInstanceUid.c_str());
  }
}

std::string colourText(const std::array<std::uint8_t, 3>& rgb) {
  return std::to_string(rgb[0]) + "\\" + std::to_string(rgb[1]) + "\\" + std::to_string(rgb[2]);
}

// One ROI: its definition, its contours slice by slice, and its observation (an organ, made automatically).
std::size_t addRoi(DRTStructureSetIOD& structureSet, const LabelImage& labels, const DicomReference& reference,
                   const std::vector<std::vector<LabelValue>>& slicesLabels, const SegmentDescription& segment,
                   int number, const std::string& algorithm, const std::string& path) {
  const std::string roiNumber = std::to_string(number);
  DRTStructureSetROISequence::Item* roi = nullptr;
  checkDcmtk(structureSet.getStructureSetROISequence().addItem(roi), path, "ROI " + segment.name);
  roi->setROINumber(roiNumber.c_str());
  roi->setReferencedFrameOfReferenceUID(reference.identity.frameOfReferenceUid.c_str());
  roi->setROIName(segment.name.substr(0, 64).c_str());
  roi->setROIDescription(("SkipSeg label " + std::to_string(segment.label)).c_str());
  roi->setROIGenerationAlgorithm("AUTOMATIC");
  roi->setROIGenerationDescription(algorithm.substr(0, 64).c_str());

  DRTROIContourSequence::Item* roiContours = nullptr;
  checkDcmtk(structureSet.getROIContourSequence().addItem(roiContours), path, "contours of " + segment.name);
  roiContours->setReferencedROINumber(roiNumber.c_str());
  roiContours->setROIDisplayColor(colourText(segment.rgb).c_str());
  std::size_t contourCount = 0;
  for (const auto& instance : reference.identity.instances) {
    const auto& present = slicesLabels[*instance.sliceIndex];
    if (!std::binary_search(present.begin(), present.end(), segment.label)) {
      continue;
    }
    for (const Contour& contour : sliceContours(labels, segment.label, *instance.sliceIndex)) {
      DRTContourSequence::Item* item = nullptr;
      checkDcmtk(roiContours->getContourSequence().addItem(item), path, "contour of " + segment.name);
      DRTContourImageSequence::Item* image = nullptr;
      checkDcmtk(item->getContourImageSequence().addItem(image), path, "contour image");
      image->setReferencedSOPClassUID(instance.sopClassUid.c_str());
      image->setReferencedSOPInstanceUID(instance.sopInstanceUid.c_str());
      item->setContourNumber(std::to_string(++contourCount).c_str());
      item->setContourGeometricType("CLOSED_PLANAR");
      item->setNumberOfContourPoints(std::to_string(contour.size()).c_str());
      std::string data;
      for (const auto& point : contour) {
        data += (data.empty() ? "" : "\\") + decimalStrings(point.data(), 3);
      }
      checkDcmtk(item->setContourData(data.c_str(), OFFalse), path, "contour data");
    }
    throwIfInterrupted();  // contours of a large structure take a while
  }
  DRTRTROIObservationsSequence::Item* observation = nullptr;
  checkDcmtk(structureSet.getRTROIObservationsSequence().addItem(observation), path, "observation");
  observation->setObservationNumber(roiNumber.c_str());
  observation->setReferencedROINumber(roiNumber.c_str());
  observation->setRTROIInterpretedType("ORGAN");
  observation->setROIInterpreter("");
  return contourCount;
}

}  // namespace

void writeRtStructureSet(const LabelImage& labels, const DicomReference& reference, const DerivedObjectInfo& info,
                         const std::string& path) {
  quietDcmtkWarnings();
  checkReferenceable(reference);
  if (!geometryOf(labels).sameGrid(reference.grid, 1e-3)) {
    throw internalError("writeRtStructureSet: labels not on the series' grid (call labelsOnReferenceGrid)");
  }
  const std::string firstFile = reference.identity.instances.front().file;
  const auto source = loadSourceInstance(firstFile);
  DRTStructureSetIOD structureSet;
  checkDcmtk(structureSet.readPatientData(*source->getDataset()), path, "patient of " + firstFile);
  checkDcmtk(structureSet.readStudyData(*source->getDataset()), path, "study of " + firstFile);
  const std::string algorithm = "SkipSeg " + version() + (info.modelName.empty() ? "" : " " + info.modelName);
  const std::string date = dicomDate(), time = dicomTime();
  structureSet.setSOPClassUID(UID_RTStructureSetStorage);
  structureSet.setSOPInstanceUID(newUid().c_str());
  structureSet.setSeriesInstanceUID(newUid().c_str());
  structureSet.setSeriesNumber("991");
  structureSet.setModality("RTSTRUCT");
  structureSet.setSeriesDescription(
      (info.seriesDescription.empty() ? "SkipSeg structures" : info.seriesDescription).substr(0, 64).c_str());
  structureSet.setInstanceNumber("1");
  structureSet.setInstanceCreationDate(date.c_str());
  structureSet.setInstanceCreationTime(time.c_str());
  structureSet.setManufacturer("SkipSeg");
  structureSet.setManufacturerModelName((info.modelName.empty() ? "SkipSeg" : info.modelName).substr(0, 64).c_str());
  structureSet.setSoftwareVersions(version().c_str());
  structureSet.setStructureSetLabel("SKIPSEG");
  structureSet.setStructureSetName(algorithm.substr(0, 64).c_str());
  structureSet.setStructureSetDate(date.c_str());
  structureSet.setStructureSetTime(time.c_str());
  structureSet.setOperatorsName("");
  structureSet.setFrameOfReferenceUID(reference.identity.frameOfReferenceUid.c_str());
  structureSet.setPositionReferenceIndicator(positionReferenceIndicator(*source).c_str());
  referenceSeries(structureSet, reference.identity, path);

  const auto segments = describeSegments(labels, info.labels);
  const auto slicesLabels = labelsPerSlice(labels);
  std::size_t contours = 0;
  for (std::size_t index = 0; index < segments.size(); ++index) {
    contours += addRoi(structureSet, labels, reference, slicesLabels, segments[index], static_cast<int>(index + 1),
                       algorithm, path);
  }
  DcmFileFormat file;
  checkDcmtk(structureSet.write(*file.getDataset()), path, "RT Structure Set");
  // Implicit VR: a long contour's ContourData can pass the 64 KiB that explicit VR allows a DS value.
  saveAtomically(
      path, [&](const std::string& temporary) { return file.saveFile(temporary.c_str(), EXS_LittleEndianImplicit); });
  spdlog::info("Wrote RTSTRUCT {} ({} ROIs, {} contours, referencing series {})", path, segments.size(), contours,
               reference.identity.seriesInstanceUid);
}

}  // namespace skipseg::dicomobjects

#pragma once
// What each component of a multi-component image stands for: for per-class probabilities, the label
// (name and value) of each component, so that the file explains itself without the model.
//
// NRRD (.nrrd, .nhdr) and MetaImage (.mha, .mhd) carry them in the header as key/value pairs
// (Component0_Name:=background, Component0_LabelValue:=0, ...; the style of 3D Slicer's .seg.nrrd).
// NIfTI has no room for them (intent_name holds 16 characters for the whole file), so a NIfTI file
// gets a JSON file beside it: probs.nii.gz -> probs.components.json (format skipseg-components/1).
#include <itkMetaDataDictionary.h>

#include <string>
#include <vector>

namespace skipseg::io {

struct ComponentLabel {
  std::string name;
  int value = 0;  ///< the label value the component belongs to
};

/// "<folder>/<name without .nii/.nii.gz>.components.json" for a NIfTI path; "" for formats whose
/// header holds the names.
std::string componentLabelsSidecarPath(const std::string& imagePath);

/// Puts the key/value pairs of `components` into `dictionary` (written by the NRRD and MetaImage writers).
void putComponentLabels(const std::vector<ComponentLabel>& components, itk::MetaDataDictionary& dictionary);

/// Writes the JSON beside a NIfTI file (atomically); does nothing for other formats.
void writeComponentLabelsSidecar(const std::vector<ComponentLabel>& components, const std::string& imagePath);

/// The components' labels from the header's key/value pairs or the NIfTI sidecar; empty when the file
/// has none (an image SkipSeg did not write).
std::vector<ComponentLabel> readComponentLabels(const std::string& imagePath,
                                                const itk::MetaDataDictionary& dictionary);

}  // namespace skipseg::io

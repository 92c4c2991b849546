#pragma once
// Internal: ITK 5.2's NIfTI and MetaImage readers return whatever bytes a truncated file holds
// without an error. These checks compare a file's length with what its header promises.
#include <itkImageIOBase.h>

#include <string>

namespace skipseg::io::detail {

/// Throws BadInput ("is truncated: ...") when a NIfTI (.nii or .nii.gz) file ends before its voxels do.
void checkNiftiComplete(const std::string& path);

/// Throws BadInput when a MetaImage (.mha, or .mhd with its data file) holds fewer bytes than it promises.
void checkMetaImageComplete(const std::string& path, const itk::ImageIOBase* imageIO);

}  // namespace skipseg::io::detail

#pragma once
// Running a program exactly as 3D Slicer runs a CLI module: read its `--xml` module description, then
// build the command line Slicer would: every parameter with a flag as "--longflag value" (booleans as a
// bare flag when true, left out when false; vectors comma-joined; defaults passed like given values),
// then the indexed parameters (images, files) in index order. Images travel as temporary files that
// Slicer names itself, with the first of the parameter's fileExtensions (.nrrd when none).
#include <map>
#include <string>
#include <vector>

namespace skipseg::testing {

/// One parameter of a SlicerExecutionModel module description.
struct SlicerParameter {
  std::string element;  ///< "image", "file", "integer", "boolean", "double-vector", ...
  std::string name;
  std::string flag;      ///< "-x" or empty
  std::string longflag;  ///< "--name" or empty (as written in the XML, dashes added when missing)
  int index = -1;        ///< >= 0 for positional parameters
  std::string channel;   ///< "input", "output" or empty
  std::string type;      ///< image type attribute: "scalar", "label", ...
  std::string defaultValue;
  std::vector<std::string> fileExtensions;
};

/// Parses the <parameters> of a module description. Throws std::runtime_error on XML it cannot read.
std::vector<SlicerParameter> parseSlicerModuleXml(const std::string& xml);

struct SlicerCommandLine {
  std::vector<std::string> arguments;        ///< without the program name
  std::map<std::string, std::string> files;  ///< image/file parameter name -> the temporary path passed
};

/// Builds Slicer's command line. `values` hold what the user set in Slicer's panel, by parameter name
/// ("true"/"false" for booleans, vectors as "1,2,3" or as several items); parameters not in `values` take
/// their default. Image and file parameters get a path in `temporaryFolder` ("<name><extension>"), which the
/// caller fills (inputs) or reads (outputs); an image/file value in `values` is used as the path instead.
SlicerCommandLine slicerCommandLine(const std::vector<SlicerParameter>& parameters,
                                    const std::map<std::string, std::vector<std::string>>& values,
                                    const std::string& temporaryFolder);

/// Runs `program --xml` (with runProgram) and parses the answer; throws std::runtime_error when it fails.
std::vector<SlicerParameter> slicerParametersOf(const std::string& program);

}  // namespace skipseg::testing

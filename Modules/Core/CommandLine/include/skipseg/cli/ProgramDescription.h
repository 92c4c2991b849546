#pragma once
// A program's options, described once. The same table produces the parser, `--help` and the
// module description 3D Slicer asks for with `--xml` (SlicerExecutionModel's schema), so the three
// never disagree.
#include <string>
#include <vector>

namespace skipseg::cli {

/// What a parameter holds; decides its parsing and its Slicer element.
enum class ParameterKind {
  String,           ///< <string>
  Integer,          ///< <integer>
  Float,            ///< <double>
  Flag,             ///< <boolean>: present or absent, no value
  Enumeration,      ///< <string-enumeration>: one of `choices`
  StringList,       ///< <string-vector>: comma-separated, or the option repeated
  FloatList,        ///< <double-vector>: comma-separated
  InputImage,       ///< <image type="scalar"> channel input
  InputLabelMap,    ///< <image type="label"> channel input
  OutputLabelMap,   ///< <image type="label"> channel output
  OutputImage,      ///< <image type="scalar"> channel output
  InputFile,        ///< <file> channel input
  OutputFile,       ///< <file> channel output
  InputDirectory,   ///< <directory> channel input
  OutputDirectory,  ///< <directory> channel output
};

struct Parameter {
  std::string name;  ///< long flag without dashes ("input"); also the Slicer element name
  ParameterKind kind = ParameterKind::String;
  std::string label;         ///< short human title (Slicer shows it); defaults to the name made readable
  std::string help;          ///< one or two sentences: what it does, units, default
  std::string placeholder;   ///< what the value is in --help ("UID", "K/N"); defaults by kind (FILE, DIR, N)
  std::string defaultValue;  ///< as text; empty for none
  bool required = false;
  /// Required except with this other option (e.g. "--merge"): marked in --help, checked by the program.
  std::string requiredUnless;
  int positionalIndex = -1;                 ///< >= 0: may be given without its flag, at this position (Slicer <index>)
  std::vector<std::string> choices;         ///< Enumeration only
  std::vector<std::string> fileExtensions;  ///< images/files: e.g. {".nrrd", ".nii.gz"}; Slicer uses the first
  std::string group = "Parameters";         ///< Slicer <parameters> group label
  bool advanced = false;                    ///< Slicer collapses advanced groups
  bool slicer = true;                       ///< false: command line only (not offered in Slicer)
};

struct ProgramDescription {
  std::string name;   ///< "skipseg-segment"
  std::string title;  ///< "SkipSeg Segment"
  std::string category = "Segmentation.SkipSeg";
  std::string description;  ///< a paragraph for --help and Slicer
  std::string contributor = "The SkipSeg developers";
  std::string acknowledgements;
  std::string documentationUrl;
  bool slicerModule = false;  ///< true: `--xml` answers with a Slicer module description
  std::vector<Parameter> parameters;

  /// Appends a parameter and returns it for further settings.
  Parameter& add(const std::string& name, ParameterKind kind, const std::string& help);
  const Parameter* find(const std::string& name) const;
};

/// The label Slicer shows: `label`, else the name made readable ("tile-batch" -> "Tile batch").
std::string displayLabel(const Parameter& parameter);

/// The value's name in --help: `placeholder`, else one from the kind (FILE, DIR, N, X, a|b|c).
std::string placeholderOf(const Parameter& parameter);

}  // namespace skipseg::cli

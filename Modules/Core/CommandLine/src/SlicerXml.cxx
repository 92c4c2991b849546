#include "skipseg/cli/HelpText.h"
#include "skipseg/core/Error.h"

#include <sstream>
#include <vector>

// Writes SlicerExecutionModel's module description. The schema Slicer validates against
// (ModuleDescription.xsd) fixes some choices made here:
// - <image> and <file> take exactly name, label, description, channel and index (no longflag), so
//   those parameters must be positional (Parameter::positionalIndex);
// - an enumeration may list only one <element>, so enumerations are offered as <string> whose
//   description names the choices; the parser still checks them;
// - <directory> has no channel.
namespace skipseg::cli {
namespace {

std::string escape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

bool isIndexed(ParameterKind kind) {
  switch (kind) {
    case ParameterKind::InputImage:
    case ParameterKind::InputLabelMap:
    case ParameterKind::OutputImage:
    case ParameterKind::OutputLabelMap:
    case ParameterKind::InputFile:
    case ParameterKind::OutputFile: return true;
    default: return false;
  }
}

std::string joinExtensions(const std::vector<std::string>& extensions) {
  std::string joined;
  for (const auto& extension : extensions) {
    joined += (joined.empty() ? "" : ",") + extension;
  }
  return joined;
}

void writeParameter(std::ostringstream& xml, const Parameter& parameter) {
  const std::string label = displayLabel(parameter);
  std::string description = parameter.help;
  if (isIndexed(parameter.kind)) {
    if (parameter.positionalIndex < 0) {
      throw internalError("parameter --" + parameter.name +
                          " is an image or file and needs a positional index for Slicer");
    }
    const bool input = parameter.kind == ParameterKind::InputImage || parameter.kind == ParameterKind::InputLabelMap ||
                       parameter.kind == ParameterKind::InputFile;
    const bool image = parameter.kind != ParameterKind::InputFile && parameter.kind != ParameterKind::OutputFile;
    xml << "    <" << (image ? "image" : "file");
    if (image) {
      const bool labelMap =
          parameter.kind == ParameterKind::OutputLabelMap || parameter.kind == ParameterKind::InputLabelMap;
      xml << " type=\"" << (labelMap ? "label" : "scalar") << "\"";
    }
    if (!parameter.fileExtensions.empty()) {
      xml << " fileExtensions=\"" << escape(joinExtensions(parameter.fileExtensions)) << "\"";
    }
    xml << ">\n"
        << "      <name>" << escape(parameter.name) << "</name>\n"
        << "      <label>" << escape(label) << "</label>\n"
        << "      <description>" << escape(description) << "</description>\n"
        << "      <channel>" << (input ? "input" : "output") << "</channel>\n"
        << "      <index>" << parameter.positionalIndex << "</index>\n"
        << "    </" << (image ? "image" : "file") << ">\n";
    return;
  }
  std::string element;
  switch (parameter.kind) {
    case ParameterKind::Integer: element = "integer"; break;
    case ParameterKind::Float: element = "double"; break;
    case ParameterKind::Flag: element = "boolean"; break;
    case ParameterKind::FloatList: element = "double-vector"; break;
    case ParameterKind::StringList: element = "string-vector"; break;
    case ParameterKind::InputDirectory:
    case ParameterKind::OutputDirectory: element = "directory"; break;
    default: element = "string"; break;
  }
  if (parameter.kind == ParameterKind::Enumeration) {
    std::string choices;
    for (const auto& choice : parameter.choices) {
      choices += (choices.empty() ? "" : ", ") + choice;
    }
    description += " One of: " + choices + ".";
  }
  xml << "    <" << element << ">\n"
      << "      <name>" << escape(parameter.name) << "</name>\n"
      << "      <longflag>--" << escape(parameter.name) << "</longflag>\n"
      << "      <label>" << escape(label) << "</label>\n"
      << "      <description>" << escape(description) << "</description>\n";
  if (parameter.kind == ParameterKind::Flag) {
    xml << "      <default>false</default>\n";
  } else if (!parameter.defaultValue.empty()) {
    xml << "      <default>" << escape(parameter.defaultValue) << "</default>\n";
  }
  xml << "    </" << element << ">\n";
}

}  // namespace

std::string slicerXml(const ProgramDescription& description, const std::string& version) {
  std::ostringstream xml;
  xml << "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
      << "<executable>\n"
      << "  <category>" << escape(description.category) << "</category>\n"
      << "  <title>" << escape(description.title) << "</title>\n"
      << "  <description>" << escape(description.description) << "</description>\n"
      << "  <version>" << escape(version) << "</version>\n"
      << "  <documentation-url>" << escape(description.documentationUrl) << "</documentation-url>\n"
      << "  <license>Apache-2.0</license>\n"
      << "  <contributor>" << escape(description.contributor) << "</contributor>\n";
  std::vector<std::string> groups;
  for (const auto& parameter : description.parameters) {
    if (!parameter.slicer) {
      continue;
    }
    bool known = false;
    for (const auto& group : groups) {
      known = known || group == parameter.group;
    }
    if (!known) {
      groups.push_back(parameter.group);
    }
  }
  for (const auto& group : groups) {
    // Slicer understands advanced="true", but the schema it validates against has no such attribute.
    xml << "  <parameters>\n"
        << "    <label>" << escape(group) << "</label>\n"
        << "    <description>" << escape(group) << "</description>\n";
    for (const auto& parameter : description.parameters) {
      if (parameter.slicer && parameter.group == group) {
        writeParameter(xml, parameter);
      }
    }
    xml << "  </parameters>\n";
  }
  xml << "</executable>\n";
  return xml.str();
}

}  // namespace skipseg::cli

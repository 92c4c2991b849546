#include "skipseg/testing/SlicerSchema.h"

#include "skipseg/testing/TemporaryDirectory.h"

#include <cstdlib>
#include <fstream>
#include <iterator>

namespace skipseg::testing {
namespace {

std::string readText(const std::string& path) {
  std::ifstream file(path);
  return std::string((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
}

}  // namespace

SlicerSchemaCheck checkAgainstSlicerSchema(const std::string& xml) {
  SlicerSchemaCheck check;
  const std::string schema = fixturePath("slicer/ModuleDescription.xsd");
  if (schema.empty()) {
    check.report = "fixture missing: slicer/ModuleDescription.xsd";
    return check;
  }
  if (std::system("command -v xmllint > /dev/null 2>&1") != 0) {
    check.report = "xmllint (libxml2-utils) is not installed";
    return check;
  }
  TemporaryDirectory folder;
  // Slicer's schema declares enumerationType's "hidden" attribute after its complexContent, which
  // libxml2 refuses to compile; Slicer itself never compiles the schema. Validate against a copy with
  // that one declaration removed: every other rule stays as Slicer wrote it.
  std::string repaired = readText(schema);
  const std::string misplaced =
      "      </xsd:complexContent>\n      <xsd:attribute name=\"hidden\" type=\"xsd:boolean\"/>\n";
  const auto at = repaired.find(misplaced);
  if (at == std::string::npos) {
    check.checked = true;
    check.report = "the schema changed; revisit the repair in SlicerSchema.cxx";
    return check;
  }
  repaired.replace(at, misplaced.size(), "      </xsd:complexContent>\n");
  std::ofstream(folder.file("schema.xsd")) << repaired;
  std::ofstream(folder.file("module.xml")) << xml;
  const std::string command = "xmllint --noout --schema '" + folder.file("schema.xsd") + "' '" +
                              folder.file("module.xml") + "' 2>'" + folder.file("errors.txt") + "'";
  check.checked = true;
  check.valid = std::system(command.c_str()) == 0;
  check.report = readText(folder.file("errors.txt"));
  return check;
}

}  // namespace skipseg::testing

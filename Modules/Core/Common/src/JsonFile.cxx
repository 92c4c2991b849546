#include "skipseg/core/JsonFile.h"

#include "skipseg/core/AtomicOutput.h"
#include "skipseg/core/Error.h"

#include <fstream>
#include <sstream>

namespace skipseg {

Json readJsonFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    throw badInput(path, "cannot read");
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  try {
    return Json::parse(buffer.str());
  } catch (const Json::parse_error& error) {
    throw badInput(path, std::string("not valid JSON: ") + error.what());
  }
}

void writeJsonFile(const std::string& path, const Json& value) {
  writeFileAtomically(path, value.dump(2) + "\n");
}

void writeJsonFile(const std::string& path, const OrderedJson& value) {
  writeFileAtomically(path, value.dump(2) + "\n");
}

}  // namespace skipseg

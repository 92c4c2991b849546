#pragma once
// JSON through nlohmann::json (a well-kept header-only library; hand-written JSON is a source of
// escaping bugs). Reading errors name the file and the position.
#include "skipseg/core/Error.h"

#include <nlohmann/json.hpp>

#include <string>

namespace skipseg {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

/// Parses a JSON file; throws BadInput ("PATH: not valid JSON: ...") or ("PATH: cannot read").
Json readJsonFile(const std::string& path);
/// Writes pretty-printed JSON atomically.
void writeJsonFile(const std::string& path, const Json& value);
void writeJsonFile(const std::string& path, const OrderedJson& value);

/// Reads `key` of `object` as T, or throws BadInput naming `source` and the key.
template <typename T>
T requireJsonValue(const Json& object, const std::string& key, const std::string& source) {
  if (!object.is_object() || !object.contains(key)) {
    throw badInput(source, "missing key \"" + key + "\"");
  }
  try {
    return object.at(key).get<T>();
  } catch (const nlohmann::json::exception&) {
    throw badInput(source, "key \"" + key + "\" has the wrong type");
  }
}

}  // namespace skipseg

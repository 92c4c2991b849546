#include "skipseg/testing/SlicerInvocation.h"

#include "skipseg/testing/RunProgram.h"

#include <algorithm>
#include <stdexcept>

namespace skipseg::testing {
namespace {

// The parameter elements of ModuleDescription.xsd.
const std::vector<std::string>& parameterElements() {
  static const std::vector<std::string> elements = {"integer",
                                                    "float",
                                                    "double",
                                                    "boolean",
                                                    "string",
                                                    "integer-vector",
                                                    "float-vector",
                                                    "double-vector",
                                                    "string-vector",
                                                    "integer-enumeration",
                                                    "float-enumeration",
                                                    "double-enumeration",
                                                    "string-enumeration",
                                                    "point",
                                                    "pointfile",
                                                    "region",
                                                    "file",
                                                    "directory",
                                                    "image",
                                                    "geometry",
                                                    "transform",
                                                    "table",
                                                    "measurement"};
  return elements;
}

std::string decode(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '&') {
      out += text[i];
      continue;
    }
    const auto end = text.find(';', i);
    const std::string entity = end == std::string::npos ? "" : text.substr(i + 1, end - i - 1);
    const char* replacement = entity == "amp"    ? "&"
                              : entity == "lt"   ? "<"
                              : entity == "gt"   ? ">"
                              : entity == "quot" ? "\""
                              : entity == "apos" ? "'"
                                                 : nullptr;
    if (replacement == nullptr) {
      throw std::runtime_error("unknown XML entity &" + entity + ";");
    }
    out += replacement;
    i = end;
  }
  return out;
}

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) {
    return "";
  }
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

// The text of <tag>...</tag> directly inside `body`, or empty.
std::string childText(const std::string& body, const std::string& tag) {
  const auto open = body.find("<" + tag + ">");
  if (open == std::string::npos) {
    return "";
  }
  const auto begin = open + tag.size() + 2;
  const auto close = body.find("</" + tag + ">", begin);
  if (close == std::string::npos) {
    throw std::runtime_error("<" + tag + "> is not closed");
  }
  return decode(trim(body.substr(begin, close - begin)));
}

std::string attribute(const std::string& openTag, const std::string& name) {
  const auto position = openTag.find(" " + name + "=\"");
  if (position == std::string::npos) {
    return "";
  }
  const auto begin = position + name.size() + 3;
  return decode(openTag.substr(begin, openTag.find('"', begin) - begin));
}

std::vector<std::string> splitCommas(const std::string& text) {
  std::vector<std::string> items;
  std::string item;
  for (const char c : text + ",") {
    if (c == ',') {
      if (!trim(item).empty()) {
        items.push_back(trim(item));
      }
      item.clear();
    } else {
      item += c;
    }
  }
  return items;
}

std::string joinCommas(const std::vector<std::string>& items) {
  std::string joined;
  for (const auto& item : items) {
    joined += (joined.empty() ? "" : ",") + item;
  }
  return joined;
}

}  // namespace

std::vector<SlicerParameter> parseSlicerModuleXml(const std::string& xml) {
  std::vector<SlicerParameter> parameters;
  std::size_t cursor = 0;
  while (true) {
    const auto groupOpen = xml.find("<parameters", cursor);
    if (groupOpen == std::string::npos) {
      break;
    }
    const auto groupClose = xml.find("</parameters>", groupOpen);
    if (groupClose == std::string::npos) {
      throw std::runtime_error("<parameters> is not closed");
    }
    const std::string group = xml.substr(groupOpen, groupClose - groupOpen);
    std::size_t position = 0;
    while ((position = group.find('<', position + 1)) != std::string::npos) {
      const auto nameEnd = group.find_first_of(" >", position);
      const std::string element = group.substr(position + 1, nameEnd - position - 1);
      if (std::find(parameterElements().begin(), parameterElements().end(), element) == parameterElements().end()) {
        continue;
      }
      const auto openEnd = group.find('>', position);
      const auto close = group.find("</" + element + ">", openEnd);
      if (openEnd == std::string::npos || close == std::string::npos) {
        throw std::runtime_error("<" + element + "> is not closed");
      }
      const std::string openTag = group.substr(position, openEnd - position);
      const std::string body = group.substr(openEnd + 1, close - openEnd - 1);
      SlicerParameter parameter;
      parameter.element = element;
      parameter.name = childText(body, "name");
      parameter.flag = childText(body, "flag");
      parameter.longflag = childText(body, "longflag");
      if (!parameter.flag.empty() && parameter.flag.front() != '-') {
        parameter.flag = "-" + parameter.flag;
      }
      if (!parameter.longflag.empty() && parameter.longflag.front() != '-') {
        parameter.longflag = "--" + parameter.longflag;
      }
      const std::string index = childText(body, "index");
      parameter.index = index.empty() ? -1 : std::stoi(index);
      parameter.channel = childText(body, "channel");
      parameter.defaultValue = childText(body, "default");
      parameter.type = attribute(openTag, "type");
      parameter.fileExtensions = splitCommas(attribute(openTag, "fileExtensions"));
      parameters.push_back(std::move(parameter));
      position = close;
    }
    cursor = groupClose;
  }
  return parameters;
}

SlicerCommandLine slicerCommandLine(const std::vector<SlicerParameter>& parameters,
                                    const std::map<std::string, std::vector<std::string>>& values,
                                    const std::string& temporaryFolder) {
  SlicerCommandLine commandLine;
  std::vector<const SlicerParameter*> indexed;
  for (const auto& parameter : parameters) {
    const bool isPath = parameter.element == "image" || parameter.element == "file";
    std::string value;
    const auto given = values.find(parameter.name);
    if (given != values.end()) {
      value = joinCommas(given->second);
    } else if (isPath) {
      const std::string extension =
          parameter.fileExtensions.empty() ? std::string(".nrrd") : parameter.fileExtensions.front();
      value = temporaryFolder + "/" + parameter.name + extension;
    } else {
      value = parameter.defaultValue;
    }
    if (isPath) {
      commandLine.files[parameter.name] = value;
    }
    if (parameter.index >= 0) {
      indexed.push_back(&parameter);
      continue;
    }
    const std::string flag = parameter.longflag.empty() ? parameter.flag : parameter.longflag;
    if (flag.empty()) {
      throw std::runtime_error("parameter " + parameter.name + " has neither a flag nor an index");
    }
    if (parameter.element == "boolean") {
      if (value == "true") {
        commandLine.arguments.push_back(flag);
      }
    } else if (!value.empty()) {
      commandLine.arguments.push_back(flag);
      commandLine.arguments.push_back(value);
    }
  }
  std::stable_sort(indexed.begin(), indexed.end(),
                   [](const SlicerParameter* a, const SlicerParameter* b) { return a->index < b->index; });
  for (const SlicerParameter* parameter : indexed) {
    commandLine.arguments.push_back(commandLine.files.count(parameter->name)
                                        ? commandLine.files.at(parameter->name)
                                        : joinCommas(values.count(parameter->name)
                                                         ? values.at(parameter->name)
                                                         : std::vector<std::string>{parameter->defaultValue}));
  }
  return commandLine;
}

std::vector<SlicerParameter> slicerParametersOf(const std::string& program) {
  const ProgramResult result = runProgram(program, {"--xml"});
  if (result.exitCode != 0) {
    throw std::runtime_error(program + " --xml failed (" + std::to_string(result.exitCode) +
                             "): " + result.standardError);
  }
  return parseSlicerModuleXml(result.standardOutput);
}

}  // namespace skipseg::testing

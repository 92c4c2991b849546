#include "skipseg/cli/ProgramDescription.h"

#include <cctype>

namespace skipseg::cli {

Parameter& ProgramDescription::add(const std::string& parameterName, ParameterKind kind, const std::string& help) {
  Parameter parameter;
  parameter.name = parameterName;
  parameter.kind = kind;
  parameter.help = help;
  parameters.push_back(parameter);
  return parameters.back();
}

const Parameter* ProgramDescription::find(const std::string& parameterName) const {
  for (const auto& parameter : parameters) {
    if (parameter.name == parameterName) {
      return &parameter;
    }
  }
  return nullptr;
}

std::string displayLabel(const Parameter& parameter) {
  if (!parameter.label.empty()) {
    return parameter.label;
  }
  std::string label = parameter.name;
  for (char& c : label) {
    c = c == '-' || c == '_' ? ' ' : c;
  }
  if (!label.empty()) {
    label[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(label[0])));
  }
  return label;
}

std::string placeholderOf(const Parameter& parameter) {
  if (parameter.kind == ParameterKind::Flag) {
    return "";
  }
  if (!parameter.placeholder.empty()) {
    return parameter.placeholder;
  }
  switch (parameter.kind) {
    case ParameterKind::Integer: return "N";
    case ParameterKind::Float: return "X";
    case ParameterKind::FloatList: return "X,Y,...";
    case ParameterKind::StringList: return "A,B,...";
    case ParameterKind::String: return "TEXT";
    case ParameterKind::InputDirectory:
    case ParameterKind::OutputDirectory: return "DIR";
    case ParameterKind::Enumeration: {
      std::string joined;
      for (const auto& choice : parameter.choices) {
        joined += (joined.empty() ? "" : "|") + choice;
      }
      return joined;
    }
    default: return "FILE";
  }
}

}  // namespace skipseg::cli

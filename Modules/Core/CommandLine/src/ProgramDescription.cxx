#include "skipseg/cli/ProgramDescription.h"

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

}  // namespace skipseg::cli

#include "skipseg/cli/OptionParser.h"

#include "skipseg/core/Error.h"

#include <boost/program_options.hpp>

#include <algorithm>
#include <cstdlib>

namespace po = boost::program_options;

namespace skipseg::cli {
namespace {

bool isList(ParameterKind kind) {
  return kind == ParameterKind::StringList || kind == ParameterKind::FloatList;
}

double parseNumber(const std::string& name, const std::string& text) {
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size()) {
    throw usageError("--" + name + " expects a number, not \"" + text + "\"");
  }
  return value;
}

long long parseInteger(const std::string& name, const std::string& text) {
  char* end = nullptr;
  const long long value = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || end != text.c_str() + text.size()) {
    throw usageError("--" + name + " expects an integer, not \"" + text + "\"");
  }
  return value;
}

void validate(const Parameter& parameter, const std::vector<std::string>& values) {
  for (const auto& value : values) {
    switch (parameter.kind) {
      case ParameterKind::Integer: parseInteger(parameter.name, value); break;
      case ParameterKind::Float:
      case ParameterKind::FloatList: parseNumber(parameter.name, value); break;
      case ParameterKind::Enumeration:
        if (std::find(parameter.choices.begin(), parameter.choices.end(), value) == parameter.choices.end()) {
          std::string allowed;
          for (const auto& choice : parameter.choices) {
            allowed += (allowed.empty() ? "" : "|") + choice;
          }
          throw usageError("--" + parameter.name + " must be one of " + allowed + ", not \"" + value + "\"");
        }
        break;
      default: break;
    }
  }
}

// Edit distance counting an insertion, deletion, substitution or swap of neighbours as one edit
// (optimal string alignment): typing slips such as "--inptu" are one edit from "--input".
std::size_t editDistance(const std::string& a, const std::string& b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) {
    d[i][0] = i;
  }
  for (std::size_t j = 0; j <= b.size(); ++j) {
    d[0][j] = j;
  }
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

// "unknown option --ouput; did you mean --output?" when one option is close enough to be a typo.
std::string unknownOptionMessage(const ProgramDescription& description, const std::string& given) {
  std::string name = given;
  name.erase(0, name.find_first_not_of('-'));
  name = name.substr(0, name.find('='));
  std::vector<std::string> known;
  for (const auto& parameter : description.parameters) {
    known.push_back(parameter.name);
  }
  // The common options runProgram takes out before parsing.
  for (const char* common : {"help", "version", "xml", "log-level", "log-file"}) {
    known.emplace_back(common);
  }
  std::string best;
  std::size_t bestDistance = std::string::npos;
  for (const auto& candidate : known) {
    const std::size_t distance = editDistance(name, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  std::string message = "unknown option --" + name;
  // Up to two edits, and fewer than a third of the name: "--ouput" suggests --output, "--x" nothing.
  if (!best.empty() && bestDistance <= 2 && bestDistance * 3 <= std::max(name.size(), best.size())) {
    message += "; did you mean --" + best + "?";
  }
  return message + " (see --help)";
}

}  // namespace

std::vector<std::string> splitList(const std::string& text) {
  std::vector<std::string> items;
  std::string current;
  auto flush = [&]() {
    const auto first = current.find_first_not_of(" \t");
    const auto last = current.find_last_not_of(" \t");
    if (first != std::string::npos) {
      items.push_back(current.substr(first, last - first + 1));
    }
    current.clear();
  };
  for (const char c : text) {
    if (c == ',') {
      flush();
    } else {
      current += c;
    }
  }
  flush();
  return items;
}

ParsedOptions parseOptions(const ProgramDescription& description, const std::vector<std::string>& arguments) {
  po::options_description options;
  po::positional_options_description positional;
  std::vector<const Parameter*> byPosition;
  for (const auto& parameter : description.parameters) {
    const char* name = parameter.name.c_str();
    if (parameter.kind == ParameterKind::Flag) {
      options.add_options()(name, po::bool_switch(), parameter.help.c_str());
    } else if (isList(parameter.kind)) {
      options.add_options()(name, po::value<std::vector<std::string>>()->composing()->multitoken(),
                            parameter.help.c_str());
    } else {
      options.add_options()(name, po::value<std::string>(), parameter.help.c_str());
    }
    if (parameter.positionalIndex >= 0) {
      byPosition.push_back(&parameter);
    }
  }
  std::sort(byPosition.begin(), byPosition.end(),
            [](const Parameter* a, const Parameter* b) { return a->positionalIndex < b->positionalIndex; });
  for (const Parameter* parameter : byPosition) {
    positional.add(parameter->name.c_str(), isList(parameter->kind) ? -1 : 1);
  }

  po::variables_map variables;
  try {
    po::store(po::command_line_parser(arguments).options(options).positional(positional).run(), variables);
    po::notify(variables);
  } catch (const po::unknown_option& error) {
    throw usageError(unknownOptionMessage(description, error.get_option_name()));
  } catch (const po::too_many_positional_options_error&) {
    throw usageError("too many arguments without an option name (see --help)");
  } catch (const po::error& error) {
    throw usageError(error.what());
  }

  ParsedOptions parsed;
  for (const auto& parameter : description.parameters) {
    std::vector<std::string> values;
    if (parameter.kind == ParameterKind::Flag) {
      if (variables.count(parameter.name) && variables[parameter.name].as<bool>()) {
        values.push_back("true");
      }
    } else if (variables.count(parameter.name)) {
      if (isList(parameter.kind)) {
        for (const auto& token : variables[parameter.name].as<std::vector<std::string>>()) {
          for (auto& item : splitList(token)) {
            values.push_back(std::move(item));
          }
        }
      } else {
        values.push_back(variables[parameter.name].as<std::string>());
      }
    }
    if (values.empty() && !parameter.defaultValue.empty() && parameter.kind != ParameterKind::Flag) {
      values =
          isList(parameter.kind) ? splitList(parameter.defaultValue) : std::vector<std::string>{parameter.defaultValue};
    }
    if (values.empty()) {
      if (parameter.required) {
        throw usageError("--" + parameter.name + " is required (see --help)");
      }
      continue;
    }
    validate(parameter, values);
    parsed.set(parameter.name, std::move(values));
  }
  return parsed;
}

bool ParsedOptions::has(const std::string& name) const {
  return values_.count(name) > 0;
}

std::string ParsedOptions::string(const std::string& name) const {
  const auto found = values_.find(name);
  if (found == values_.end() || found->second.empty()) {
    throw usageError("--" + name + " is required (see --help)");
  }
  return found->second.front();
}

std::string ParsedOptions::stringOr(const std::string& name, const std::string& fallback) const {
  return has(name) ? string(name) : fallback;
}

long long ParsedOptions::integer(const std::string& name) const {
  return parseInteger(name, string(name));
}

double ParsedOptions::number(const std::string& name) const {
  return parseNumber(name, string(name));
}

bool ParsedOptions::flag(const std::string& name) const {
  const auto found = values_.find(name);
  return found != values_.end() && !found->second.empty() && found->second.front() == "true";
}

std::vector<std::string> ParsedOptions::strings(const std::string& name) const {
  const auto found = values_.find(name);
  return found == values_.end() ? std::vector<std::string>{} : found->second;
}

std::vector<double> ParsedOptions::numbers(const std::string& name) const {
  std::vector<double> result;
  for (const auto& text : strings(name)) {
    result.push_back(parseNumber(name, text));
  }
  return result;
}

}  // namespace skipseg::cli

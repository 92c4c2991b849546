#include "skipseg/cli/HelpText.h"

#include <map>
#include <sstream>
#include <vector>

namespace skipseg::cli {
namespace {

std::string wrap(const std::string& text, std::size_t indent, std::size_t width) {
  std::istringstream words(text);
  std::string word;
  std::string line;
  std::string out;
  while (words >> word) {
    if (!line.empty() && indent + line.size() + 1 + word.size() > width) {
      out += std::string(indent, ' ') + line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  if (!line.empty()) {
    out += std::string(indent, ' ') + line + "\n";
  }
  return out;
}

}  // namespace

std::string helpText(const ProgramDescription& description) {
  std::ostringstream text;
  text << "Usage: " << description.name;
  std::map<int, const Parameter*> positional;
  for (const auto& parameter : description.parameters) {
    if (parameter.positionalIndex >= 0) {
      positional[parameter.positionalIndex] = &parameter;
    }
  }
  // The usual form: what is required (also what is required unless another option is given) bare.
  const auto usual = [](const Parameter& parameter) { return parameter.required || !parameter.requiredUnless.empty(); };
  for (const auto& entry : positional) {
    const bool bare = usual(*entry.second);
    text << " " << (bare ? "" : "[") << placeholderOf(*entry.second) << (bare ? "" : "]");
  }
  // Required options that have no position are part of the usage line too.
  for (const auto& parameter : description.parameters) {
    if (usual(parameter) && parameter.positionalIndex < 0) {
      const std::string value = placeholderOf(parameter);
      text << " --" << parameter.name << (value.empty() ? "" : " " + value);
    }
  }
  text << " [options]\n\n" << wrap(description.description, 0, 100) << "\n";

  std::vector<std::string> groups;
  for (const auto& parameter : description.parameters) {
    bool known = false;
    for (const auto& group : groups) {
      known = known || group == parameter.group;
    }
    if (!known) {
      groups.push_back(parameter.group);
    }
  }
  for (const auto& group : groups) {
    text << group << ":\n";
    for (const auto& parameter : description.parameters) {
      if (parameter.group != group) {
        continue;
      }
      std::string flag = "  --" + parameter.name;
      const std::string var = placeholderOf(parameter);
      if (!var.empty()) {
        flag += " " + var;
      }
      if (parameter.required) {
        flag += "  (required)";
      } else if (!parameter.requiredUnless.empty()) {
        flag += "  (required unless " + parameter.requiredUnless + ")";
      }
      text << flag << "\n";
      std::string help = parameter.help;
      if (parameter.positionalIndex >= 0) {
        help += " (may be given without its flag, as argument " + std::to_string(parameter.positionalIndex + 1) + ")";
      }
      if (parameter.required) {
        help += " Required.";
      } else if (!parameter.defaultValue.empty()) {
        help += " Default: " + parameter.defaultValue + ".";
      }
      text << wrap(help, 6, 100);
    }
    text << "\n";
  }
  text << "Common options:\n"
       << "  --help            this text\n"
       << "  --version         print the SkipSeg version\n"
       << "  --log-level LEVEL debug|info|warning|error|off (default: info)\n"
       << "  --log-file FILE   also write the log to FILE\n";
  if (description.slicerModule) {
    text << "  --xml             print the 3D Slicer CLI module description\n";
  }
  text << "\nExit codes: 0 ok, 1 some cases failed (batch), 2 usage, 3 bad input, 4 internal error,\n"
       << "5 unsupported input, 6 output could not be written, 130 interrupted (SIGINT), 143 terminated\n"
       << "(SIGTERM) (Documentation/ExitCodes.md).\n";
  return text.str();
}

}  // namespace skipseg::cli

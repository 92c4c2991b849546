#include "skipseg/cli/RunProgram.h"

#include "skipseg/cli/HelpText.h"
#include "skipseg/core/Error.h"
#include "skipseg/core/Logging.h"
#include "skipseg/core/Version.h"

#include <cstdio>
#include <iostream>

namespace skipseg::cli {
namespace {

struct CommonOptions {
  bool help = false;
  bool xml = false;
  bool showVersion = false;
  std::string logLevel = "info";
  std::string logFile;
  std::vector<std::string> remaining;
};

// The standard options are taken out before the program's own parsing, so every program has them.
CommonOptions splitCommonOptions(const std::vector<std::string>& arguments) {
  CommonOptions common;
  for (std::size_t index = 0; index < arguments.size(); ++index) {
    const std::string& argument = arguments[index];
    auto valueOf = [&](const std::string& flag, std::string& target) {
      if (argument == flag) {
        if (index + 1 >= arguments.size()) {
          throw usageError(flag + " needs a value");
        }
        target = arguments[++index];
        return true;
      }
      if (argument.rfind(flag + "=", 0) == 0) {
        target = argument.substr(flag.size() + 1);
        return true;
      }
      return false;
    };
    if (argument == "--help" || argument == "-h") {
      common.help = true;
    } else if (argument == "--xml") {
      common.xml = true;
    } else if (argument == "--version") {
      common.showVersion = true;
    } else if (valueOf("--log-level", common.logLevel) || valueOf("--log-file", common.logFile)) {
      continue;
    } else {
      common.remaining.push_back(argument);
    }
  }
  return common;
}

}  // namespace

int runProgram(const ProgramDescription& description, const std::vector<std::string>& arguments,
               const ProgramBody& body) {
  try {
    const CommonOptions common = splitCommonOptions(arguments);
    if (common.help) {
      std::cout << helpText(description);
      return 0;
    }
    if (common.xml) {
      if (!description.slicerModule) {
        throw usageError(description.name + " is not a 3D Slicer module; --xml is not available");
      }
      std::cout << slicerXml(description, version());
      return 0;
    }
    if (common.showVersion) {
      std::cout << description.name << " " << version() << "\n";
      return 0;
    }
    configureLogging(parseLogLevel(common.logLevel), common.logFile);
    const ParsedOptions options = parseOptions(description, common.remaining);
    return body(options);
  } catch (const Error& error) {
    std::cerr << description.name << ": error: " << error.what() << "\n";
    return static_cast<int>(error.code());
  } catch (const std::bad_alloc&) {
    std::cerr << description.name << ": error: out of memory\n";
    return static_cast<int>(ExitCode::Internal);
  } catch (const std::exception& error) {
    // The first line only: LibTorch's messages go on with a C++ backtrace ("Exception raised from ...").
    const std::string message = error.what();
    std::cerr << description.name << ": error: internal error: " << oneLine(message.substr(0, message.find('\n')))
              << "\n";
    return static_cast<int>(ExitCode::Internal);
  }
}

int runProgram(const ProgramDescription& description, int argc, char** argv, const ProgramBody& body) {
  std::vector<std::string> arguments(argv + 1, argv + argc);
  return runProgram(description, arguments, body);
}

}  // namespace skipseg::cli

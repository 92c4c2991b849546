#include "skipseg/cli/RunProgram.h"

#include "skipseg/cli/HelpText.h"
#include "skipseg/core/Error.h"
#include "skipseg/core/Interrupt.h"
#include "skipseg/core/Logging.h"
#include "skipseg/core/Version.h"

#include <cstdio>
#include <exception>
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

// A failure after SIGINT/SIGTERM is most likely its consequence (the signal also reaches helper
// processes of the same process group, e.g. Xvfb): report the signal, as the user asked for it.
int reportInterrupt(const ProgramDescription& description) {
  try {
    throwIfInterrupted();
  } catch (const Error& interrupt) {
    std::cerr << description.name << ": error: " << interrupt.what() << "\n";
    return static_cast<int>(interrupt.code());
  }
  return static_cast<int>(ExitCode::Internal);
}

int reportUnexpected(const ProgramDescription& description, std::exception_ptr failure) {
  try {
    std::rethrow_exception(failure);
  } catch (const std::bad_alloc&) {
    std::cerr << description.name << ": error: out of memory\n";
  } catch (const std::exception& error) {
    // The first line only: LibTorch's messages go on with a C++ backtrace ("Exception raised from ...").
    const std::string message = error.what();
    std::cerr << description.name << ": error: internal error: " << oneLine(message.substr(0, message.find('\n')))
              << "\n";
  }
  return static_cast<int>(ExitCode::Internal);
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
    // From here SIGINT/SIGTERM stop the work at its next safe point (skipseg/core/Interrupt.h); a signal
    // after the outputs were committed changes nothing: the run is complete and ends with 0.
    installInterruptHandlers();
    return body(options);
  } catch (const Error& error) {
    if (pendingInterrupt() != 0 && error.code() != ExitCode::Interrupted && error.code() != ExitCode::Terminated) {
      return reportInterrupt(description);
    }
    std::cerr << description.name << ": error: " << error.what() << "\n";
    return static_cast<int>(error.code());
  } catch (const std::exception&) {
    if (pendingInterrupt() != 0) {
      return reportInterrupt(description);
    }
    return reportUnexpected(description, std::current_exception());
  }
}

int runProgram(const ProgramDescription& description, int argc, char** argv, const ProgramBody& body) {
  std::vector<std::string> arguments(argv + 1, argv + argc);
  return runProgram(description, arguments, body);
}

}  // namespace skipseg::cli

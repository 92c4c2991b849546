#pragma once
// The shared frame of every skipseg-<verb> program: standard options (--help, --xml, --version,
// --log-level, --log-file), parsing, and the one place where errors become a single line on stderr
// and a documented exit code. Program logic is a library function that tests call in-process.
#include "skipseg/cli/OptionParser.h"
#include "skipseg/cli/ProgramDescription.h"

#include <functional>
#include <string>
#include <vector>

namespace skipseg::cli {

using ProgramBody = std::function<int(const ParsedOptions&)>;

/// Runs `body` with parsed options; returns the exit code. Never throws.
int runProgram(const ProgramDescription& description, const std::vector<std::string>& arguments,
               const ProgramBody& body);

/// argv convenience for main().
int runProgram(const ProgramDescription& description, int argc, char** argv, const ProgramBody& body);

}  // namespace skipseg::cli

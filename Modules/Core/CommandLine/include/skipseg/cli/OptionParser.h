#pragma once
#include "skipseg/cli/ProgramDescription.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace skipseg::cli {

/// Parsed values, by parameter name, already checked against the description (types, choices,
/// required). Getters throw a usage error naming the option when a value is missing or malformed.
class ParsedOptions {
 public:
  bool has(const std::string& name) const;
  std::string string(const std::string& name) const;
  std::string stringOr(const std::string& name, const std::string& fallback) const;
  long long integer(const std::string& name) const;
  double number(const std::string& name) const;
  bool flag(const std::string& name) const;
  std::vector<std::string> strings(const std::string& name) const;
  std::vector<double> numbers(const std::string& name) const;

  /// Every given (or defaulted) value as text, for logs and sidecars.
  const std::map<std::string, std::vector<std::string>>& values() const { return values_; }
  void set(const std::string& name, std::vector<std::string> values) { values_[name] = std::move(values); }

 private:
  std::map<std::string, std::vector<std::string>> values_;
};

/// Parses arguments (without the program name). Throws skipseg::Error(Usage) with a one-line message.
ParsedOptions parseOptions(const ProgramDescription& description, const std::vector<std::string>& arguments);

/// Splits "1,2,3" (Slicer's vector spelling) into items; whitespace around items is dropped.
std::vector<std::string> splitList(const std::string& text);

}  // namespace skipseg::cli

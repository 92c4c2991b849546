#pragma once
// Reads a network's JSON configuration with defaults, ranges and one-line errors that name the key.
// Every key read is recorded with its effective value, so configuration() can hand back the complete
// settings (defaults included) and a network rebuilt from it is the same network. Keys that no reader
// asked for are rejected: a typo ("dpeth") must not silently fall back to a default.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace skipseg::nn {

class ConfigurationReader {
 public:
  /// `configuration` must be a JSON object; `architecture` names the network in error messages.
  ConfigurationReader(const nlohmann::json& configuration, std::string architecture);

  int64_t integer(const std::string& key, int64_t defaultValue, int64_t minimum, int64_t maximum);
  double number(const std::string& key, double defaultValue, double minimum, double maximum);
  bool boolean(const std::string& key, bool defaultValue);
  std::string choice(const std::string& key, const std::string& defaultValue, const std::vector<std::string>& allowed);
  /// A list of `count` integers in [minimum, maximum]; a single integer is repeated `count` times.
  std::vector<int64_t> integers(const std::string& key, const std::vector<int64_t>& defaultValue, size_t count,
                                int64_t minimum, int64_t maximum);
  /// The key must be present (no default).
  std::vector<int64_t> requiredIntegers(const std::string& key, size_t count, int64_t minimum, int64_t maximum);

  /// Throws unless every key of the configuration was read ("architecture" always counts as read).
  void rejectUnknownKeys() const;
  /// Every key read, with its effective value, plus "architecture".
  const nlohmann::json& resolved() const { return resolved_; }

  /// A BadInput error about `key`: "network configuration: <architecture>: \"key\" <problem>".
  [[noreturn]] void fail(const std::string& key, const std::string& problem) const;

 private:
  const nlohmann::json* find(const std::string& key);

  nlohmann::json configuration_;
  std::string architecture_;
  nlohmann::json resolved_;
  std::set<std::string> readKeys_;
};

}  // namespace skipseg::nn

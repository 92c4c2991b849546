#include "skipseg/nn/NetworkConfiguration.h"

#include "skipseg/core/Error.h"

#include <algorithm>
#include <sstream>

namespace skipseg::nn {
namespace {

std::string joined(const std::vector<std::string>& words) {
  std::string text;
  for (const auto& word : words) {
    text += (text.empty() ? "" : "|") + word;
  }
  return text;
}

}  // namespace

ConfigurationReader::ConfigurationReader(const nlohmann::json& configuration, std::string architecture)
    : configuration_(configuration), architecture_(std::move(architecture)), resolved_(nlohmann::json::object()) {
  if (!configuration_.is_object()) {
    throw badInput("network configuration", "must be a JSON object");
  }
  resolved_["architecture"] = architecture_;
  readKeys_.insert("architecture");
}

void ConfigurationReader::fail(const std::string& key, const std::string& problem) const {
  throw badInput("network configuration", architecture_ + ": \"" + key + "\" " + problem);
}

const nlohmann::json* ConfigurationReader::find(const std::string& key) {
  readKeys_.insert(key);
  const auto found = configuration_.find(key);
  return found == configuration_.end() || found->is_null() ? nullptr : &*found;
}

int64_t ConfigurationReader::integer(const std::string& key, int64_t defaultValue, int64_t minimum, int64_t maximum) {
  int64_t value = defaultValue;
  if (const auto* given = find(key)) {
    const bool integral =
        given->is_number_integer() || given->is_number_unsigned() ||
        (given->is_number_float() && given->get<double>() == static_cast<int64_t>(given->get<double>()));
    if (!integral) {
      fail(key, "must be an integer, got " + given->dump());
    }
    value = given->is_number_float() ? static_cast<int64_t>(given->get<double>()) : given->get<int64_t>();
  }
  if (value < minimum || value > maximum) {
    fail(key,
         "must be in [" + std::to_string(minimum) + ", " + std::to_string(maximum) + "], got " + std::to_string(value));
  }
  resolved_[key] = value;
  return value;
}

double ConfigurationReader::number(const std::string& key, double defaultValue, double minimum, double maximum) {
  double value = defaultValue;
  if (const auto* given = find(key)) {
    if (!given->is_number()) {
      fail(key, "must be a number, got " + given->dump());
    }
    value = given->get<double>();
  }
  if (!(value >= minimum && value <= maximum)) {
    std::ostringstream range;
    range << "must be in [" << minimum << ", " << maximum << "], got " << value;
    fail(key, range.str());
  }
  resolved_[key] = value;
  return value;
}

bool ConfigurationReader::boolean(const std::string& key, bool defaultValue) {
  bool value = defaultValue;
  if (const auto* given = find(key)) {
    if (!given->is_boolean()) {
      fail(key, "must be true or false, got " + given->dump());
    }
    value = given->get<bool>();
  }
  resolved_[key] = value;
  return value;
}

std::string ConfigurationReader::choice(const std::string& key, const std::string& defaultValue,
                                        const std::vector<std::string>& allowed) {
  std::string value = defaultValue;
  if (const auto* given = find(key)) {
    if (!given->is_string()) {
      fail(key, "must be one of " + joined(allowed) + ", got " + given->dump());
    }
    value = given->get<std::string>();
  }
  if (std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
    fail(key, "must be one of " + joined(allowed) + ", got \"" + value + "\"");
  }
  resolved_[key] = value;
  return value;
}

std::vector<int64_t> ConfigurationReader::integers(const std::string& key, const std::vector<int64_t>& defaultValue,
                                                   size_t count, int64_t minimum, int64_t maximum) {
  std::vector<int64_t> values = defaultValue;
  if (const auto* given = find(key)) {
    if (given->is_number_integer() || given->is_number_unsigned()) {
      values.assign(count, given->get<int64_t>());
    } else if (given->is_array()) {
      values.clear();
      for (const auto& item : *given) {
        if (!item.is_number_integer() && !item.is_number_unsigned()) {
          fail(key, "must be a list of integers, got " + given->dump());
        }
        values.push_back(item.get<int64_t>());
      }
    } else {
      fail(key, "must be an integer or a list of " + std::to_string(count) + " integers, got " + given->dump());
    }
  }
  if (values.size() == 1 && count > 1) {
    values.assign(count, values.front());
  }
  if (values.size() != count) {
    fail(key, "must have " + std::to_string(count) + " values, got " + std::to_string(values.size()));
  }
  for (const auto value : values) {
    if (value < minimum || value > maximum) {
      fail(key, "values must be in [" + std::to_string(minimum) + ", " + std::to_string(maximum) + "], got " +
                    std::to_string(value));
    }
  }
  resolved_[key] = values;
  return values;
}

std::vector<int64_t> ConfigurationReader::requiredIntegers(const std::string& key, size_t count, int64_t minimum,
                                                           int64_t maximum) {
  if (find(key) == nullptr) {
    fail(key, "is required (a list of " + std::to_string(count) + " integers)");
  }
  return integers(key, {}, count, minimum, maximum);
}

void ConfigurationReader::rejectUnknownKeys() const {
  for (const auto& item : configuration_.items()) {
    if (readKeys_.count(item.key()) == 0) {
      fail(item.key(), "is not a setting of this architecture");
    }
  }
}

}  // namespace skipseg::nn

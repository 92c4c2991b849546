#include "skipseg/preprocessing/PetSuv.h"

#include <cctype>
#include <cmath>

#include "skipseg/core/Error.h"
#include "skipseg/core/Logging.h"

namespace skipseg::preprocessing {

namespace {

constexpr double kSecondsPerDay = 24.0 * 3600.0;

std::string upper(std::string text) {
  for (char& character : text) {
    character = static_cast<char>(std::toupper(static_cast<unsigned char>(character)));
  }
  const auto first = text.find_first_not_of(' ');
  const auto last = text.find_last_not_of(' ');
  return first == std::string::npos ? std::string() : text.substr(first, last - first + 1);
}

std::string missing(const std::string& name, const std::string& tag) {
  return "no " + name + " " + tag;
}

void multiply(FloatImage& image, double factor) {
  float* values = image.GetBufferPointer();
  const std::size_t count = image.GetBufferedRegion().GetNumberOfPixels();
  for (std::size_t index = 0; index < count; ++index) {
    values[index] = static_cast<float>(values[index] * factor);
  }
  image.Modified();
}

}  // namespace

std::optional<double> parseDicomTime(const std::string& raw) {
  std::string text;
  for (char character : raw) {
    if (character != ':' && character != ' ') {
      text += character;
    }
  }
  const auto dot = text.find('.');
  const std::string whole = text.substr(0, dot);
  if (whole.size() < 2 || whole.size() > 6 || whole.size() % 2 != 0) {
    return std::nullopt;
  }
  for (char character : whole) {
    if (!std::isdigit(static_cast<unsigned char>(character))) {
      return std::nullopt;
    }
  }
  const int hours = std::stoi(whole.substr(0, 2));
  const int minutes = whole.size() >= 4 ? std::stoi(whole.substr(2, 2)) : 0;
  const int seconds = whole.size() >= 6 ? std::stoi(whole.substr(4, 2)) : 0;
  if (hours > 23 || minutes > 59 || seconds > 60) {
    return std::nullopt;
  }
  double fraction = 0;
  if (dot != std::string::npos && dot + 1 < text.size()) {
    const std::string digits = text.substr(dot + 1);
    for (char character : digits) {
      if (!std::isdigit(static_cast<unsigned char>(character))) {
        return std::nullopt;
      }
    }
    fraction = std::stod("0." + digits);
  }
  return hours * 3600.0 + minutes * 60.0 + seconds + fraction;
}

SuvFactor computeSuvFactor(const PetSuvInputs& inputs) {
  const std::string units = upper(inputs.units);
  if (units == "GML") {
    return {1.0, "values are already SUV (units GML)"};
  }
  if (units != "BQML") {
    return {std::nullopt, units.empty() ? missing("Units", "(0054,1001)") : "units " + units + " are not BQML"};
  }
  if (!inputs.patientWeightKg || !(*inputs.patientWeightKg > 0)) {
    return {std::nullopt, missing("PatientWeight", "(0010,1030)")};
  }
  if (!inputs.injectedDoseBq || !(*inputs.injectedDoseBq > 0)) {
    return {std::nullopt, missing("RadionuclideTotalDose", "(0018,1074)")};
  }
  const std::string decay = upper(inputs.decayCorrection);
  double dose = *inputs.injectedDoseBq;
  std::string how;
  if (decay == "START") {
    if (!inputs.halfLifeSeconds || !(*inputs.halfLifeSeconds > 0)) {
      return {std::nullopt, missing("RadionuclideHalfLife", "(0018,1075)")};
    }
    if (!inputs.injectionTimeSeconds) {
      return {std::nullopt, missing("RadiopharmaceuticalStartTime", "(0018,1072)")};
    }
    if (!inputs.scanStartTimeSeconds) {
      return {std::nullopt, missing("SeriesTime", "(0008,0031)")};
    }
    double elapsed = *inputs.scanStartTimeSeconds - *inputs.injectionTimeSeconds;
    if (elapsed < 0) {
      elapsed += kSecondsPerDay;
    }
    dose *= std::exp2(-elapsed / *inputs.halfLifeSeconds);
    how = "dose decayed over " + std::to_string(static_cast<long>(std::lround(elapsed))) + " s to the series start";
  } else if (decay == "ADMIN") {
    how = "images corrected to the administration time";
  } else {
    return {std::nullopt, decay.empty() ? missing("DecayCorrection", "(0054,1102)")
                                        : "decay correction " + decay + " is not supported (START or ADMIN)"};
  }
  return {*inputs.patientWeightKg * 1000.0 / dose, how};
}

bool convertToSuv(FloatImage& image, const PetSuvInputs& inputs, const std::string& source) {
  const SuvFactor suv = computeSuvFactor(inputs);
  if (!suv.factor) {
    spdlog::warn("{}: PET values as stored ({})", source, suv.reason);
    return false;
  }
  spdlog::info("{}: PET converted to SUV (body weight), factor {:.6g}: {}", source, *suv.factor, suv.reason);
  multiply(image, *suv.factor);
  return true;
}

void requireSuv(FloatImage& image, const PetSuvInputs& inputs, const std::string& source) {
  const SuvFactor suv = computeSuvFactor(inputs);
  if (!suv.factor) {
    throw badInput(source, "cannot compute SUV: " + suv.reason);
  }
  spdlog::info("{}: PET converted to SUV (body weight), factor {:.6g}: {}", source, *suv.factor, suv.reason);
  multiply(image, *suv.factor);
}

}  // namespace skipseg::preprocessing

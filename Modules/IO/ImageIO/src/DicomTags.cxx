#include "DicomTags.h"

#include <gdcmReader.h>
#include <gdcmSequenceOfItems.h>

#include <cstdlib>
#include <optional>

namespace skipseg::io::detail {
namespace {

std::string trimPadding(std::string text) {
  const auto isPadding = [](char c) { return c == ' ' || c == '\0' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && isPadding(text.back())) {
    text.pop_back();
  }
  std::size_t start = 0;
  while (start < text.size() && isPadding(text[start])) {
    ++start;
  }
  return text.substr(start);
}

std::optional<std::string> textOf(const gdcm::DataSet& dataSet, const gdcm::Tag& tag) {
  if (!dataSet.FindDataElement(tag)) {
    return std::nullopt;
  }
  const gdcm::DataElement& element = dataSet.GetDataElement(tag);
  const gdcm::ByteValue* bytes = element.GetByteValue();
  if (bytes == nullptr || bytes->GetLength() == 0) {
    return std::nullopt;
  }
  std::string text = trimPadding(std::string(bytes->GetPointer(), bytes->GetLength()));
  if (text.empty()) {
    return std::nullopt;
  }
  return text;
}

std::optional<double> numberOf(const gdcm::DataSet& dataSet, const gdcm::Tag& tag) {
  const auto text = textOf(dataSet, tag);
  if (!text) {
    return std::nullopt;
  }
  const auto numbers = parseNumbers(*text);
  if (numbers.size() != 1) {
    return std::nullopt;
  }
  return numbers.front();
}

}  // namespace

std::string scannedValue(const gdcm::Scanner& scanner, const std::string& file, const gdcm::Tag& tag) {
  const char* value = scanner.GetValue(file.c_str(), tag);
  return value == nullptr ? std::string() : trimPadding(value);
}

std::vector<double> parseNumbers(const std::string& text) {
  std::vector<double> numbers;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\\', start);
    if (end == std::string::npos) {
      end = text.size();
    }
    const std::string item = trimPadding(text.substr(start, end - start));
    char* parsedEnd = nullptr;
    const double value = std::strtod(item.c_str(), &parsedEnd);
    if (item.empty() || parsedEnd != item.c_str() + item.size()) {
      return {};
    }
    numbers.push_back(value);
    start = end + 1;
  }
  return numbers;
}

std::optional<unsigned long> parseCount(const std::string& text) {
  const std::string item = trimPadding(text);
  if (item.empty() || item.find_first_not_of("0123456789") != std::string::npos || item.size() > 9) {
    return std::nullopt;
  }
  return std::strtoul(item.c_str(), nullptr, 10);
}

PetSuvInputs readPetSuvInputs(const std::string& file) {
  PetSuvInputs inputs;
  gdcm::Reader reader;
  reader.SetFileName(file.c_str());
  if (!reader.ReadUpToTag(gdcm::Tag(0x7fe0, 0x0010))) {
    return inputs;
  }
  const gdcm::DataSet& dataSet = reader.GetFile().GetDataSet();
  inputs.patientWeightKg = numberOf(dataSet, gdcm::Tag(0x0010, 0x1030));
  inputs.seriesDate = textOf(dataSet, gdcm::Tag(0x0008, 0x0021));
  inputs.seriesTime = textOf(dataSet, gdcm::Tag(0x0008, 0x0031));
  inputs.acquisitionTime = textOf(dataSet, gdcm::Tag(0x0008, 0x0032));
  inputs.units = textOf(dataSet, gdcm::Tag(0x0054, 0x1001));
  inputs.decayCorrection = textOf(dataSet, gdcm::Tag(0x0054, 0x1102));
  const gdcm::Tag radiopharmaceuticalSequence(0x0054, 0x0016);
  if (dataSet.FindDataElement(radiopharmaceuticalSequence)) {
    const auto sequence = dataSet.GetDataElement(radiopharmaceuticalSequence).GetValueAsSQ();
    if (sequence && sequence->GetNumberOfItems() > 0) {
      const gdcm::DataSet& item = sequence->GetItem(1).GetNestedDataSet();
      inputs.totalInjectedDoseBq = numberOf(item, gdcm::Tag(0x0018, 0x1074));
      inputs.halfLifeSeconds = numberOf(item, gdcm::Tag(0x0018, 0x1075));
      inputs.injectionTime = textOf(item, gdcm::Tag(0x0018, 0x1072));
      inputs.injectionDateTime = textOf(item, gdcm::Tag(0x0018, 0x1078));
    }
  }
  return inputs;
}

}  // namespace skipseg::io::detail

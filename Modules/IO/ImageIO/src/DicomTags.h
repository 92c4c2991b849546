#pragma once
// Internal: reading DICOM tag values as trimmed text, and the PET tags SUV needs.
#include "skipseg/io/ImageInfo.h"

#include <gdcmScanner.h>
#include <gdcmTag.h>

#include <optional>
#include <string>
#include <vector>

namespace skipseg::io::detail {

/// A scanned tag's value without DICOM padding (spaces, NUL); empty when absent.
std::string scannedValue(const gdcm::Scanner& scanner, const std::string& file, const gdcm::Tag& tag);

/// Splits "a\b\c" (a DICOM multi-value) into numbers; empty when any item is not a number.
std::vector<double> parseNumbers(const std::string& text);

/// A whole number >= 0 such as SamplesPerPixel ("3"); empty when `text` is anything else.
std::optional<unsigned long> parseCount(const std::string& text);

/// The SUV tags of a PET file (patient weight, dose, half-life, times, units, decay correction).
PetSuvInputs readPetSuvInputs(const std::string& file);

}  // namespace skipseg::io::detail

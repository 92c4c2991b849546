#pragma once
// Internal: the small crossings between SkipSeg and DCMTK shared by the SEG and RTSTRUCT writers.
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/ofstd/ofcond.h>

#include <array>
#include <functional>
#include <memory>
#include <string>

namespace skipseg::dicomobjects {

/// DCMTK logs its warnings (e.g. "Will not check dimension consistency") on stderr; SkipSeg's output keeps
/// only its errors, which say why a write failed. Called by each writer; configures once per process.
void quietDcmtkWarnings();

/// Throws OutputFailed "`path`: `what`: <DCMTK's reason>" unless `condition` is good.
void checkDcmtk(const OFCondition& condition, const std::string& path, const std::string& what);

/// A new UID under DCMTK's root (Series or SOP Instance UID of a derived object).
std::string newUid();

/// A Decimal String value (at most 16 characters) as close to `value` as that allows.
std::string decimalString(double value);
/// "x\y\z" of Decimal Strings.
std::string decimalStrings(const double* values, std::size_t count);

/// The first source instance, read whole (patient, study, equipment); BadInput naming it when unreadable.
std::unique_ptr<DcmFileFormat> loadSourceInstance(const std::string& file);

/// The source's Position Reference Indicator (0020,1040), "" when it has none (a type 2 attribute).
std::string positionReferenceIndicator(DcmFileFormat& source);

/// Today's date (DA) and the current time (TM), local time, for content and series dates.
std::string dicomDate();
std::string dicomTime();

/// Writes through `save(temporaryPath)` to a temporary beside `path`, then commits it onto `path`
/// (AtomicOutput): the file appears only when complete and follows the caller's OutputTransaction.
void saveAtomically(const std::string& path, const std::function<OFCondition(const std::string&)>& save);

}  // namespace skipseg::dicomobjects

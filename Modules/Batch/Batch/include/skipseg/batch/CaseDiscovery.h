#pragma once
// Finding the cases of a batch: every scan under a folder, or the rows of a CSV manifest.
#include "skipseg/batch/CaseSpec.h"

#include <string>
#include <vector>

namespace skipseg::batch {

/// True for the image file names a folder scan picks up: the writable formats of io::imageFormats().
bool isScanFileName(const std::string& fileName);

/// True when the file carries DICOM Part 10's "DICM" magic at byte 128.
bool isDicomFile(const std::string& path);

/// Every scan below `folder`, sorted by case id. A folder holding DICOM files is one case (a series)
/// and is not descended into; other files count when isScanFileName(). Hidden entries (".name") and
/// `excludedFolder` (the output folder when it lies inside the input) are skipped. Case ids are the path
/// relative to `folder` without the extension, "/" replaced by "_" ("p01/ct.nii.gz" -> "p01_ct").
/// A .nhdr/.mhd header counts with its detached data file. Throws BadInput when the folder cannot be
/// read or two scans map to one id.
std::vector<CaseSpec> discoverCases(const std::string& folder, const std::string& excludedFolder = "");

/// Reads a CSV manifest: one case per line, `case_id,input[,output[,channel 1,channel 2,...]]` (the
/// fourth and later columns: a multi-channel model's further images); an optional header line
/// "case_id,input[,output...]"; blank lines and lines starting with '#' are ignored; fields may be quoted
/// ("a,b" with "" for a quote). Relative paths are relative to the manifest's folder. Throws BadInput
/// "MANIFEST:LINE: problem" for malformed rows, unsafe or duplicate ids.
std::vector<CaseSpec> readManifest(const std::string& manifestPath);

/// A case id must be usable as a file name: not empty, no '/', '\\' or control characters, not starting
/// with '.'. Returns the problem, or an empty string when the id is fine.
std::string caseIdProblem(const std::string& id);

/// The files a scan consists of, sorted: the file itself plus the detached data file of a .nhdr/.mhd
/// header, or every regular file of a DICOM series folder. Throws BadInput when the input is missing.
std::vector<std::string> scanFiles(const std::string& input);

/// The files a case consists of: `spec.files` when set (a series of a PACS export), else scanFiles(input).
std::vector<std::string> caseFiles(const CaseSpec& spec);

/// Multi-channel models: a folder's cases named CASE_0000, CASE_0001, ... (nnU-Net's channel suffix)
/// become one case CASE with `channels` inputs. A case missing a channel keeps the path that channel
/// should have, so that it fails alone naming the file. Problems that concern every case stop the run
/// (BadInput naming `folder`): a scan not named CASE_NNNN, a channel the model does not take, no case
/// with every channel.
std::vector<CaseSpec> groupChannelSuffixes(const std::vector<CaseSpec>& cases, int channels, const std::string& folder);

/// Throws BadInput naming `input` when a case does not give exactly `channels` images.
void checkChannelCount(const std::vector<CaseSpec>& cases, int channels, const std::string& input);

/// A folder or a manifest (.csv) as `input`: the cases it names, for a model of `channels` inputs.
std::vector<CaseSpec> findCases(const std::string& input, const std::string& outputFolder, int channels = 1);

}  // namespace skipseg::batch

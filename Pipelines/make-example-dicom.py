#!/usr/bin/python3
"""Example DICOM data for the documentation, made from a real series (the shared TotalSegmentator CT).

  make-example-dicom.py tilt SERIES OUT [--degrees 15]
      OUT: the series as a gantry-tilted CT would store it: ImageOrientationPatient turned about the row
      direction, positions kept (the table still moves along z), GantryDetectorTilt set.
  make-example-dicom.py export SERIES OUT
      OUT: a small PACS export: PAT1/STUDY1/{SER1 (the series), SER2 (a 2-image scout), SER3 (a localizer)},
      flat/ (a second patient's copy beside a report without pixels), each with new UIDs.

Pixel data are copied as stored (JPEG 2000 stays compressed): pydicom only rewrites header elements.
Needs python3-pydicom (Debian); run it with /usr/bin/python3.
"""
import argparse
import math
import os
import sys

import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian

ROOT = "1.2.826.0.1.3680043.2.1125.915."  # fixed, so that the example's names are the same every time


def slices(series):
    names = sorted(name for name in os.listdir(series) if not name.startswith("."))
    return [os.path.join(series, name) for name in names]


def tilt(series, out, degrees):
    os.makedirs(out, exist_ok=True)
    angle = math.radians(degrees)
    for path in slices(series):
        data = pydicom.dcmread(path)
        data.ImageOrientationPatient = [1, 0, 0, 0, round(math.cos(angle), 8), round(math.sin(angle), 8)]
        data.GantryDetectorTilt = degrees
        data.save_as(os.path.join(out, os.path.basename(path)))


def copy_series(series, folder, patient, study, number, files, image_type=None, description=None):
    os.makedirs(folder, exist_ok=True)
    for index, path in enumerate(slices(series)[:files]):
        data = pydicom.dcmread(path)
        data.PatientID = patient
        data.PatientName = "EXAMPLE^PATIENT"
        data.StudyInstanceUID = ROOT + study
        data.SeriesInstanceUID = ROOT + study + "." + str(number)
        data.SeriesNumber = number
        data.SOPInstanceUID = data.SeriesInstanceUID + "." + str(index + 1)
        data.file_meta.MediaStorageSOPInstanceUID = data.SOPInstanceUID
        if image_type:
            data.ImageType = image_type
        if description:
            data.SeriesDescription = description
        data.save_as(os.path.join(folder, "IM%s_%03d" % (number, index)))


def write_report(path, patient, study):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.88.11"  # Basic Text SR
    meta.MediaStorageSOPInstanceUID = ROOT + study + ".99.1"
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    report = Dataset()
    report.file_meta = meta
    report.SOPClassUID = meta.MediaStorageSOPClassUID
    report.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    report.Modality = "SR"
    report.PatientID = patient
    report.StudyInstanceUID = ROOT + study
    report.SeriesInstanceUID = ROOT + study + ".99"
    report.is_little_endian = True
    report.is_implicit_VR = False
    report.save_as(path, write_like_original=False)  # pydicom 2.x (Debian bookworm): preamble and file meta


def export(series, out):
    copy_series(series, os.path.join(out, "PAT1", "STUDY1", "SER1"), "EXAMPLE-001", "1", 2, 20)
    copy_series(series, os.path.join(out, "PAT1", "STUDY1", "SER2"), "EXAMPLE-001", "1", 1, 2,
                description="Topogram 0.6 T20f")
    copy_series(series, os.path.join(out, "PAT1", "STUDY1", "SER3"), "EXAMPLE-001", "1", 3, 12,
                image_type=["ORIGINAL", "PRIMARY", "LOCALIZER"])
    copy_series(series, os.path.join(out, "flat"), "EXAMPLE-002", "2", 4, 20)
    write_report(os.path.join(out, "flat", "REPORT"), "EXAMPLE-002", "2")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", choices=["tilt", "export"])
    parser.add_argument("series", help="folder of one DICOM series")
    parser.add_argument("out", help="folder to create")
    parser.add_argument("--degrees", type=float, default=15.0, help="tilt angle (tilt only)")
    arguments = parser.parse_args()
    if not os.path.isdir(arguments.series):
        sys.exit("%s: not a folder" % arguments.series)
    if arguments.kind == "tilt":
        tilt(arguments.series, arguments.out, arguments.degrees)
    else:
        export(arguments.series, arguments.out)
    print("wrote", arguments.out)


if __name__ == "__main__":
    main()

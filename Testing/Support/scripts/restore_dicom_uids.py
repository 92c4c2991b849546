"""Copies a DICOM series whose anonymiser blanked its UIDs, with UIDs put back, for the SEG/RTSTRUCT tests.

Usage: restore_dicom_uids.py SOURCE_FOLDER TARGET_FOLDER
The shared example_ct_dicom series has empty SOP Class/Instance, Study and Series Instance UIDs in its data
sets (the file meta information keeps the SOP ones). The copy takes the SOP UIDs from the file meta
information and fixed Study and Series Instance UIDs; pixels (JPEG 2000) and geometry are untouched.
"""
import os
import sys

import pydicom

source, target = sys.argv[1], sys.argv[2]
os.makedirs(target, exist_ok=True)
for name in sorted(os.listdir(source)):
    data = pydicom.dcmread(os.path.join(source, name))
    data.SOPClassUID = data.file_meta.MediaStorageSOPClassUID
    data.SOPInstanceUID = data.file_meta.MediaStorageSOPInstanceUID
    data.StudyInstanceUID = "2.25.118000000000000000000000000000001"
    data.SeriesInstanceUID = "2.25.118000000000000000000000000000002"
    data.save_as(os.path.join(target, name))

"""Reads a DICOM SEG back with pydicom, independently of the writer (DCMTK), for the SEG tests.

Usage: read_seg.py SEG.dcm FRAMES.raw
Prints, one line each:
  orientation r0 r1 r2 c0 c1 c2      (shared ImageOrientationPatient)
  spacing row column                 (shared PixelSpacing)
  size rows columns
  segment NUMBER LABEL NAME          (LABEL parsed from "SkipSeg label N")
  frame SEGMENT x y z SOPINSTANCE    (per frame: ImagePositionPatient and the referenced source instance)
and writes every frame's pixels (uint8 0/1, rows x columns, in frame order) to FRAMES.raw.
"""
import sys

import numpy
import pydicom

seg = pydicom.dcmread(sys.argv[1])
shared = seg.SharedFunctionalGroupsSequence[0]
print("orientation", *shared.PlaneOrientationSequence[0].ImageOrientationPatient)
print("spacing", *shared.PixelMeasuresSequence[0].PixelSpacing)
print("size", seg.Rows, seg.Columns)
for segment in seg.SegmentSequence:
    label = int(segment.SegmentDescription.split()[-1])
    print("segment", segment.SegmentNumber, label, segment.SegmentLabel.replace(" ", "_"))
pixels = seg.pixel_array.reshape(int(seg.NumberOfFrames), seg.Rows, seg.Columns).astype(numpy.uint8)
pixels.tofile(sys.argv[2])
for frame in seg.PerFrameFunctionalGroupsSequence:
    number = frame.SegmentIdentificationSequence[0].ReferencedSegmentNumber
    position = frame.PlanePositionSequence[0].ImagePositionPatient
    source = frame.DerivationImageSequence[0].SourceImageSequence[0].ReferencedSOPInstanceUID
    print("frame", number, *position, source)

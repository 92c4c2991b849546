"""Reads an RT Structure Set back with pydicom, independently of the writer (DCMTK), for the RTSTRUCT tests.

Usage: read_rtstruct.py RTSTRUCT.dcm
Prints, one line each:
  roi NUMBER LABEL NAME R G B                  (LABEL parsed from the ROI description "SkipSeg label N")
  contour ROINUMBER SOPINSTANCE TYPE N x1 y1 z1 ... xN yN zN
"""
import sys

import pydicom

rt = pydicom.dcmread(sys.argv[1])
for roi in rt.StructureSetROISequence:
    label = int(roi.ROIDescription.split()[-1])
    colour = next(c.ROIDisplayColor for c in rt.ROIContourSequence if c.ReferencedROINumber == roi.ROINumber)
    print("roi", roi.ROINumber, label, roi.ROIName.replace(" ", "_"), *colour)
for roi in rt.ROIContourSequence:
    for contour in getattr(roi, "ContourSequence", []):
        points = [float(value) for value in contour.ContourData]
        source = contour.ContourImageSequence[0].ReferencedSOPInstanceUID
        print("contour", roi.ReferencedROINumber, source, contour.ContourGeometricType,
              contour.NumberOfContourPoints, *("%.17g" % value for value in points))

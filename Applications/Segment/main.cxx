#include "skipseg/programs/SegmentProgram.h"

int main(int argc, char** argv) {
  return skipseg::programs::segmentMain({argv + 1, argv + argc});
}

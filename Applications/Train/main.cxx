#include "skipseg/programs/TrainProgram.h"

int main(int argc, char** argv) {
  return skipseg::programs::trainMain({argv + 1, argv + argc});
}

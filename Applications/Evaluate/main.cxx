#include "skipseg/programs/EvaluateProgram.h"

int main(int argc, char** argv) {
  return skipseg::programs::evaluateMain({argv + 1, argv + argc});
}

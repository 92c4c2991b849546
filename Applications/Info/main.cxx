#include "skipseg/programs/InfoProgram.h"

int main(int argc, char** argv) {
  return skipseg::programs::infoMain({argv + 1, argv + argc});
}

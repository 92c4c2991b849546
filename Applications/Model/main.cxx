#include "skipseg/programs/ModelProgram.h"

int main(int argc, char** argv) {
  return skipseg::programs::modelMain({argv + 1, argv + argc});
}

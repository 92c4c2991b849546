#include "skipseg/programs/PlanProgram.h"

int main(int argc, char** argv) {
  return skipseg::programs::planMain({argv + 1, argv + argc});
}

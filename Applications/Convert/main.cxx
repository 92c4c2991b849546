#include "skipseg/programs/ConvertProgram.h"

int main(int argc, char** argv) {
  return skipseg::programs::convertMain({argv + 1, argv + argc});
}

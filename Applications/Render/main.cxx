#include "skipseg/programs/RenderProgram.h"

int main(int argc, char** argv) {
  return skipseg::programs::renderMain({argv + 1, argv + argc});
}

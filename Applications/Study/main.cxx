#include "skipseg/programs/StudyProgram.h"

int main(int argc, char** argv) {
  return skipseg::programs::studyMain({argv + 1, argv + argc});
}

#include "skipseg/core/Version.h"

namespace skipseg {

std::string version() {
  return SKIPSEG_VERSION_STRING;
}

}  // namespace skipseg

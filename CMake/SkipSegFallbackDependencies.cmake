# Fallbacks for machines without the Debian packages SkipSeg is normally built with: a GPU machine
# that has PyTorch (with its CMake files) and a compiler but no nlohmann-json, spdlog or GoogleTest
# packages and no internet. Nothing is downloaded: the headers and sources come from CMAKE_PREFIX_PATH
# (Pipelines/gpu-stage-deps.sh copies them from a Debian machine into one folder) or /usr.
#   nlohmann-json: the header nlohmann/json.hpp;
#   spdlog:        spdlog/spdlog.h and fmt/format.h, used header-only (no compiled library needed);
#   GoogleTest:    its source tree (SKIPSEG_GTEST_SOURCE_DIR, or <prefix>/src/googletest), built here
#                  with this project's compiler flags (so it also matches a LibTorch built with the
#                  pre-C++11 string ABI).
# Where the packages exist, their own CMake configurations win and nothing here runs.

if(NOT TARGET nlohmann_json::nlohmann_json)
  find_path(SKIPSEG_NLOHMANN_JSON_INCLUDE_DIR nlohmann/json.hpp)
  if(NOT SKIPSEG_NLOHMANN_JSON_INCLUDE_DIR)
    message(FATAL_ERROR "nlohmann-json not found: install nlohmann-json3-dev, or put its headers under a "
                        "CMAKE_PREFIX_PATH entry (Pipelines/gpu-stage-deps.sh)")
  endif()
  add_library(nlohmann_json::nlohmann_json INTERFACE IMPORTED)
  target_include_directories(nlohmann_json::nlohmann_json SYSTEM INTERFACE ${SKIPSEG_NLOHMANN_JSON_INCLUDE_DIR})
  message(STATUS "nlohmann-json: headers from ${SKIPSEG_NLOHMANN_JSON_INCLUDE_DIR}")
endif()

if(NOT TARGET spdlog::spdlog)
  find_path(SKIPSEG_SPDLOG_INCLUDE_DIR spdlog/spdlog.h)
  find_path(SKIPSEG_FMT_INCLUDE_DIR fmt/format.h)
  if(NOT SKIPSEG_SPDLOG_INCLUDE_DIR OR NOT SKIPSEG_FMT_INCLUDE_DIR)
    message(FATAL_ERROR "spdlog not found: install libspdlog-dev, or put the spdlog and fmt headers under a "
                        "CMAKE_PREFIX_PATH entry (Pipelines/gpu-stage-deps.sh)")
  endif()
  add_library(spdlog::spdlog INTERFACE IMPORTED)
  target_include_directories(spdlog::spdlog SYSTEM INTERFACE ${SKIPSEG_SPDLOG_INCLUDE_DIR} ${SKIPSEG_FMT_INCLUDE_DIR})
  # Without SPDLOG_COMPILED_LIB spdlog compiles itself into each user; fmt likewise with FMT_HEADER_ONLY.
  target_compile_definitions(spdlog::spdlog INTERFACE SPDLOG_FMT_EXTERNAL FMT_HEADER_ONLY)
  message(STATUS "spdlog: header-only from ${SKIPSEG_SPDLOG_INCLUDE_DIR}")
endif()

if(SKIPSEG_BUILD_TESTING AND NOT TARGET GTest::gtest)
  find_path(SKIPSEG_GTEST_SOURCE_DIR googletest/CMakeLists.txt
    PATH_SUFFIXES src/googletest src/gtest NO_CMAKE_SYSTEM_PATH)
  if(NOT SKIPSEG_GTEST_SOURCE_DIR AND EXISTS /usr/src/googletest/googletest/CMakeLists.txt)
    set(SKIPSEG_GTEST_SOURCE_DIR /usr/src/googletest CACHE PATH "GoogleTest source tree" FORCE)
  endif()
  if(NOT SKIPSEG_GTEST_SOURCE_DIR)
    message(FATAL_ERROR "GoogleTest not found: install libgtest-dev (or googletest), put its source tree under a "
                        "CMAKE_PREFIX_PATH entry as src/googletest (Pipelines/gpu-stage-deps.sh), or configure "
                        "with -DSKIPSEG_BUILD_TESTING=OFF")
  endif()
  set(BUILD_GMOCK OFF CACHE BOOL "" FORCE)
  set(INSTALL_GTEST OFF CACHE BOOL "" FORCE)
  add_subdirectory(${SKIPSEG_GTEST_SOURCE_DIR}/googletest ${CMAKE_BINARY_DIR}/_deps/googletest EXCLUDE_FROM_ALL)
  # GoogleTest 1.11+ defines these aliases itself; older trees do not.
  if(NOT TARGET GTest::gtest)
    add_library(GTest::gtest ALIAS gtest)
    add_library(GTest::gtest_main ALIAS gtest_main)
  endif()
  message(STATUS "GoogleTest: built from ${SKIPSEG_GTEST_SOURCE_DIR}")
endif()

# Configures the source tree again with -DSKIPSEG_BUILD_TESTING=OFF (as
# CMake/SkipSegFallbackDependencies.cmake recommends on machines without GoogleTest) in a scratch
# folder, and fails when that configuration fails or still registers tests. Configuring only: seconds.
file(REMOVE_RECURSE "${SCRATCH}")
execute_process(
  COMMAND "${CMAKE_COMMAND}" -S "${SOURCE}" -B "${SCRATCH}" -G "${GENERATOR}"
    -DSKIPSEG_BUILD_TESTING=OFF -DSKIPSEG_BUILD_BENCHMARKS=OFF "-DTorch_DIR=${TORCH_DIR}"
    "-DCMAKE_PREFIX_PATH=${PREFIX_PATH}"
  RESULT_VARIABLE result
  OUTPUT_VARIABLE output
  ERROR_VARIABLE output)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "configuring with -DSKIPSEG_BUILD_TESTING=OFF failed:\n${output}")
endif()
if(EXISTS "${SCRATCH}/CTestTestfile.cmake")
  message(FATAL_ERROR "-DSKIPSEG_BUILD_TESTING=OFF still registered tests (${SCRATCH}/CTestTestfile.cmake)")
endif()
file(REMOVE_RECURSE "${SCRATCH}")

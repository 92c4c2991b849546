# Test helpers: every module test is a GoogleTest program registered through CTest, labelled with
# its module's name (and `slow` where asked), and told where the shared data and fixtures are.
include(GoogleTest)

set(SKIPSEG_SHARED_DIR "${CMAKE_SOURCE_DIR}/../shared" CACHE PATH
  "The shared/ folder beside the checkout (data/ and fixtures/); SKIPSEG_SHARED_DATA overrides data/ at run time")

# Environment given to every test.
set(SKIPSEG_TEST_ENVIRONMENT
  "SKIPSEG_SOURCE_DIR=${CMAKE_SOURCE_DIR}"
  "SKIPSEG_BINARY_DIR=${CMAKE_BINARY_DIR}"
  "SKIPSEG_SHARED_DIR=${SKIPSEG_SHARED_DIR}")

# skipseg_add_module_test(NAME <program> SOURCES <files> [LABELS <labels>] [LINKS <targets>] [TIMEOUT <s>])
# Must be called from a module's CMakeLists.txt after skipseg_add_module_library().
function(skipseg_add_module_test)
  if(NOT SKIPSEG_BUILD_TESTING)
    return()
  endif()
  cmake_parse_arguments(_T "" "NAME;TIMEOUT" "SOURCES;LABELS;LINKS" ${ARGN})
  set(module ${SKIPSEG_MODULE_NAME})
  get_property(_tdeps GLOBAL PROPERTY SKIPSEG_MODULE_${module}_TEST_DEPENDS)
  add_executable(${_T_NAME} ${_T_SOURCES})
  target_link_libraries(${_T_NAME} PRIVATE ${module} ${_tdeps} ${_T_LINKS} SkipSegTestSupport SkipSegTestMain)
  get_property(_features GLOBAL PROPERTY SKIPSEG_MODULE_${module}_FEATURE_DEFINITIONS)
  # Tests of pictures and meshes skip themselves in a build without VTK (SKIPSEG_WITH_VTK=OFF).
  if(SKIPSEG_WITH_VTK AND NOT SKIPSEG_TORCH_ONLY)
    list(APPEND _features SKIPSEG_TESTS_HAVE_VTK=1)
  else()
    list(APPEND _features SKIPSEG_TESTS_HAVE_VTK=0)
  endif()
  target_compile_definitions(${_T_NAME} PRIVATE ${_features})
  if(NOT _T_TIMEOUT)
    set(_T_TIMEOUT 600)
  endif()
  gtest_discover_tests(${_T_NAME}
    DISCOVERY_MODE PRE_TEST
    DISCOVERY_TIMEOUT 60
    PROPERTIES LABELS "${module};${_T_LABELS}" ENVIRONMENT "${SKIPSEG_TEST_ENVIRONMENT}" TIMEOUT ${_T_TIMEOUT})
endfunction()

# skipseg_add_benchmark(NAME <program> SOURCES <files> LINKS <targets>)
function(skipseg_add_benchmark)
  if(NOT SKIPSEG_BUILD_BENCHMARKS)
    return()
  endif()
  cmake_parse_arguments(_B "" "NAME" "SOURCES;LINKS" ${ARGN})
  add_executable(${_B_NAME} ${_B_SOURCES})
  target_link_libraries(${_B_NAME} PRIVATE ${_B_LINKS} benchmark::benchmark)
endfunction()

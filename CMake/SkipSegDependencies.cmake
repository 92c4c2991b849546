# Finds the third-party libraries once, so that modules only name them (EXTERNAL in skipseg-module.cmake).
# Torch_DIR may point at any LibTorch (e.g. a CUDA build from PyTorch 2.x) without other changes.
find_package(Torch REQUIRED)
find_package(nlohmann_json 3.9 QUIET)
find_package(spdlog QUIET)
find_package(Threads REQUIRED)
# A LibTorch built with the pre-C++11 std::string ABI (some PyTorch wheels) must be matched by every
# file that passes std::string across to Torch code, which in SkipSeg is all of them.
if(TORCH_CXX_FLAGS MATCHES "_GLIBCXX_USE_CXX11_ABI=0")
  add_compile_definitions(_GLIBCXX_USE_CXX11_ABI=0)
  message(STATUS "LibTorch uses the pre-C++11 string ABI: SkipSeg is compiled to match")
endif()

# Torch's exported flags carry -D_GLIBCXX_USE_CXX11_ABI; keep them on the Torch target only.
add_library(skipseg_external_Torch INTERFACE)
target_link_libraries(skipseg_external_Torch INTERFACE ${TORCH_LIBRARIES})
target_include_directories(skipseg_external_Torch SYSTEM INTERFACE ${TORCH_INCLUDE_DIRS})
# PyTorch's wheels (2.5 and later, pytorch/pytorch#133437) export copies of libstdc++'s std::filesystem
# functions that were linked statically into libtorch_cpu.so. An executable lists LibTorch before the C++
# runtime, so the dynamic linker then takes std::filesystem from LibTorch, for the runtime's own calls
# too, mixing two implementations. With PyTorch 2.11 exactly the nine tests that create and remove a
# folder crashed (Documentation/GPU.md). Naming libstdc++ first makes the runtime's definitions win;
# the CppRuntime test checks where they come from.
if(CMAKE_SYSTEM_NAME STREQUAL "Linux" AND CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
  target_link_options(skipseg_external_Torch INTERFACE "SHELL:-Wl,--push-state,--no-as-needed -lstdc++ -Wl,--pop-state")
endif()

add_library(skipseg_external_Json INTERFACE)
target_link_libraries(skipseg_external_Json INTERFACE nlohmann_json::nlohmann_json)

add_library(skipseg_external_Log INTERFACE)
target_link_libraries(skipseg_external_Log INTERFACE spdlog::spdlog Threads::Threads)

if(NOT SKIPSEG_TORCH_ONLY)
  # Only the components whose headers SkipSeg includes (ITK adds what they depend on).
  find_package(ITK 5.2 REQUIRED COMPONENTS
    ITKCommon ITKIOImageBase ITKIONIFTI ITKIONRRD ITKIOMeta ITKIOGDCM ITKGDCM
    ITKImageGrid ITKImageFilterBase ITKDistanceMap ITKImageFunction ITKTransform)
  # No include(${ITK_USE_FILE}): it would add ITK's include folders to every target, Torch ones too.
  # The IO module registers the image IO factories it supports explicitly instead.
  add_library(skipseg_external_ITK INTERFACE)
  target_link_libraries(skipseg_external_ITK INTERFACE ${ITK_LIBRARIES})
  target_include_directories(skipseg_external_ITK SYSTEM INTERFACE ${ITK_INCLUDE_DIRS})

  if(SKIPSEG_WITH_VTK)
    find_package(VTK 9.1 REQUIRED COMPONENTS
      CommonCore CommonDataModel CommonExecutionModel FiltersCore FiltersGeneral FiltersModeling
      ImagingCore IOGeometry IOXML IOImage RenderingCore RenderingOpenGL2 RenderingFreeType
      InteractionStyle ChartsCore ViewsContext2D RenderingContextOpenGL2 FiltersGeometry)
    add_library(skipseg_external_VTK INTERFACE)
    target_link_libraries(skipseg_external_VTK INTERFACE ${VTK_LIBRARIES})
  else()
    # GPU machines have neither VTK nor a display: the programs are built without pictures and meshes.
    message(STATUS "SKIPSEG_WITH_VTK is OFF: no skipseg-render, no --render, no training curve pictures")
  endif()

  find_package(Boost 1.74 REQUIRED COMPONENTS program_options)
  add_library(skipseg_external_ProgramOptions INTERFACE)
  target_link_libraries(skipseg_external_ProgramOptions INTERFACE Boost::program_options)

  # zlib: counting the decompressed bytes of a .nii.gz (SkipSegImageIO's completeness check).
  find_package(ZLIB REQUIRED)
  add_library(skipseg_external_ZLIB INTERFACE)
  target_link_libraries(skipseg_external_ZLIB INTERFACE ZLIB::ZLIB)

  # DCMTK (libdcmtk-dev): DICOM SEG (dcmseg, dcmfg, dcmiod) and RT Structure Sets (dcmrt) that reference
  # their source series (SkipSegDicomObjects); DICOM encoding is DCMTK's, never SkipSeg's own.
  if(SKIPSEG_WITH_DCMTK)
    find_package(DCMTK REQUIRED CONFIG)
    add_library(skipseg_external_DCMTK INTERFACE)
    target_link_libraries(skipseg_external_DCMTK INTERFACE DCMTK::dcmseg DCMTK::dcmfg DCMTK::dcmiod DCMTK::dcmrt
      DCMTK::dcmdata DCMTK::oflog DCMTK::ofstd)
  else()
    # The GPU machine's staged Debian libraries do not include DCMTK: the programs refuse the DICOM outputs.
    message(STATUS "SKIPSEG_WITH_DCMTK is OFF: no --output-dicom-seg, --output-rtstruct")
  endif()

  # OpenSSL's libcrypto: SHA-256 for skipseg-batch's journal fingerprints (SkipSegBatch).
  find_package(OpenSSL REQUIRED COMPONENTS Crypto)
  add_library(skipseg_external_OpenSSL INTERFACE)
  target_link_libraries(skipseg_external_OpenSSL INTERFACE OpenSSL::Crypto)
else()
  find_package(Boost 1.71 QUIET COMPONENTS program_options)
  if(Boost_FOUND)
    add_library(skipseg_external_ProgramOptions INTERFACE)
    target_link_libraries(skipseg_external_ProgramOptions INTERFACE Boost::program_options)
  endif()
endif()

if(SKIPSEG_BUILD_TESTING)
  find_package(GTest QUIET)
endif()
# Header-only / from-source stand-ins where the packages above are missing (GPU machines).
include(SkipSegFallbackDependencies)
if(SKIPSEG_BUILD_BENCHMARKS)
  find_package(benchmark QUIET)
  if(NOT benchmark_FOUND)
    message(STATUS "Google Benchmark not found: benchmark programs are not built")
    set(SKIPSEG_BUILD_BENCHMARKS OFF)
  endif()
endif()

// Which library supplies std::filesystem in a process that has LibTorch loaded. PyTorch's wheels export
// copies of libstdc++'s filesystem functions (pytorch/pytorch#133437); if they won the dynamic linker's
// lookup, saving a model or removing a folder would run two mixed implementations (it crashed with
// PyTorch 2.11). SkipSeg links the C++ runtime ahead of LibTorch (CMake/SkipSegDependencies.cmake).
// This program also links libskipseg_filesystem_standin where LibTorch sits, ahead of libstdc++: a
// library exporting its own remove_all that removes nothing, so the tests fail on any machine if the
// link order is lost.
#include "skipseg/testing/TemporaryDirectory.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <dlfcn.h>
#include <link.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

/// The loaded objects in the order the dynamic linker searches them for a symbol.
std::vector<std::string> loadedObjectsInSearchOrder() {
  std::vector<std::string> names;
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void* data) {
        static_cast<std::vector<std::string>*>(data)->push_back(info->dlpi_name ? info->dlpi_name : "");
        return 0;
      },
      &names);
  return names;
}

bool isCppRuntime(const std::string& path) {
  return path.find("libstdc++.so") != std::string::npos;
}

bool isLibTorch(const std::string& path) {
  const std::string name = std::filesystem::path(path).filename().string();
  return name.rfind("libtorch", 0) == 0 || name.rfind("libc10", 0) == 0;
}

std::string objectDefining(const void* address) {
  Dl_info info{};
  return address && dladdr(address, &info) && info.dli_fname ? info.dli_fname : "";
}

TEST(CppRuntime, IsSearchedBeforeLibTorch) {
  (void)at::ones({1});  // LibTorch is loaded and in use
  const auto objects = loadedObjectsInSearchOrder();
  size_t runtime = objects.size(), firstTorch = objects.size();
  for (size_t i = 0; i < objects.size(); ++i) {
    if (isCppRuntime(objects[i]) && runtime == objects.size())
      runtime = i;
    if (isLibTorch(objects[i]) && firstTorch == objects.size())
      firstTorch = i;
  }
  ASSERT_LT(runtime, objects.size()) << "libstdc++ is not loaded";
  ASSERT_LT(firstTorch, objects.size()) << "LibTorch is not loaded";
  EXPECT_LT(runtime, firstTorch) << objects[firstTorch] << " is searched before " << objects[runtime];
}

bool standInLoaded() {
  for (const auto& object : loadedObjectsInSearchOrder()) {
    if (object.find("libskipseg_filesystem_standin") != std::string::npos)
      return true;
  }
  return false;
}

TEST(CppRuntime, RemovingAFolderWorksWhereAnotherLibraryExportsRemoveAll) {
  ASSERT_TRUE(standInLoaded()) << "the stand-in library is not loaded: this test would prove nothing";
  (void)at::ones({1});
  skipseg::testing::TemporaryDirectory scratch;
  const std::filesystem::path folder = scratch.file("tree");
  std::filesystem::create_directories(folder / "inner");
  std::ofstream(folder / "inner" / "file.txt") << "x";
  std::error_code error;
  EXPECT_EQ(std::filesystem::remove_all(folder, error), 3u) << error.message();
  EXPECT_FALSE(error) << error.message();
  EXPECT_FALSE(std::filesystem::exists(folder));
}

TEST(CppRuntime, FilesystemFunctionsComeFromTheCppRuntimeEvenWhereLibTorchExportsCopies) {
  ASSERT_TRUE(standInLoaded());
  // Both string ABIs: the functions std::filesystem::remove_all and temp_directory_path use inside.
  const std::vector<std::string> symbols{
      "_ZNSt10filesystem10remove_allERKNS_7__cxx114pathERSt10error_code",
      "_ZNSt10filesystem10remove_allERKNS_4pathERSt10error_code",
      "_ZNSt10filesystem7__cxx1128recursive_directory_iterator9incrementERSt10error_code",
      "_ZNSt10filesystem28recursive_directory_iterator9incrementERSt10error_code",
      "_ZNSt10filesystem7__cxx114path14_M_split_cmptsEv",
      "_ZNSt10filesystem19temp_directory_pathB5cxx11ERSt10error_code"};
  int resolved = 0;
  for (const std::string& symbol : symbols) {
    const std::string definedIn = objectDefining(dlsym(RTLD_DEFAULT, symbol.c_str()));
    if (definedIn.empty()) {
      continue;  // not in this libstdc++ (another ABI or version)
    }
    ++resolved;
    EXPECT_TRUE(isCppRuntime(definedIn)) << symbol << " resolves to " << definedIn;
  }
  EXPECT_GE(resolved, 3) << "the C++ runtime's filesystem functions were not found at all";
}

}  // namespace

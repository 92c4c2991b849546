// A stand-in for what PyTorch's wheels do (pytorch/pytorch#133437): a library, linked like LibTorch ahead
// of the C++ runtime, that exports its own std::filesystem::remove_all. This one removes nothing and
// says so, so that CppRuntimeTest sees at once whose remove_all a program calls.
#include <filesystem>

namespace std::filesystem {

uintmax_t remove_all(const path&, error_code& error) {
  error = make_error_code(errc::operation_not_supported);
  return static_cast<uintmax_t>(-1);
}

}  // namespace std::filesystem

#pragma once
#include <string>

namespace skipseg::testing {

/// A fresh folder under the system temporary directory, removed with everything in it on destruction.
class TemporaryDirectory {
 public:
  TemporaryDirectory();
  ~TemporaryDirectory();
  TemporaryDirectory(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;

  const std::string& path() const { return path_; }
  /// path()/name
  std::string file(const std::string& name) const;
  /// Names of the entries in the folder, sorted (to assert that nothing partial was left behind).
  std::string listing() const;
  /// The same for any folder ("" when it does not exist).
  static std::string listingOf(const std::string& folder);

 private:
  std::string path_;
};

}  // namespace skipseg::testing

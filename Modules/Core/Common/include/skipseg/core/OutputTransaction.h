#pragma once
// All-or-nothing for a group of outputs. While an OutputTransaction lives on a thread, every file
// committed on that thread (AtomicOutput::commit, commitFile) is recorded with the file it replaced;
// unless commit() is called, the destructor undoes them: new files are removed and replaced files come
// back. Transactions nest: an inner commit hands its files to the enclosing transaction.
#include <string>
#include <vector>

namespace skipseg {

class OutputTransaction {
 public:
  OutputTransaction();
  /// Rolls back unless committed.
  ~OutputTransaction();
  OutputTransaction(const OutputTransaction&) = delete;
  OutputTransaction& operator=(const OutputTransaction&) = delete;

  /// A safe point (throwIfInterrupted: a signal now still rolls everything back), then keeps every file.
  void commit();
  /// The files committed so far, in order.
  std::vector<std::string> files() const;

  /// The innermost transaction of this thread, or nullptr.
  static OutputTransaction* current();
  /// Called by commitFile: `target` was just put in place; `previous` holds the file it replaced ("" if none).
  void record(const std::string& target, const std::string& previous);

 private:
  struct Entry {
    std::string target;
    std::string previous;
  };
  void rollBack() noexcept;

  std::vector<Entry> entries_;
  OutputTransaction* enclosing_ = nullptr;
  bool done_ = false;
};

}  // namespace skipseg

#include "skipseg/core/OutputTransaction.h"

#include "skipseg/core/Interrupt.h"

#include <filesystem>

namespace fs = std::filesystem;

namespace skipseg {
namespace {
thread_local OutputTransaction* innermost = nullptr;
}

OutputTransaction::OutputTransaction() : enclosing_(innermost) {
  innermost = this;
}

OutputTransaction::~OutputTransaction() {
  if (!done_) {
    rollBack();
  }
  innermost = enclosing_;
}

OutputTransaction* OutputTransaction::current() {
  return innermost;
}

void OutputTransaction::record(const std::string& target, const std::string& previous) {
  entries_.push_back({target, previous});
}

std::vector<std::string> OutputTransaction::files() const {
  std::vector<std::string> files;
  for (const auto& entry : entries_) {
    files.push_back(entry.target);
  }
  return files;
}

void OutputTransaction::commit() {
  throwIfInterrupted();
  done_ = true;
  if (enclosing_ != nullptr) {
    for (const auto& entry : entries_) {
      enclosing_->record(entry.target, entry.previous);
    }
    return;
  }
  for (const auto& entry : entries_) {
    if (!entry.previous.empty()) {
      std::error_code error;
      fs::remove(entry.previous, error);
    }
  }
}

void OutputTransaction::rollBack() noexcept {
  done_ = true;
  // Newest first: a target written twice gets its oldest version back.
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    std::error_code error;
    if (it->previous.empty()) {
      fs::remove(it->target, error);
    } else {
      fs::rename(it->previous, it->target, error);
    }
  }
}

}  // namespace skipseg

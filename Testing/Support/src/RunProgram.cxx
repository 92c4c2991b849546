#include "skipseg/testing/RunProgram.h"

#include "skipseg/testing/TestData.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace skipseg::testing {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace

ProgramResult runProgram(const std::string& program, const std::vector<std::string>& arguments) {
  return StartedProgram(program, arguments).wait();
}

StartedProgram::StartedProgram(const std::string& program, const std::vector<std::string>& arguments) {
  const std::string executable = program.find('/') == std::string::npos ? binaryDir() + "/" + program : program;
  char folder[] = "/tmp/skipseg-program-XXXXXX";
  if (mkdtemp(folder) == nullptr) {
    throw std::runtime_error("mkdtemp failed");
  }
  captureFolder_ = folder;
  const std::string outPath = captureFolder_ + "/stdout";
  const std::string errPath = captureFolder_ + "/stderr";
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(executable.c_str()));
  for (const auto& argument : arguments) {
    argv.push_back(const_cast<char*>(argument.c_str()));
  }
  argv.push_back(nullptr);
  pid_ = fork();
  if (pid_ < 0) {
    throw std::runtime_error("fork failed");
  }
  if (pid_ == 0) {
    const int outFd = open(outPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int errFd = open(errPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(outFd, STDOUT_FILENO);
    dup2(errFd, STDERR_FILENO);
    execv(executable.c_str(), argv.data());
    _exit(127);
  }
}

StartedProgram::~StartedProgram() {
  if (pid_ > 0 && !reaped_) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  unlink((captureFolder_ + "/stdout").c_str());
  unlink((captureFolder_ + "/stderr").c_str());
  rmdir(captureFolder_.c_str());
}

bool StartedProgram::finished() {
  if (!reaped_ && pid_ > 0 && waitpid(pid_, &status_, WNOHANG) == pid_) {
    reaped_ = true;
  }
  return reaped_;
}

void StartedProgram::signal(int signal) const {
  if (pid_ > 0 && !reaped_) {
    ::kill(pid_, signal);
  }
}

std::string StartedProgram::standardError() const {
  return slurp(captureFolder_ + "/stderr");
}

ProgramResult StartedProgram::wait() {
  ProgramResult result;
  if (!reaped_ && pid_ > 0 && waitpid(pid_, &status_, 0) == pid_) {
    reaped_ = true;
  }
  if (reaped_) {
    killedBy_ = WIFSIGNALED(status_) ? WTERMSIG(status_) : 0;
    result.exitCode = WIFEXITED(status_) ? WEXITSTATUS(status_) : 128 + WTERMSIG(status_);
  }
  result.standardOutput = slurp(captureFolder_ + "/stdout");
  result.standardError = slurp(captureFolder_ + "/stderr");
  return result;
}

}  // namespace skipseg::testing

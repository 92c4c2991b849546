// The only translation unit that includes c10d. LibTorch 1.13 and 2.x share the calls used here (TCPStore
// with TCPStoreOptions, PrefixStore, ProcessGroupGloo/NCCL(store, rank, size, options), c10d::Work::wait);
// where they differ the difference is guarded by TORCH_VERSION_MAJOR. SKIPSEG_C10D_GLOO and SKIPSEG_C10D_NCCL
// come from this module's CMakeLists.txt, which checks that the headers of each backend are present. Not
// Torch's own USE_C10D_GLOO: a LibTorch built with Gloo exports that macro to its users (Debian trixie's
// 2.6 does) even when Gloo's headers are not installed.
#include "skipseg/distributed/Communicator.h"

#include "skipseg/core/Error.h"

#include <ATen/ATen.h>
#include <spdlog/spdlog.h>
#include <torch/version.h>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/csrc/distributed/c10d/Types.hpp>
#include <torch/csrc/distributed/c10d/Work.hpp>
#ifdef SKIPSEG_C10D_GLOO
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#endif
#ifdef SKIPSEG_C10D_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include <atomic>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <map>
#include <mutex>
#include <thread>

namespace skipseg::distributed {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kHeartbeatPeriod = std::chrono::milliseconds(500);
// After a failed collective: a rank whose heartbeat does not move for this long is taken for lost.
constexpr auto kSilenceAfterFailure = std::chrono::seconds(3);
// In a barrier (ranks busy with long work, machines possibly loaded): a more patient threshold.
constexpr auto kSilenceInBarrier = std::chrono::seconds(20);
// Store requests once joined: short, so that a lost store host is noticed quickly.
constexpr auto kStoreRequestTimeout = std::chrono::seconds(10);

std::vector<std::uint8_t> bytes(const std::string& text) {
  return {text.begin(), text.end()};
}

std::string text(const std::vector<std::uint8_t>& value) {
  return {value.begin(), value.end()};
}

// LibTorch 2.4 and later ask for the libuv store backend by default, and a LibTorch built without libuv
// (Debian trixie's 2.6) refuses that request; older ones have no such option.
template <typename Options>
auto withoutLibUv(Options options, int) -> decltype(options.useLibUV = false, Options()) {
  options.useLibUV = false;
  return options;
}
template <typename Options>
Options withoutLibUv(Options options, long) {
  return options;
}

c10::intrusive_ptr<c10d::Store> connectStore(const LaunchEnvironment& environment, bool serve,
                                             std::chrono::milliseconds timeout) {
  c10d::TCPStoreOptions options;
  options.port = static_cast<std::uint16_t>(environment.masterPort);
  options.isServer = serve;
  options.waitWorkers = false;  // the ranks meet in the "joined" barrier, which names who is missing
  options.timeout = timeout;
  try {
    return c10::make_intrusive<c10d::TCPStore>(environment.masterAddress, options);
  } catch (const c10::Error& error) {
    if (std::string(error.what_without_backtrace()).find("libuv") == std::string::npos) {
      throw;
    }
    return c10::make_intrusive<c10d::TCPStore>(environment.masterAddress, withoutLibUv(options, 0));
  }
}

std::string where(const LaunchEnvironment& environment) {
  return environment.masterAddress + ":" + std::to_string(environment.masterPort);
}

std::string rankList(const std::vector<int>& ranks) {
  std::string list;
  for (std::size_t i = 0; i < ranks.size(); ++i) {
    list += (i == 0 ? "" : i + 1 == ranks.size() ? " and " : ", ") + std::to_string(ranks[i]);
  }
  return list;
}

}  // namespace

bool backendAvailable(const std::string& backend) {
#ifdef SKIPSEG_C10D_GLOO
  if (backend == "gloo") {
    return true;
  }
#endif
#ifdef SKIPSEG_C10D_NCCL
  if (backend == "nccl") {
    return true;
  }
#endif
  (void)backend;
  return false;
}

struct Communicator::Implementation {
  LaunchEnvironment environment;
  CommunicatorOptions options;
  c10::intrusive_ptr<c10d::Store> store;           // this rank's requests (prefixed)
  c10::intrusive_ptr<c10d::Store> heartbeatStore;  // the heartbeat thread's own connection
#ifdef SKIPSEG_C10D_GLOO
  c10::intrusive_ptr<c10d::ProcessGroupGloo> gloo;
#endif
#ifdef SKIPSEG_C10D_NCCL
  c10::intrusive_ptr<c10d::ProcessGroupNCCL> nccl;
#endif
  std::thread heartbeat;
  std::mutex heartbeatMutex;
  std::condition_variable heartbeatStop;
  bool stopping = false;
  std::atomic<double> blockedSeconds{0.0};

  ~Implementation() {
    {
      std::lock_guard<std::mutex> lock(heartbeatMutex);
      stopping = true;
    }
    heartbeatStop.notify_all();
    if (heartbeat.joinable()) {
      heartbeat.join();
    }
  }

  std::string heartbeatKey(int rank) const {
    return "heartbeat/" + std::to_string(rank);
  }

  void beat() {
    std::uint64_t count = 0;
    std::unique_lock<std::mutex> lock(heartbeatMutex);
    while (!stopping) {
      lock.unlock();
      try {
        heartbeatStore->set(heartbeatKey(environment.rank), bytes(std::to_string(++count)));
      } catch (const std::exception&) {
        // The store's host is gone; the main thread finds out at its next collective.
      }
      lock.lock();
      heartbeatStop.wait_for(lock, kHeartbeatPeriod, [this] { return stopping; });
    }
  }

  // Every rank's heartbeat; throws when the store cannot be reached.
  std::map<int, std::string> heartbeats() const {
    std::map<int, std::string> values;
    for (int rank = 0; rank < environment.worldSize; ++rank) {
      const std::string key = heartbeatKey(rank);
      values[rank] = store->check({key}) ? text(store->get(key)) : std::string();
    }
    return values;
  }

  // Ranks whose heartbeat stays still for `silence`; {0} when the store itself is gone and rank 0 served it.
  std::vector<int> silentRanks(std::chrono::milliseconds silence, std::string& storeProblem) const {
    try {
      const auto before = heartbeats();
      std::this_thread::sleep_for(silence);
      const auto after = heartbeats();
      std::vector<int> silent;
      for (const auto& [rank, value] : after) {
        if (rank != environment.rank && value == before.at(rank)) {
          silent.push_back(rank);
        }
      }
      return silent;
    } catch (const std::exception& error) {
      storeProblem = oneLine(error.what());
      return environment.agentServesStore ? std::vector<int>{} : std::vector<int>{0};
    }
  }

  [[noreturn]] void fail(const std::string& during, const std::string& problem) const {
    std::string storeProblem;
    const auto lost = silentRanks(kSilenceAfterFailure, storeProblem);
    if (!lost.empty()) {
      throw Error(ExitCode::Failure, "lost rank " + rankList(lost) + " of " + std::to_string(environment.worldSize) +
                                         " during " + during + " (rank " + std::to_string(environment.rank) +
                                         " stops; " + (storeProblem.empty() ? "no heartbeat" : "store unreachable") +
                                         ")");
    }
    throw Error(ExitCode::Failure, "distributed " + during + " failed on rank " + std::to_string(environment.rank) +
                                       " of " + std::to_string(environment.worldSize) + ": " + oneLine(problem));
  }

  // Starts a collective on the process group in use, whichever backend it is: `start(group)`.
  template <class Start>
  c10::intrusive_ptr<c10d::Work> onGroup(Start&& start) {
#ifdef SKIPSEG_C10D_NCCL
    if (nccl) {
      return start(*nccl);
    }
#endif
#ifdef SKIPSEG_C10D_GLOO
    if (gloo) {
      return start(*gloo);
    }
#endif
    (void)start;
    throw internalError("distributed: no process group");
  }

  c10::intrusive_ptr<c10d::Work> allreduce(std::vector<at::Tensor>& tensors) {
    c10d::AllreduceOptions reduce;
    reduce.reduceOp = c10d::ReduceOp::SUM;
    reduce.timeout = options.timeout;
    return onGroup([&](auto& group) { return group.allreduce(tensors, reduce); });
  }

  c10::intrusive_ptr<c10d::Work> broadcast(std::vector<at::Tensor>& tensors, int root) {
    c10d::BroadcastOptions cast;
    cast.rootRank = root;
    cast.timeout = options.timeout;
    return onGroup([&](auto& group) { return group.broadcast(tensors, cast); });
  }

  void wait(const c10::intrusive_ptr<c10d::Work>& work, const std::string& during) {
    const auto begin = Clock::now();
    try {
      work->wait(options.timeout);
    } catch (const std::exception& error) {
      fail(during, error.what());
    }
    blockedSeconds = blockedSeconds + std::chrono::duration<double>(Clock::now() - begin).count();
  }
};

Communicator::Communicator(std::unique_ptr<Implementation> implementation)
    : implementation_(std::move(implementation)) {}

Communicator::~Communicator() = default;

std::shared_ptr<Communicator> Communicator::connect(const LaunchEnvironment& environment,
                                                    const CommunicatorOptions& options) {
  if (options.backend != "gloo" && options.backend != "nccl") {
    throw usageError("unknown distributed backend \"" + options.backend + "\" (gloo, nccl)");
  }
  if (!backendAvailable(options.backend)) {
    throw unsupported(options.backend, "this build of SkipSeg has no c10d " + options.backend +
                                           " backend (LibTorch or its headers lack it)");
  }
  // A peer that vanishes must end in an error, not in SIGPIPE killing this process silently mid-write.
  std::signal(SIGPIPE, SIG_IGN);
  auto implementation = std::make_unique<Implementation>();
  implementation->environment = environment;
  implementation->options = options;
  auto& self = *implementation;
  const bool serve = environment.rank == 0 && !environment.agentServesStore;
  try {
    auto store = connectStore(environment, serve, options.timeout);
    self.store = c10::make_intrusive<c10d::PrefixStore>(environment.storePrefix, store);
    self.heartbeatStore = c10::make_intrusive<c10d::PrefixStore>(environment.storePrefix,
                                                                 connectStore(environment, false, options.timeout));
  } catch (const std::exception& error) {
    throw Error(ExitCode::Failure, "rank " + std::to_string(environment.rank) + " cannot reach the rendezvous at " +
                                       where(environment) + " within " +
                                       std::to_string(options.timeout.count() / 1000) + " s: " + oneLine(error.what()));
  }
  self.store->setTimeout(kStoreRequestTimeout);
  self.heartbeatStore->setTimeout(kStoreRequestTimeout);
  self.heartbeat = std::thread([&self] { self.beat(); });
  // Everyone must arrive within the timeout: the count of ranks that did tells who is missing.
  {
    self.store->add("joined", 1);
    const auto deadline = Clock::now() + options.timeout;
    while (self.store->add("joined", 0) < environment.worldSize) {
      if (Clock::now() > deadline) {
        throw Error(ExitCode::Failure, "only " + std::to_string(self.store->add("joined", 0)) + " of " +
                                           std::to_string(environment.worldSize) + " ranks joined at " +
                                           where(environment) + " within " +
                                           std::to_string(options.timeout.count() / 1000) + " s");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  try {
    auto groupStore = c10::make_intrusive<c10d::PrefixStore>("group/", self.store);
#ifdef SKIPSEG_C10D_NCCL
    if (options.backend == "nccl") {
      auto ncclOptions = c10d::ProcessGroupNCCL::Options::create();
      ncclOptions->timeout = options.timeout;
      self.nccl =
          c10::make_intrusive<c10d::ProcessGroupNCCL>(groupStore, environment.rank, environment.worldSize, ncclOptions);
    }
#endif
#ifdef SKIPSEG_C10D_GLOO
    if (options.backend == "gloo") {
      auto glooOptions = c10d::ProcessGroupGloo::Options::create(options.timeout);
      // GLOO_SOCKET_IFNAME picks the network interface, as in PyTorch; else the host name's address.
      const char* interface = std::getenv("GLOO_SOCKET_IFNAME");
      glooOptions->devices.push_back(
          interface && *interface ? c10d::ProcessGroupGloo::createDeviceForInterface(interface)
                                  : c10d::ProcessGroupGloo::createDefaultDevice());
      self.gloo =
          c10::make_intrusive<c10d::ProcessGroupGloo>(groupStore, environment.rank, environment.worldSize, glooOptions);
    }
#endif
  } catch (const Error&) {
    throw;
  } catch (const std::exception& error) {
    self.fail("the " + options.backend + " process group's setup", error.what());
  }
  spdlog::info("distributed: rank {} of {} (local rank {}), {} over {}", environment.rank, environment.worldSize,
               environment.localRank, options.backend, where(environment));
  return std::shared_ptr<Communicator>(new Communicator(std::move(implementation)));
}

int Communicator::rank() const {
  return implementation_->environment.rank;
}

int Communicator::worldSize() const {
  return implementation_->environment.worldSize;
}

const std::string& Communicator::backend() const {
  return implementation_->options.backend;
}

double Communicator::blockedSeconds() const {
  return implementation_->blockedSeconds;
}

void Communicator::broadcast(std::vector<at::Tensor> tensors, int root) {
  // One collective per tensor keeps Gloo's requirement of same-shaped inputs out of the way.
  std::vector<c10::intrusive_ptr<c10d::Work>> works;
  for (auto& tensor : tensors) {
    std::vector<at::Tensor> one{tensor};
    works.push_back(implementation_->broadcast(one, root));
  }
  for (const auto& work : works) {
    implementation_->wait(work, "the broadcast of rank " + std::to_string(root) + "'s weights");
  }
}

void Communicator::allreduceSum(at::Tensor& tensor) {
  startAllreduceSum(tensor)();
}

std::function<void()> Communicator::startAllreduceSum(at::Tensor& tensor) {
  Implementation* self = implementation_.get();
  // NCCL reduces CUDA tensors only: CPU values (loss sums, counts) travel through this rank's GPU.
  if (self->options.backend == "nccl" && !tensor.is_cuda()) {
    std::vector<at::Tensor> staged{
        tensor.to(c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(self->environment.localRank)))};
    auto work = self->allreduce(staged);
    at::Tensor target = tensor;
    return [self, work, staged, target]() mutable {
      self->wait(work, "an allreduce");
      target.copy_(staged.front());
    };
  }
  std::vector<at::Tensor> one{tensor};
  auto work = self->allreduce(one);
  return [self, work] { self->wait(work, "an allreduce"); };
}

void Communicator::barrier(const std::string& name) {
  auto& self = *implementation_;
  const auto begin = Clock::now();
  const std::string key = "barrier/" + name;
  try {
    self.store->add(key, 1);
  } catch (const std::exception& error) {
    self.fail("the barrier \"" + name + "\"", error.what());
  }
  std::map<int, std::pair<std::string, Clock::time_point>> seen;
  while (true) {
    std::map<int, std::string> beats;
    try {
      if (self.store->add(key, 0) >= self.environment.worldSize) {
        break;
      }
      beats = self.heartbeats();
    } catch (const std::exception& error) {
      self.fail("the barrier \"" + name + "\"", error.what());
    }
    const auto now = Clock::now();
    std::vector<int> lost;
    for (const auto& [rank, value] : beats) {
      auto found = seen.find(rank);
      if (found == seen.end() || found->second.first != value) {
        seen[rank] = {value, now};
      } else if (rank != self.environment.rank && now - found->second.second > kSilenceInBarrier) {
        lost.push_back(rank);
      }
    }
    if (!lost.empty()) {
      throw Error(ExitCode::Failure, "lost rank " + rankList(lost) + " of " +
                                         std::to_string(self.environment.worldSize) + " while waiting for \"" + name +
                                         "\" (no heartbeat for " + std::to_string(kSilenceInBarrier.count()) + " s)");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  self.blockedSeconds = self.blockedSeconds + std::chrono::duration<double>(Clock::now() - begin).count();
}

}  // namespace skipseg::distributed

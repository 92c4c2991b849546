#pragma once
// The training loop: batches from background threads, Dice + cross-entropy with deep supervision, SGD
// with Nesterov momentum and polynomial learning-rate decay (or AdamW), gradient clipping, bfloat16
// (or loss-scaled float16) autocast on CUDA, a pseudo-Dice on validation patches every epoch, checkpoints every N
// epochs and at the end, and an exact resume.
//
// Why the resume is exact: every random draw of an epoch is derived from (seed, epoch, iteration) --
// batches via batchSeed(), Torch's generator re-seeded at each epoch start -- and the learning rate is
// a function of the epoch, so the checkpoint only needs the weights, the optimizer state (momentum
// buffers, Adam moments), the epoch and the history. Same seed, same thread counts: same weights.
//
// A wall-time budget (TrainerOptions::budgetSeconds) stops training after the iteration at which the
// time is spent, also in the middle of an epoch: that last epoch is recorded with the iterations it
// did, validated and checkpointed, and a resumed trainer whose history ends in it trains no further.
// The iterations such a run does depend on the machine and its load: only the iteration budget
// (epochs x iterations) is reproducible.
//
// Data-parallel (options.communicator set): each rank draws its share of every global batch (the sampler's
// shards), the Dice statistics are summed over the ranks in the forward pass, gradients are averaged with a
// bucketed allreduce during the backward pass, and the initial weights are rank 0's. Every rank then takes
// the same optimizer step, so the weights stay identical; the result matches one process with the global
// batch up to the order of floating-point sums. Validation patches are shared out the same way; checkpoints
// are written by rank 0 only.
#include "skipseg/core/Progress.h"
#include "skipseg/distributed/Communicator.h"
#include "skipseg/nn/SegmentationNetwork.h"
#include "skipseg/training/PatchSampler.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace skipseg::training {

struct TrainerOptions {
  int epochs = 100;
  int iterationsPerEpoch = 250;
  int validationIterations = 50;  ///< validation batches per epoch (no augmentation)
  std::string optimizer = "sgd";  ///< "sgd" (Nesterov) or "adamw"
  double learningRate = 1e-2;     ///< initial; poly decay (1 - epoch / epochs)^0.9
  double weightDecay = 3e-5;
  double momentum = 0.99;      ///< SGD
  double gradientClip = 12.0;  ///< max L2 norm of all gradients; <= 0: off
  std::uint64_t seed = 12345;
  int loaderThreads = 2;       ///< background threads making batches; 0: in the training thread
  int checkpointEvery = 10;    ///< epochs; the last epoch is always saved
  std::string device = "cpu";  ///< "cpu", "cuda", "cuda:1"
  bool mixedPrecision = true;  ///< autocast on CUDA (ignored on the CPU)
  /// "bfloat16", or "float16" with loss scaling (GradientScaler) for GPUs without bfloat16.
  std::string mixedPrecisionType = "bfloat16";
  std::string checkpointPath;  ///< where checkpoints go (a .pt file); empty: none
  /// Wall-time budget in seconds, summed over the epochs' `seconds` (validation included) and over
  /// resumed runs; 0: none (epochs x iterationsPerEpoch only). Not for data-parallel jobs.
  double budgetSeconds = 0;
  /// The ranks of a data-parallel job; null: this process alone. SamplingOptions::batchSize is then the
  /// global batch and must be a multiple of the world size.
  std::shared_ptr<distributed::Communicator> communicator;
};

struct EpochRecord {
  int epoch = 0;             ///< 1-based
  int iterations = 0;        ///< training batches done in this epoch (fewer than planned when the budget ran out)
  bool budgetSpent = false;  ///< the wall-time budget ran out in this epoch: training stopped after it
  double learningRate = 0;
  double trainingLoss = 0;
  double validationLoss = 0;
  double pseudoDice = 0;             ///< mean over foreground classes seen in validation
  std::vector<double> dicePerClass;  ///< classes 1..K-1; NaN when a class never appeared
  double seconds = 0;
  double dataWaitSeconds = 0;       ///< time the training loop waited for batches
  double communicationSeconds = 0;  ///< time blocked in collectives (data-parallel jobs; rank 0's)
  int skippedSteps = 0;             ///< float16: steps skipped because the scaled gradients overflowed
  Json toJson() const;
  static EpochRecord fromJson(const Json& json);
};

class Trainer {
 public:
  Trainer(std::shared_ptr<nn::SegmentationNetwork> network, std::shared_ptr<const std::vector<TrainingCase>> training,
          std::shared_ptr<const std::vector<TrainingCase>> validation, SamplingOptions sampling,
          TrainerOptions options);
  ~Trainer();

  /// Restores weights, optimizer state, epoch and history from a checkpoint written by this trainer.
  void resume(const std::string& checkpointPath);
  /// Trains from the current epoch up to options.epochs (or stops after `stopAfterEpoch` when > 0,
  /// as an interrupted run would). Calls `onEpoch` after every epoch.
  void train(ProgressReporter& progress, const std::function<void(const EpochRecord&)>& onEpoch = {},
             int stopAfterEpoch = 0);
  void saveCheckpoint(const std::string& path) const;

  int completedEpochs() const { return static_cast<int>(history_.size()); }
  /// Training batches done, over all epochs (resumed ones included).
  long long completedIterations() const;
  /// Whether training stopped because the wall-time budget was spent.
  bool budgetSpent() const { return !history_.empty() && history_.back().budgetSpent; }
  const std::vector<EpochRecord>& history() const { return history_; }
  nn::SegmentationNetwork& network() { return *network_; }

 private:
  /// `secondsBefore`: the seconds of the earlier epochs, counted against the wall-time budget.
  EpochRecord runEpoch(int epoch, ProgressReporter& progress, double secondsBefore);
  bool writesCheckpoints() const;
  double meanOverRanks(double value) const;
  void validate(int epoch, EpochRecord& record);

  std::shared_ptr<nn::SegmentationNetwork> network_;
  std::shared_ptr<const std::vector<TrainingCase>> training_;
  std::shared_ptr<const std::vector<TrainingCase>> validation_;
  SamplingOptions sampling_;
  TrainerOptions options_;
  struct State;
  std::unique_ptr<State> state_;
  std::vector<EpochRecord> history_;
};

/// Dice per foreground class (1..K-1) of full cases: `predict` maps an input [1, C, spatial...] to logits
/// [1, K, spatial...] (e.g. sliding-window inference). 3D cases only (a 2D model is applied slice by slice
/// by `predict`). NaN for a class absent from both prediction and truth of every case.
std::vector<double> caseDice(const std::vector<TrainingCase>& cases, int classCount,
                             const std::function<at::Tensor(const at::Tensor&)>& predict);

/// A case's image as a tensor [1, C, z, y, x] on the CPU (shares no memory with the case).
at::Tensor caseImageTensor(const TrainingCase& trainingCase);

}  // namespace skipseg::training

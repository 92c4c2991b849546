skipseg_module(SkipSegDistributed
  DESCRIPTION "Data-parallel training on PyTorch's c10d: rendezvous from torchrun's or Slurm's variables, Gloo (CPU) or NCCL (CUDA) process groups, broadcast, bucketed gradient allreduce during the backward pass, lost-rank detection"
  DEPENDS SkipSegCommon
  EXTERNAL Torch
  PRIVATE_EXTERNAL Log)

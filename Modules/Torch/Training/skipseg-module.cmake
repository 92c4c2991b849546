skipseg_module(SkipSegTraining
  DESCRIPTION "Training on tensors: patch sampling with foreground oversampling, augmentation, Dice and cross-entropy with deep supervision, SGD or AdamW with poly decay, background batch loading, checkpoints and exact resume"
  DEPENDS SkipSegCommon SkipSegNetworks SkipSegDistributed
  EXTERNAL Torch Json Log)

skipseg_module(SkipSegTensorBridge
  DESCRIPTION "Moves voxel buffers (ITK layout) into tensors in a model's axis order and back without reshaping mistakes"
  DEPENDS SkipSegCommon
  EXTERNAL Torch)

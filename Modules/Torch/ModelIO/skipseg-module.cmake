skipseg_module(SkipSegModelIO
  DESCRIPTION "Loading and saving segmentation models: SkipSeg model files (.ssm), TorchScript with skipseg.json and nnU-Net v2 results folders read without Python"
  DEPENDS SkipSegNetworks SkipSegModelDescription
  EXTERNAL Torch)

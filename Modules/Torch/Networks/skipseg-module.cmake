skipseg_module(SkipSegNetworks
  DESCRIPTION "Skip-connection segmentation networks in LibTorch (U-Net, ResUNet, UNet++, TransUNet, nnU-Net-like) built from JSON configurations, with composable blocks"
  DEPENDS SkipSegCommon
  EXTERNAL Torch Json)

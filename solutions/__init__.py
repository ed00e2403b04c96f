"""Reference solutions of the U-Net exercise (instructors only; never released to students)."""
from solutions.unet import conv_block, unet_model, upsampling_block

__all__ = ["conv_block", "upsampling_block", "unet_model"]

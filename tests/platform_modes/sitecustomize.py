"""Starts every Python process of the portable test modes with what the emulated platform lacks
taken away (see emulate.py); does nothing unless UNET_GRADER_EMULATE is set."""
import os

if os.environ.get("UNET_GRADER_EMULATE"):
    import emulate

    emulate.install(os.environ["UNET_GRADER_EMULATE"])

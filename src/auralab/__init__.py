"""auralab: an open workbench for training audio and music models."""

__version__ = "0.1.0"

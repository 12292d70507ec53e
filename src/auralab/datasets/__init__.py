"""Kedro datasets for auralab's own storage formats.

With the pipelines, the only auralab code that imports Kedro.
"""

from auralab.datasets.midi_folder import MidiFolderDataset, MidiSources
from auralab.datasets.token_sequences import TokenSequencesDataset

__all__ = ["MidiFolderDataset", "MidiSources", "TokenSequencesDataset"]

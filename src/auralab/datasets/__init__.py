"""Kedro datasets for auralab's own storage formats (the only auralab code besides pipelines that imports Kedro)."""

from auralab.datasets.midi_folder import MidiFolderDataset, MidiSources
from auralab.datasets.token_sequences import TokenSequencesDataset

__all__ = ["MidiFolderDataset", "MidiSources", "TokenSequencesDataset"]

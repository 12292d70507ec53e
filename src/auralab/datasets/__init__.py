"""Kedro datasets for auralab's own storage formats.

With the pipelines, the only auralab code that imports Kedro.
"""

from auralab.datasets.clip_set import ClipSetDataset, FeatureSetDataset
from auralab.datasets.files import FilesDataset
from auralab.datasets.midi_folder import MidiFolderDataset, MidiSources
from auralab.datasets.token_sequences import TokenSequencesDataset
from auralab.datasets.torch_payload import FolderDataset, TorchPayloadDataset

__all__ = [
    "ClipSetDataset",
    "FeatureSetDataset",
    "FilesDataset",
    "FolderDataset",
    "MidiFolderDataset",
    "MidiSources",
    "TokenSequencesDataset",
    "TorchPayloadDataset",
]

"""The validate stage over an in-memory catalog: a failure stops the run after saving its report."""

from __future__ import annotations

import pytest
from kedro.io import DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner

from auralab.core.errors import DataValidationError
from auralab.music.params import IngestParams, PreprocessParams
from auralab.music.preprocess import tokenize_notes
from auralab.music.tables import build_tables
from auralab.pipelines.validate.pipeline import music as validate_music


@pytest.fixture(scope="module")
def tables(bach_midi):
    return build_tables(dict(list(bach_midi.items())[:8]), [], IngestParams())


def catalog_for(notes, files):
    params = PreprocessParams()
    tokens, vocabulary = tokenize_notes(notes, params)
    data = {
        "music.notes": notes,
        "music.files": files,
        "music.tokens": tokens,
        "music.vocabulary": vocabulary.to_dict(),
        "params:music.ingest": IngestParams().model_dump(),
        "params:music.preprocess": params.model_dump(),
        "params:music.validate": {"example_rows": 3},
    }
    return DataCatalog({name: MemoryDataset(value) for name, value in data.items()})


def test_valid_data_passes_and_writes_a_status(tables):
    catalog = catalog_for(tables.notes, tables.files)
    SequentialRunner().run(validate_music(), catalog)
    assert catalog.load("music.validation_status")["passed"] is True


def test_invalid_notes_stop_the_run_after_the_report_is_saved(tables):
    broken = tables.notes.copy()
    broken.loc[broken.index[:4], "velocity"] = 0
    catalog = catalog_for(broken, tables.files)
    with pytest.raises(DataValidationError, match="'column': 'velocity'") as error:
        SequentialRunner().run(validate_music(), catalog)
    assert str(error.value).count("e.g.") == 3  # example_rows
    report = catalog.load("music.notes_validation")
    assert report["success"] is False
    failed = [r for r in report["results"] if not r["success"]]
    assert [r["kwargs"]["column"] for r in failed] == ["velocity"]

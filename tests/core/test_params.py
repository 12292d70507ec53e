from __future__ import annotations

from pathlib import Path

import pytest

from auralab.core.errors import ConfigError
from auralab.core.params import validate_params
from auralab.music.params import MusicParams


def test_the_project_parameters_are_valid():
    import yaml

    params = yaml.safe_load((Path(__file__).resolve().parents[2] / "params.yaml").read_text())
    validated = validate_params(MusicParams, params["music"], "music")
    assert validated.preprocess.quantize.ticks_per_beat == 12


def test_a_bad_value_names_the_key_the_value_and_what_is_allowed():
    with pytest.raises(ConfigError) as error:
        validate_params(MusicParams, {"preprocess": {"quantize": {"grid_divisions": [5]}}}, "music")
    message = str(error.value)
    assert "music.preprocess.quantize.grid_divisions.0 = 5" in message
    assert "1, 2, 3, 4, 6, 8, 12 or 16" in message


def test_an_unknown_key_lists_the_allowed_keys():
    with pytest.raises(
        ConfigError, match=r"music.augment.transpos = .*allowed keys here: .*transpose"
    ):
        validate_params(MusicParams, {"augment": {"transpos": {}}}, "music")


def test_cross_field_rules_are_checked():
    bad = {"augment": {"transpose": {"probability": 0.5, "low": 3, "high": -3}}}
    with pytest.raises(ConfigError, match="must not exceed high"):
        validate_params(MusicParams, bad, "music")
    with pytest.raises(ConfigError, match="default_time_signature"):
        validate_params(
            MusicParams, {"preprocess": {"tokenizer": {"default_time_signature": "5/4"}}}, "music"
        )


def test_a_missing_section_is_an_error():
    with pytest.raises(ConfigError, match="missing parameter section 'music'"):
        validate_params(MusicParams, None, "music")

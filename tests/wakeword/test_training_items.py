"""Training items: augmentation keyed by (epoch, item), a fine-tune that continues the schedule,
and the distillation objective."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import torch

from auralab.wakeword.audio import encode
from auralab.wakeword.backgrounds import coloured_noise
from auralab.wakeword.clips import pack
from auralab.wakeword.features import FeatureSet, FeatureSpec
from auralab.wakeword.params import FrequencyWarpParams, SpecMaskParams, load_wakeword_params
from auralab.wakeword.spec_augment import MelWarp, SpecMasks
from auralab.wakeword.train_inputs import training_data
from auralab.wakeword.training import (
    Objective,
    Teacher,
    TrainingData,
    TrainingItems,
    intra_op_threads,
)


class Linear(torch.nn.Module):
    """A detector whose logit is ``scale`` x the window's mean feature."""

    def __init__(self, scale: float) -> None:
        super().__init__()
        self.scale = scale

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.scale * x.mean(dim=(1, 2))


@pytest.fixture(scope="module")
def setup():
    params = load_wakeword_params()
    pre = params.preprocess
    spec = FeatureSpec.build(pre.features, 16000, pre.window_seconds)
    rng = np.random.default_rng(0)
    clips = [coloured_noise("white", spec.window_samples, rng) * 0.1 for _ in range(4)]
    table = pd.DataFrame({"label": [1, 0, 1, 0], "clip_id": list("abcd")})
    data = TrainingData(
        windows=pack(clips, table, 16000),
        backgrounds=[coloured_noise("pink", 48000, rng) * 0.1 for _ in range(2)],
        rirs=[np.exp(-np.arange(800) / 100.0).astype(np.float32)],
    )
    return data, params.augment, spec


def test_an_item_depends_on_its_epoch_and_nothing_else(setup):
    data, augment, spec = setup
    items = TrainingItems(data, augment, spec, background_windows=2, seed=3)
    assert len(items) == 6 and items.counts() == (2, 4)
    first, label = items[(2, 1)]
    assert first.shape == (spec.window_frames, spec.n_mels) and label == 0
    np.testing.assert_array_equal(first, items[(2, 1)][0])
    assert not np.array_equal(first, items[(3, 1)][0])


def test_long_form_windows_are_fresh_excerpts_of_the_recordings_each_epoch(setup):
    data, augment, spec = setup
    quiet = augment.model_copy(
        update={
            name: getattr(augment, name).model_copy(update={"probability": 0.0})
            for name in ("background", "reverb", "gain", "shift")
        }
    )
    ramp = np.linspace(-0.5, 0.5, 16000 * 20, dtype=np.float32)  # every excerpt is different
    with_longform = replace(data, longform=[ramp])
    items = TrainingItems(with_longform, quiet, spec, 2, seed=3, longform_windows=3)
    assert len(items) == 9 and items.counts() == (2, 7)
    last = len(items) - 1
    features, label = items[(0, last)]
    assert label == 0 and features.shape == (spec.window_frames, spec.n_mels)
    assert not np.array_equal(features, items[(1, last)][0])  # another excerpt next epoch
    # The audio under an item is a contiguous window-long stretch of the recording.
    excerpt = items._audio(last, np.random.default_rng(0))
    start = int(np.argmin(np.abs(ramp - excerpt[0])))
    np.testing.assert_array_equal(excerpt, ramp[start : start + spec.window_samples])
    # Precomputed features leave no waveforms to crop.
    precomputed = replace(with_longform, precomputed=np.zeros((4, 5, 3), np.float32))
    assert len(TrainingItems(precomputed, quiet, spec, 2, seed=3, longform_windows=3)) == 4


def test_a_fine_tune_continues_the_schedule_where_training_ended(setup):
    data, augment, spec = setup
    fresh = TrainingItems(data, augment, spec, background_windows=2, seed=3)
    continued = TrainingItems(data, augment, spec, background_windows=2, seed=3, first_epoch=7)
    for item in range(len(fresh)):
        np.testing.assert_array_equal(continued[(0, item)][0], fresh[(7, item)][0])


def test_distillation_mixes_labels_and_weighted_teachers():
    torch.manual_seed(0)
    features, labels = torch.randn(8, 5, 3), torch.tensor([1.0, 0.0] * 4)
    student = Linear(1.0)
    plain, _ = Objective(pos_weight=2.0)(student, (features, labels))
    assert float(plain) == pytest.approx(
        float(Objective(2.0).labels_loss(student(features), labels))
    )
    # One teacher identical to the student: the distillation term is the student's own entropy.
    same = Objective(2.0, [Teacher(Linear(1.0), 1.0)], alpha=1.0, temperature=2.0)
    loss, n = same(student, (features, labels))
    soft = torch.sigmoid(student(features) / 2)
    entropy = torch.nn.functional.binary_cross_entropy(soft, soft) * 4
    assert n == 8 and float(loss) == pytest.approx(float(entropy), rel=1e-5)
    # Weights average the teachers' soft targets: (1 * t1 + 3 * t2) / 4.
    two = Objective(1.0, [Teacher(Linear(2.0), 1.0), Teacher(Linear(-1.0), 3.0)], 1.0, 1.0)
    target = (torch.sigmoid(2 * student(features)) + 3 * torch.sigmoid(-student(features))) / 4
    expected = torch.nn.functional.binary_cross_entropy_with_logits(student(features), target)
    assert float(two(student, (features, labels))[0]) == pytest.approx(float(expected), rel=1e-5)


def test_a_checkpoint_resumes_only_with_the_same_teachers_and_starting_weights(setup):
    from auralab.wakeword.models import DetectorConfig, build_detector
    from auralab.wakeword.training import fingerprint

    data, _, _ = setup
    params = load_wakeword_params().train
    torch.manual_seed(0)
    teacher = build_detector(DetectorConfig("judge", 40, (8, 8)))
    other = build_detector(DetectorConfig("judge", 40, (8, 8)))
    base = fingerprint("sentry", data, params.sentry, params, [Teacher(teacher, 1.0)])
    assert base == fingerprint("sentry", data, params.sentry, params, [Teacher(teacher, 1.0)])
    assert base != fingerprint("sentry", data, params.sentry, params, [Teacher(other, 1.0)])
    assert base != fingerprint("sentry", data, params.sentry, params, [Teacher(teacher, 2.0)])
    state = teacher.state_dict()
    tuned = fingerprint("sentry", data, params.sentry, params, [], state, first_epoch=9)
    assert tuned != fingerprint("sentry", data, params.sentry, params, [], state, first_epoch=0)
    augment = load_wakeword_params().augment
    masked = augment.model_copy(update={"spec_masks": SpecMaskParams(freq_masks=1, freq_width=3)})
    assert fingerprint("sentry", data, params.sentry, params, augment=augment) != fingerprint(
        "sentry", data, params.sentry, params, augment=masked
    )
    warped = augment.model_copy(update={"frequency_warp": FrequencyWarpParams(max_factor=0.1)})
    assert fingerprint("sentry", data, params.sentry, params, augment=augment) != fingerprint(
        "sentry", data, params.sentry, params, augment=warped
    )


def test_masks_and_warps_apply_to_the_training_student_only():
    torch.manual_seed(0)
    student, teacher = Linear(1.0), Linear(1.0)
    features, labels = torch.randn(16, 150, 40), (torch.rand(16) > 0.5).float()
    masked = Objective(
        1.0, [Teacher(teacher, 1.0)], 0.5, 2.0, SpecMasks(freq_masks=4, freq_width=10)
    )
    warped = Objective(
        1.0, [Teacher(teacher, 1.0)], 0.5, 2.0, warp=MelWarp.for_bins(0.2, 40, 60, 7600)
    )
    plain = Objective(1.0, [Teacher(teacher, 1.0)], 0.5, 2.0)
    student.eval()
    assert torch.equal(
        warped(student, (features, labels))[0], plain(student, (features, labels))[0]
    )
    assert torch.equal(
        masked(student, (features, labels))[0], plain(student, (features, labels))[0]
    )
    student.train()
    assert not torch.equal(
        masked(student, (features, labels))[0], plain(student, (features, labels))[0]
    )
    assert not torch.equal(
        warped(student, (features, labels))[0], plain(student, (features, labels))[0]
    )


def test_training_beside_workers_gives_the_threads_back():
    original = torch.get_num_threads()
    torch.set_num_threads(2)
    before = torch.get_num_threads()
    with intra_op_threads(1):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before
    with pytest.raises(RuntimeError), intra_op_threads(1):
        raise RuntimeError("a failed epoch")
    assert torch.get_num_threads() == before
    torch.set_num_threads(original)


def test_training_crops_the_mining_pool_and_no_other_long_form_audio(setup):
    data, _, _ = setup
    rng = np.random.default_rng(1)

    def flac(seconds: float) -> bytes:
        return encode(0.1 * rng.standard_normal(int(seconds * 16000)), 16000, "FLAC")

    longform = {
        "mining/mining-001.flac": flac(2.0),
        "mining/mining-000.flac": flac(3.0),
        "validation/validation-000.flac": flac(4.0),
        "evaluation/evaluation-000.flac": flac(5.0),
    }
    features = FeatureSet(np.zeros((0, 1, 1), np.float16), pd.DataFrame({"clip_id": []}), {})
    table = data.windows.table.assign(split="train")
    windows = replace(data.windows, table=table)
    background = {"train/noise.wav": encode(0.1 * rng.standard_normal(16000), 16000)}
    read = training_data(windows, features, background, {}, longform)
    assert [len(a) / 16000 for a in read.longform] == [3.0, 2.0]  # by name; no other set
    assert len(read.backgrounds) == 1 and read.precomputed is None

"""Room impulse responses simulated with pyroomacoustics (shoebox rooms, image source method)."""

from __future__ import annotations

import numpy as np

from auralab.wakeword.params import RoomParams


def simulate_rir(
    dims: tuple[float, float, float],
    rt60_s: float,
    sample_rate: int,
    max_order: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, float]:
    """One impulse response for random source/microphone positions in a room; (rir, distance m).

    The RIR is trimmed at -60 dB and peak-normalised; the direct path is kept at its delay.
    """
    import pyroomacoustics as pra

    absorption, order = pra.inverse_sabine(rt60_s, list(dims))
    room = pra.ShoeBox(
        list(dims),
        fs=sample_rate,
        materials=pra.Material(absorption),
        max_order=min(order, max_order),
    )
    margin = 0.5
    source = [float(rng.uniform(margin, d - margin)) for d in dims]
    mic = [float(rng.uniform(margin, d - margin)) for d in dims]
    room.add_source(source)
    room.add_microphone(mic)
    room.compute_rir()
    rir = np.asarray(room.rir[0][0], dtype=np.float32)
    energy = np.cumsum(rir[::-1] ** 2)[::-1]
    keep = int(np.searchsorted(-energy, -energy[0] * 1e-6)) + 1  # drop the last -60 dB tail
    rir = rir[: max(keep, 1)]
    return rir / max(float(np.abs(rir).max()), 1e-9), float(
        np.linalg.norm(np.subtract(source, mic))
    )


def sample_room(
    params: RoomParams, rng: np.random.Generator
) -> tuple[tuple[float, float, float], float]:
    """Random room dimensions (m) and RT60 (s) within the configured ranges."""
    dims = (
        float(rng.uniform(params.length_m.low, params.length_m.high)),
        float(rng.uniform(params.width_m.low, params.width_m.high)),
        float(rng.uniform(params.height_m.low, params.height_m.high)),
    )
    return dims, float(rng.uniform(params.rt60_s.low, params.rt60_s.high))

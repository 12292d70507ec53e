"""Kedro project settings: config loading (params.yaml via conf/base), hooks, environments."""

from __future__ import annotations

import os

from dotenv import load_dotenv
from kedro.config import OmegaConfigLoader

from auralab.hooks import ParameterValidationHook, RunTrackingHook

os.environ.setdefault("KEDRO_DISABLE_TELEMETRY", "1")
os.environ.setdefault("DVC_NO_ANALYTICS", "1")
load_dotenv(override=False)  # .env may set MLFLOW_TRACKING_URI and credentials; never logged

HOOKS = (ParameterValidationHook(), RunTrackingHook())

CONFIG_LOADER_CLASS = OmegaConfigLoader
CONFIG_LOADER_ARGS = {
    "base_env": "base",
    "default_run_env": "local",
    "config_patterns": {
        "mlflow": ["mlflow*", "mlflow*/**"],
        "globals": ["globals*", "globals*/**"],
    },
    # A Kedro environment (e.g. `ci`) overrides single keys of params.yaml instead of whole sections.
    "merge_strategy": {"parameters": "soft", "globals": "soft"},
    # ${env:NAME,default} reads an environment variable in any config file (oc.env is credentials-only).
    "custom_resolvers": {"env": lambda name, default=None: os.environ.get(name, default)},
}

from __future__ import annotations

from pathlib import Path

from auralab.pipeline_registry import register_pipelines

STAGES = ["ingest", "validate", "preprocess", "augment", "train", "evaluate", "export"]


def test_the_registry_holds_stages_families_and_default():
    pipelines = register_pipelines()
    assert sorted(pipelines) == sorted([*STAGES, "music", "wakeword", "__default__"])
    families = set(pipelines["music"].nodes) | set(pipelines["wakeword"].nodes)
    assert set(pipelines["__default__"].nodes) == families
    assert not set(pipelines["music"].nodes) & set(pipelines["wakeword"].nodes)


def test_every_node_is_named_and_namespaced_by_family():
    for node in register_pipelines()["__default__"].nodes:
        assert node.namespace in {"music", "wakeword"}
        assert "(" not in node.name and node.name.startswith(f"{node.namespace}.")


def test_each_stage_only_reads_persisted_inputs():
    """So that `kedro run --pipelines <stage> --namespaces <family>` works on its own."""
    from kedro.framework.session import KedroSession
    from kedro.framework.startup import bootstrap_project

    root = Path(__file__).resolve().parents[2]
    bootstrap_project(root)
    with KedroSession.create(project_path=root, env="ci") as session:
        names = set(session.load_context().config_loader["catalog"])
    for stage in STAGES:
        for name in register_pipelines()[stage].inputs():
            assert name.startswith("params:") or name in names, (stage, name)

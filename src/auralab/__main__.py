"""``python -m auralab`` runs the Kedro project like ``kedro run``."""

from kedro.framework.cli.utils import find_run_command
from kedro.framework.project import configure_project


def main() -> None:
    configure_project("auralab")
    run = find_run_command("auralab")
    run()


if __name__ == "__main__":
    main()

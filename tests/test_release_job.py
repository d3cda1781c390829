"""The release Job (snippets/k8s/migrate.yaml, which deploy.sh starts once per release)
checks the settings production runs, then backs the database up, then migrates.

Kubernetes runs a Pod's init containers one at a time, in order, each only after the
one before succeeded, and its containers only after all of them: so the order of the
lists is the order of the steps. That the backup restores is proved on the deployment
page, which runs deploy/backup.sh against its database and restores the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

K8S = Path(__file__).resolve().parent.parent / "snippets" / "k8s"


def manifests(name: str) -> dict[str, dict[str, Any]]:
    """The documents of a manifest file, by kind."""
    return {doc["kind"]: doc for doc in yaml.safe_load_all((K8S / name).read_text())}


def release_pod() -> dict[str, Any]:
    job = manifests("migrate.yaml")["CronJob"]["spec"]["jobTemplate"]["spec"]
    pod: dict[str, Any] = job["template"]["spec"]
    return pod


def web_container() -> dict[str, Any]:
    pod = manifests("deployment.yaml")["Deployment"]["spec"]["template"]["spec"]
    web: dict[str, Any] = next(c for c in pod["containers"] if c["name"] == "web")
    return web


def steps() -> list[dict[str, Any]]:
    """The release Job's containers, in the order they run."""
    pod = release_pod()
    return [*pod.get("initContainers", []), *pod["containers"]]


def test_the_release_job_checks_then_backs_up_then_migrates() -> None:
    commands = [step["command"] for step in steps()]

    assert [step["name"] for step in steps()] == ["check", "backup", "migrate"]
    assert commands[0] == ["python", "manage.py", "check", "--deploy", "--fail-level", "WARNING"]
    assert commands[1][:2] == ["sh", "/deploy/backup.sh"]
    assert commands[2] == ["python", "manage.py", "migrate", "--noinput"]


def test_the_check_runs_with_the_environment_production_gets() -> None:
    """The same image, the same Secret and the same variables as the web container."""
    check, web = steps()[0], web_container()

    assert check["image"] == web["image"]
    assert check.get("envFrom") == web.get("envFrom")
    assert check.get("env") == web.get("env")


def test_the_backup_reaches_the_database_and_keeps_its_file() -> None:
    """The backup reads DATABASE_URL from the Secret the migration uses, and writes to
    the volume the file declares, which outlives the Job."""
    backup, migrate = steps()[1], steps()[2]
    volumes = {volume["name"]: volume for volume in release_pod()["volumes"]}
    mounts = {mount["mountPath"]: mount["name"] for mount in backup["volumeMounts"]}
    claim = manifests("migrate.yaml")["PersistentVolumeClaim"]["metadata"]["name"]

    assert backup["envFrom"] == migrate["envFrom"]
    assert volumes[mounts["/deploy"]]["configMap"]["name"] == "django-app-backup-${VERSION}"
    assert backup["command"][2] == "/backups"
    assert volumes[mounts["/backups"]]["persistentVolumeClaim"]["claimName"] == claim


def test_the_backup_runs_the_pg_dump_of_the_team_servers_version() -> None:
    """pg_dump refuses a newer server: the backup's image is the server's version, the
    one docker-compose.yml runs."""
    compose = yaml.safe_load(
        (K8S.parent.parent / "sample_project" / "docker-compose.yml").read_text()
    )

    assert steps()[1]["image"] == compose["services"]["db"]["image"]

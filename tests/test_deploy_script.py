"""The team's deploy script (snippets/deploy/deploy.sh, shown on the deployment page and
run by CI's deploy job), run for real against a stand-in cluster.

`kubectl` and `curl` are small scripts on the PATH that record each call, keep a copy
of each manifest applied, and fail where a test says: so each way a deploy can end is
run, and what the script did is read from the record.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"
DIGEST = "ghcr.io/our-team/django-app@sha256:" + "4f1c" * 16
# A stand-in for kubectl and curl: records its call, copies the files of `-f`, and
# fails when its command line matches $FAIL (an extended regular expression).
STAND_IN = r"""#!/bin/sh
name=$(basename "$0")
echo "$name $*" >> "$RECORD"
previous=
for argument in "$@"; do
  if [ "$previous" = -f ]; then cp "$argument" "$APPLIED/"; fi
  previous=$argument
done
if [ -n "$FAIL" ] && echo "$name $*" | grep -Eq "$FAIL"; then exit 1; fi
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A repository with the deploy files, as the deployment page commits them, tagged."""
    repository = tmp_path / "project"
    files = {
        "deploy/deploy.sh": "deploy/deploy.sh",
        "deploy/backup.sh": "deploy/backup.sh",
        "deploy/nginx/django-app.conf": "nginx/django-app.conf",
        **{f"deploy/k8s/{name}": f"k8s/{name}" for name in ("deployment.yaml", "service.yaml")},
        "deploy/k8s/migrate.yaml": "k8s/migrate.yaml",
    }
    for target, source in files.items():
        (repository / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(SNIPPETS / source, repository / target)
    git = ["git", "-C", str(repository), "-c", "user.name=T", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "Deploy files"], check=True)
    subprocess.run([*git, "tag", "-a", "v1.0.0", "-m", "Release 1.0.0"], check=True)
    return repository


def deploy(project: Path, *arguments: str, fail: str = "") -> tuple[int, list[str], Path]:
    """Run deploy.sh; its exit status, the stand-ins' calls and the manifests applied."""
    tools, applied = project.parent / "bin", project.parent / "applied"
    tools.mkdir(exist_ok=True)
    applied.mkdir(exist_ok=True)
    for name in ("kubectl", "curl", "docker"):
        (tools / name).write_text(STAND_IN)
        (tools / name).chmod(0o755)
    record = project.parent / "record"
    record.write_text("")
    env = {**os.environ, "PATH": f"{tools}:{os.environ['PATH']}", "RECORD": str(record)}
    env |= {"APPLIED": str(applied), "FAIL": fail}
    done = subprocess.run(
        ["bash", "deploy/deploy.sh", *arguments],
        cwd=project,
        env=env,
        capture_output=True,
        check=False,
    )
    return done.returncode, record.read_text().splitlines(), applied


def test_a_deploy_applies_the_image_by_digest_and_takes_no_other_path(project: Path) -> None:
    status, calls, applied = deploy(project, "v1.0.0", DIGEST)

    assert status == 0
    assert not [call for call in calls if call.startswith("docker")], "no build, no push"
    manifests = yaml.safe_load_all((applied / "deployment.yaml").read_text())
    [deployment] = [manifest for manifest in manifests if manifest["kind"] == "Deployment"]
    images = {c["image"] for c in deployment["spec"]["template"]["spec"]["containers"]}
    assert DIGEST in images
    job = next(yaml.safe_load_all((applied / "migrate.yaml").read_text()))
    pod = job["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    assert {c["image"] for c in pod["containers"]} == {DIGEST}
    assert not [call for call in calls if "rollout undo" in call]


def test_the_release_job_gets_the_backup_script_of_the_release(project: Path) -> None:
    """The ConfigMap the release Job's backup runs from holds deploy/backup.sh, as tagged."""
    status, calls, applied = deploy(project, "v1.0.0", DIGEST)
    configmap = yaml.safe_load((applied / "backup-configmap.yaml").read_text())
    job = next(yaml.safe_load_all((applied / "migrate.yaml").read_text()))
    volumes = job["spec"]["jobTemplate"]["spec"]["template"]["spec"]["volumes"]

    assert status == 0
    assert configmap["data"]["backup.sh"] == (SNIPPETS / "deploy" / "backup.sh").read_text()
    assert {"name": "deploy", "configMap": {"name": configmap["metadata"]["name"]}} in volumes
    created = next(i for i, call in enumerate(calls) if "create job migrate-v1.0.0" in call)
    assert "backup-configmap.yaml" in " ".join(calls[:created])


@pytest.mark.parametrize(
    "image",
    ["ghcr.io/our-team/django-app:v1.0.0", "ghcr.io/our-team/django-app:sha-1a2b3c4", "v1.0.0"],
)
def test_an_image_named_by_a_tag_is_refused(project: Path, image: str) -> None:
    status, calls, _ = deploy(project, "v1.0.0", image)

    assert (status, calls) == (2, [])


@pytest.mark.parametrize(
    ("fail", "rolled_out", "rolled_back"),
    [
        ("", True, False),
        ("wait --for=condition=complete", False, False),
        ("rollout status", True, True),
        ("^curl", True, True),
    ],
    ids=["success", "release Job failed", "rollout failed", "smoke test failed"],
)
def test_only_what_was_rolled_out_is_rolled_back(
    project: Path, fail: str, rolled_out: bool, rolled_back: bool
) -> None:
    """A failed release Job rolled nothing out: undo would go one release too far back."""
    status, calls, _ = deploy(project, "v1.0.0", DIGEST, fail=fail)

    assert status == (1 if fail else 0)
    assert any("deployment.yaml" in call for call in calls) is rolled_out
    assert any("rollout undo deployment/django-app" in call for call in calls) is rolled_back

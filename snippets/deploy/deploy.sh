#!/usr/bin/env bash
# Deploys a release to Kubernetes: the image CI built and pushed for a release tag,
# named by its digest. The team's CI runs this script for every release tag (its
# deploy job), and so can a person, with the cluster's credentials, to deploy an
# earlier release again. Run it from the repository:
#
#   deploy/deploy.sh [--dry-run] VERSION IMAGE
#   e.g. deploy/deploy.sh v1.4.0 ghcr.io/our-team/django-app@sha256:4f1c...
#
# --dry-run prints every step and command without running them: it needs no
# registry or cluster. The manifests, nginx site and backup script come from the
# tagged commit as git has it (git archive), never from your working folder.
#
# From the environment:
#   NAMESPACE  the Kubernetes namespace   (default shop)
#   SITE_URL   the site, for smoke tests  (default https://shop.example.com)
set -Eeuo pipefail

usage="usage: deploy/deploy.sh [--dry-run] VERSION IMAGE
  VERSION  a release tag, e.g. v1.4.0
  IMAGE    its image by digest, e.g. ghcr.io/our-team/django-app@sha256:4f1c..."
dry_run=false
if [[ ${1:-} == --dry-run ]]; then
  dry_run=true
  shift
fi
if [[ $# -ne 2 || ! $1 =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  echo "$usage" >&2
  exit 2
fi
version=$1
image=$2
# A tag (:v1.4.0, :latest) can be moved to another image; a digest cannot.
if [[ ! $image =~ ^[^@]+@sha256:[0-9a-f]{64}$ ]]; then
  echo "deploy: $image is not an image by digest (NAME@sha256:...): a tag can move" >&2
  exit 2
fi
kubectl=(kubectl --namespace "${NAMESPACE:-shop}")
site_url=${SITE_URL:-https://shop.example.com}

# run COMMAND...: show the command, then run it, unless this is a dry run.
run() {
  printf '  $'
  printf ' %q' "$@"
  printf '\n'
  if ! $dry_run; then
    "$@"
  fi
}

# configmap NAME KEY FILE: a ConfigMap manifest that holds FILE under KEY.
configmap() {
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\ndata:\n  %s: |\n' "$1" "$2"
  sed -e 's/^/    /' "$3"
}

# roll_back REASON: the previous ReplicaSet, with its own image and nginx site.
roll_back() {
  echo "deploy: $1: rolling back to the previous release" >&2
  run "${kubectl[@]}" rollout undo deployment/django-app
  run "${kubectl[@]}" rollout status deployment/django-app --timeout=600s
  exit 1
}

cd "$(git rev-parse --show-toplevel)"
if ! sha=$(git rev-parse --verify --quiet "refs/tags/$version^{commit}"); then
  echo "deploy: there is no tag $version: tag the release first (git tag -a $version)" >&2
  exit 1
fi
release=$(mktemp -d)
trap 'rm -rf "$release"' EXIT

if $dry_run; then
  echo "Deploying $version (commit $sha): dry run, nothing is changed"
else
  echo "Deploying $version (commit $sha)"
fi

echo "1. Export the tagged commit"
git archive --format=tar "$sha" | tar -x -C "$release"
echo "  $release"

echo "2. Fill in the manifests: image $image"
mkdir "$release/manifests"
for manifest in "$release"/deploy/k8s/*.yaml; do
  sed -e "s|\${IMAGE}|$image|g" -e "s|\${VERSION}|$version|g" "$manifest" \
    >"$release/manifests/$(basename "$manifest")"
done
# The nginx site and the backup script, as ConfigMaps of this release: a rollback
# gets its own nginx site back.
configmap "django-app-nginx-$version" django-app.conf "$release/deploy/nginx/django-app.conf" \
  >"$release/manifests/nginx-configmap.yaml"
configmap "django-app-backup-$version" backup.sh "$release/deploy/backup.sh" \
  >"$release/manifests/backup-configmap.yaml"
ls "$release/manifests" | sed -e 's/^/  /'

echo "3. The release Job, once: check the settings, back up, migrate"
run "${kubectl[@]}" get secret django-app django-app-tls
run "${kubectl[@]}" apply -f "$release/manifests/backup-configmap.yaml" \
  -f "$release/manifests/migrate.yaml"
run "${kubectl[@]}" delete job "migrate-$version" --ignore-not-found
run "${kubectl[@]}" create job "migrate-$version" --from=cronjob/django-app-migrate
if ! run "${kubectl[@]}" wait --for=condition=complete --timeout=1200s "job/migrate-$version"; then
  "${kubectl[@]}" logs "job/migrate-$version" --all-containers || true
  echo "deploy: the release Job failed; nothing was rolled out, the previous release is still serving" >&2
  exit 1
fi
run "${kubectl[@]}" logs "job/migrate-$version" --all-containers

echo "4. Roll out, one Pod at a time"
run "${kubectl[@]}" apply -f "$release/manifests/nginx-configmap.yaml" \
  -f "$release/manifests/service.yaml" -f "$release/manifests/deployment.yaml"
if ! run "${kubectl[@]}" rollout status deployment/django-app --timeout=600s; then
  roll_back "the rollout failed"
fi

echo "5. Smoke test through the load balancer; roll back if it fails"
# curl tries again for half a minute while the load balancer catches up.
curl=(curl --fail --silent --show-error --max-time 10 --retry 10 --retry-all-errors --retry-delay 3)
smoke_test() {
  run "${curl[@]}" --output /dev/null "$site_url/healthz" &&
    run "${curl[@]}" --output /dev/null "$site_url/products/"
}
if ! smoke_test; then
  roll_back "the smoke test failed"
fi

if $dry_run; then
  echo "Dry run done: nothing was changed."
else
  echo "Deployed $version."
fi

#!/usr/bin/env bash
# Deploys a release to Kubernetes: build the image, check it, push it, migrate the
# database once, roll out, smoke-test. Run it from the repository, with a release tag:
#
#   deploy/deploy.sh [--dry-run] VERSION        e.g. deploy/deploy.sh v1.4.0
#
# --dry-run prints every step and command without running them: it needs no Docker,
# registry or cluster. Everything deployed comes from the tagged commit as git has it
# (git archive), never from your working folder. The image gets two tags that never
# move, the commit (sha-1a2b3c4) and VERSION: to roll back, deploy an earlier tag.
#
# From the environment:
#   REGISTRY   where images are pushed    (default ghcr.io/our-team)
#   NAMESPACE  the Kubernetes namespace   (default shop)
#   SITE_URL   the site, for smoke tests  (default https://shop.example.com)
set -Eeuo pipefail

usage="usage: deploy/deploy.sh [--dry-run] VERSION (a release tag, e.g. v1.4.0)"
dry_run=false
if [[ ${1:-} == --dry-run ]]; then
  dry_run=true
  shift
fi
if [[ $# -ne 1 || ! $1 =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  echo "$usage" >&2
  exit 2
fi
version=$1
image=${REGISTRY:-ghcr.io/our-team}/django-app
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

cd "$(git rev-parse --show-toplevel)"
if ! sha=$(git rev-parse --verify --quiet "refs/tags/$version^{commit}"); then
  echo "deploy: there is no tag $version: tag the release first (git tag -a $version)" >&2
  exit 1
fi
commit_tag=sha-${sha:0:7}
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

echo "2. Build the image, tagged with the commit and the version"
run docker build --pull --tag "$image:$commit_tag" --tag "$image:$version" "$release"

echo "3. Check the image: Django's deployment checks, inside it"
# Throwaway values: the check needs them set, and reads no database.
SECRET_KEY=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n') \
  run docker run --rm --env SECRET_KEY --env ALLOWED_HOSTS=smoke.invalid \
  --env DATABASE_URL=sqlite:////tmp/smoke.sqlite3 "$image:$commit_tag" \
  python manage.py check --deploy --fail-level WARNING

echo "4. Push both tags"
run docker push "$image:$commit_tag"
run docker push "$image:$version"

echo "5. Fill in the manifests: image $image:$commit_tag"
mkdir "$release/manifests"
for manifest in "$release"/deploy/k8s/*.yaml; do
  sed -e "s|\${IMAGE}|$image:$commit_tag|g" -e "s|\${VERSION}|$version|g" "$manifest" \
    >"$release/manifests/$(basename "$manifest")"
done
# The nginx site, as a ConfigMap of this release: a rollback gets its own back.
{
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n'
  printf '  name: django-app-nginx-%s\ndata:\n  django-app.conf: |\n' "$version"
  sed -e 's/^/    /' "$release/deploy/nginx/django-app.conf"
} >"$release/manifests/nginx-configmap.yaml"
ls "$release/manifests" | sed -e 's/^/  /'

echo "6. Migrate the database, once, with the new image"
run "${kubectl[@]}" get secret django-app django-app-tls
run "${kubectl[@]}" apply -f "$release/manifests/migrate.yaml"
run "${kubectl[@]}" delete job "migrate-$version" --ignore-not-found
run "${kubectl[@]}" create job "migrate-$version" --from=cronjob/django-app-migrate
if ! run "${kubectl[@]}" wait --for=condition=complete --timeout=600s "job/migrate-$version"; then
  "${kubectl[@]}" logs "job/migrate-$version" || true
  echo "deploy: the migrations failed; the previous release is still serving" >&2
  exit 1
fi
run "${kubectl[@]}" logs "job/migrate-$version"

echo "7. Roll out, one Pod at a time"
run "${kubectl[@]}" apply -f "$release/manifests/nginx-configmap.yaml" \
  -f "$release/manifests/service.yaml" -f "$release/manifests/deployment.yaml"
run "${kubectl[@]}" rollout status deployment/django-app --timeout=600s

echo "8. Smoke test through the load balancer; roll back if it fails"
smoke_test() {
  run curl --fail --silent --show-error --max-time 10 --output /dev/null "$site_url/healthz" &&
    run curl --fail --silent --show-error --max-time 10 --output /dev/null "$site_url/products/"
}
if ! smoke_test; then
  echo "deploy: the smoke test failed: rolling back to the previous release" >&2
  "${kubectl[@]}" rollout undo deployment/django-app
  exit 1
fi

if $dry_run; then
  echo "Dry run done: nothing was built, pushed or changed."
else
  echo "Deployed $version."
fi

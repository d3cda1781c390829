#!/usr/bin/env bash
# Checks branch names against the team's branch model:
#   main, develop, feature/NAME, fix/NAME, hotfix/NAME, release/NAME
# where NAME is lowercase words of letters and digits joined by hyphens, with dots
# for version numbers: feature/user-auth, hotfix/1.0.1-csrf, release/1.1.0.
#
#   check-branch-name.sh            the current branch (as a pre-commit hook)
#   check-branch-name.sh NAME...    the names given (in CI: the pull request's branch)
#
# Exits 1 when a name is not allowed; 2 outside a git repository with no name given.
# A detached HEAD (a rebase, a CI checkout) has no branch: nothing to check, exit 0.
set -eu

allowed='^(main|develop|(feature|fix|hotfix|release)/[a-z0-9]+([.-][a-z0-9]+)*)$'

if [ "$#" -eq 0 ]; then
  if ! git rev-parse --git-dir >/dev/null 2>&1; then
    echo "check-branch-name: not in a git repository; pass the branch name as an argument" >&2
    exit 2
  fi
  if ! current=$(git symbolic-ref --short -q HEAD); then
    # During a rebase, or in a CI checkout: there is no branch, so nothing to check.
    echo "check-branch-name: HEAD is detached, no branch to check"
    exit 0
  fi
  set -- "$current"
fi

status=0
for name in "$@"; do
  if [[ $name =~ $allowed ]]; then
    echo "ok: $name"
  else
    status=1
    cat >&2 <<EOF
branch name '$name' does not follow the branch model. Allowed:
  main, develop, feature/NAME, fix/NAME, hotfix/NAME, release/NAME
where NAME is lowercase letters and digits in words joined by hyphens, with dots for
versions: feature/user-auth, fix/login-redirect, hotfix/1.0.1-csrf, release/1.1.0.
Rename the branch with: git branch -m NEW-NAME
EOF
  fi
done
exit "$status"

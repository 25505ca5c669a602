#!/usr/bin/env bash
# Combines JWK files into one JWK Set for identity_assertion.key_file during a key rotation (docs/deployment.md):
#   deploy/identity-keyset.sh current.jwk next.jwk > identity-assertion.jwk
# Keys are kept as given (private or public only); every key needs a distinct kid. Needs python3.
# The output holds private keys: put it straight into a Secret, never into the repository.
set -euo pipefail
if [ "$#" -lt 1 ]; then
  echo "usage: $0 KEY.jwk [KEY.jwk ...] > keyset.jwk" >&2
  exit 2
fi
python3 - "$@" <<'PY'
import json, sys
keys, kids = [], set()
for path in sys.argv[1:]:
    with open(path) as f:
        doc = json.load(f)
    for key in doc.get("keys", [doc]):
        kid = key.get("kid")
        if not kid:
            sys.exit(f"{path}: a key without a kid (every key of a set needs one)")
        if key.get("kty") != "EC" or key.get("crv") != "P-256":
            sys.exit(f"{path}: key {kid} is not an EC P-256 key")
        if kid in kids:
            sys.exit(f"{path}: the kid {kid} appears twice")
        kids.add(kid)
        keys.append(key)
print(json.dumps({"keys": keys}))
PY

#!/usr/bin/env bash
# Prints a new private EC P-256 JWK for identity_assertion.key_file (the key that signs X-Gateway-Identity),
# with a dated key id. Needs openssl and python3. Keep the output secret: put it straight into a Secret
# (deploy/kubernetes/secret.example.yaml) or your secret manager, never into the repository.
#   deploy/gen-identity-key.sh > identity-assertion.jwk
set -euo pipefail
kid="${1:-gatewaystack-$(date -u +%Y%m%d)}"
openssl ecparam -name prime256v1 -genkey -noout 2>/dev/null | openssl ec -text -noout 2>/dev/null | python3 -c '
import base64, json, re, sys
text = sys.stdin.read()
def block(name):
    m = re.search(name + r":\s*\n((?:\s+[0-9a-f:]+\n)+)", text)
    return bytes.fromhex(re.sub(r"[^0-9a-f]", "", m.group(1)))
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
d = block("priv").rjust(32, b"\0")[-32:]
pub = block("pub")
assert pub[0] == 4 and len(pub) == 65, "expected an uncompressed P-256 point"
print(json.dumps({"kty": "EC", "crv": "P-256", "kid": sys.argv[1], "use": "sig", "alg": "ES256",
                  "x": b64(pub[1:33]), "y": b64(pub[33:]), "d": b64(d)}))
' "$kid"

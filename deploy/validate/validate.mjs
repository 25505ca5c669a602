// Validates the Kubernetes manifests in deploy/kubernetes without a cluster. Three layers:
//  1. every YAML document parses (duplicate keys are errors) and is checked against the Kubernetes JSON schema of
//     its apiVersion/kind (kubernetes-models: types, enums, formats, required fields);
//  2. unknown fields (a typo such as `readinesProbe`, which the API server would drop or refuse) are found by
//     type-checking every document with TypeScript against the same models' interfaces (excess property checks);
//  3. GatewayStack-specific consistency: selectors, probes, security context, mounts, grace periods, and that the
//     paths and env names in the ConfigMap's gateway.yaml resolve to what the Deployment mounts and the Secret has.
// Usage: node validate.mjs MANIFEST_DIR [EXTRACT_DIR]
//   EXTRACT_DIR: also write the ConfigMap's gateway.yaml (paths rewritten into EXTRACT_DIR) and policy files there,
//   so deploy/validate.sh can run the gateway's own config and policy checks on them.
// Prints one line per check and ends with "N passed, N failed"; exit code 1 on any failure.
import { readFileSync, readdirSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import { join, dirname, basename } from "node:path";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import YAML from "yaml";

const here = dirname(fileURLToPath(import.meta.url));
const dir = process.argv[2];
const extractDir = process.argv[3];
let passed = 0, failed = 0;
const ok = (what) => { passed++; console.log(`ok: ${what}`); };
const bad = (what) => { failed++; console.log(`FAILED: ${what}`); };
const check = (cond, what) => (cond ? ok(what) : bad(what));

// --- 1. parse + JSON schema ---------------------------------------------------------------------------------
const docs = [];
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f) && f !== "kustomization.yaml").sort();
for (const f of files) {
  const text = readFileSync(join(dir, f), "utf8");
  const parsed = YAML.parseAllDocuments(text, { uniqueKeys: true, prettyErrors: true });
  parsed.forEach((d, i) => {
    if (d.errors.length) { bad(`${f}#${i}: YAML: ${d.errors.map((e) => e.message).join("; ")}`); return; }
    const obj = d.toJS();
    if (obj == null) return;
    docs.push({ file: f, index: i, obj });
  });
}
check(docs.length > 0, `${docs.length} documents parsed from ${files.length} files`);

function modelPath(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : [null, apiVersion];
  return group ? `kubernetes-models/${group}/${version}/${kind}` : `kubernetes-models/${version}/${kind}`;
}
for (const d of docs) {
  const { apiVersion, kind, metadata } = d.obj;
  const name = `${d.file}: ${kind}/${metadata?.name}`;
  d.name = name;
  if (!apiVersion || !kind || !metadata?.name) { bad(`${name}: apiVersion, kind and metadata.name are required`); continue; }
  let Model;
  try {
    Model = (await import(modelPath(apiVersion, kind)))[kind];
  } catch (e) {
    bad(`${name}: no Kubernetes schema for ${apiVersion} ${kind}`); continue;
  }
  d.model = modelPath(apiVersion, kind);
  try {
    new Model(d.obj).validate();
    ok(`${name}: valid against the Kubernetes schema (${apiVersion})`);
  } catch (e) {
    bad(`${name}: ${e.message.split("\n").slice(0, 5).join(" | ")}`);
  }
}

// --- 2. unknown fields, via TypeScript excess property checks --------------------------------------------------
{
  const tmp = join(here, "node_modules", ".gatewaystack-check");
  mkdirSync(tmp, { recursive: true });
  const lines = [];
  const owner = []; // line -> doc name
  docs.filter((d) => d.model).forEach((d, n) => {
    lines.push(`import type { I${d.obj.kind} as T${n} } from "${d.model}";`);
    owner.push(null);
  });
  docs.filter((d) => d.model).forEach((d, n) => {
    const body = `export const doc${n}: T${n} = ${JSON.stringify(d.obj, null, 1)};`.split("\n");
    for (const l of body) { lines.push(l); owner.push(d.name); }
  });
  writeFileSync(join(tmp, "manifests.ts"), lines.join("\n") + "\n");
  writeFileSync(join(tmp, "tsconfig.json"), JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, module: "nodenext", moduleResolution: "nodenext", target: "es2022", skipLibCheck: true, types: [] },
    files: ["manifests.ts"],
  }));
  let out = "";
  try {
    execFileSync(process.execPath, [join(here, "node_modules", "typescript", "bin", "tsc"), "-p", tmp, "--pretty", "false"], { encoding: "utf8" });
  } catch (e) { out = (e.stdout || "") + (e.stderr || ""); }
  const errors = out.split("\n").filter((l) => /error TS\d+/.test(l));
  const byDoc = new Map();
  for (const l of errors) {
    const m = l.match(/manifests\.ts\((\d+),\d+\): error (TS\d+: .*)/);
    const who = m ? owner[Number(m[1]) - 1] ?? "manifests" : "manifests";
    byDoc.set(who, [...(byDoc.get(who) || []), m ? m[2] : l]);
  }
  for (const d of docs.filter((d) => d.model)) {
    const errs = byDoc.get(d.name);
    if (errs) bad(`${d.name}: ${errs.slice(0, 3).join(" | ")}`);
    else ok(`${d.name}: no unknown or mistyped fields (TypeScript model)`);
  }
  if (byDoc.has("manifests")) bad(`TypeScript: ${byDoc.get("manifests").slice(0, 3).join(" | ")}`);
}

// --- 3. consistency ------------------------------------------------------------------------------------------
const find = (kind, name) => docs.find((d) => d.obj.kind === kind && (!name || d.obj.metadata.name === name))?.obj;
const matches = (selector, labels) => Object.entries(selector || {}).every(([k, v]) => labels?.[k] === v);
const dep = find("Deployment", "gatewaystack");
const cm = find("ConfigMap", "gatewaystack-config");
const secretEnv = find("Secret", "gatewaystack-env");
const secretKey = find("Secret", "gatewaystack-identity-key");
const svc = find("Service", "gatewaystack");
const hpa = find("HorizontalPodAutoscaler");
const pdb = find("PodDisruptionBudget");
for (const [what, o] of [["Deployment", dep], ["ConfigMap", cm], ["Secret gatewaystack-env", secretEnv],
  ["Secret gatewaystack-identity-key", secretKey], ["Service", svc], ["HorizontalPodAutoscaler", hpa], ["PodDisruptionBudget", pdb]]) {
  check(!!o, `${what} present`);
}
if (dep && cm && secretEnv && secretKey && svc && hpa && pdb) {
  const pod = dep.spec.template;
  const c = pod.spec.containers.find((x) => x.name === "gateway") || pod.spec.containers[0];
  const podLabels = pod.metadata.labels;
  check(matches(dep.spec.selector.matchLabels, podLabels), "Deployment selector matches its pod labels");
  check(dep.spec.replicas >= 3, `Deployment runs at least 3 replicas (${dep.spec.replicas})`);
  check(matches(svc.spec.selector, podLabels), "Service selects the gateway pods");
  const portNames = (c.ports || []).map((p) => p.name);
  check(svc.spec.ports.every((p) => typeof p.targetPort !== "string" || portNames.includes(p.targetPort)), "Service targetPort names a container port");
  check(hpa.spec.scaleTargetRef.kind === "Deployment" && hpa.spec.scaleTargetRef.name === dep.metadata.name, "HPA targets the Deployment");
  check(hpa.spec.minReplicas >= 2 && hpa.spec.minReplicas <= hpa.spec.maxReplicas, `HPA ${hpa.spec.minReplicas}..${hpa.spec.maxReplicas} replicas`);
  check(!!c.resources?.requests?.cpu, "container has a CPU request (the HPA's utilization is relative to it)");
  check(matches(pdb.spec.selector.matchLabels, podLabels), "PodDisruptionBudget selects the gateway pods");
  check(pdb.spec.maxUnavailable === undefined || pdb.spec.maxUnavailable < hpa.spec.minReplicas, "PodDisruptionBudget leaves replicas running");
  for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) {
    const p = c[probe];
    check(p?.httpGet?.path === "/health" && portNames.includes(p.httpGet.port), `${probe} on /health`);
  }
  const window = (p) => (p?.periodSeconds ?? 10) * (p?.failureThreshold ?? 3);
  check(!!c.livenessProbe && !!c.readinessProbe && window(c.livenessProbe) > window(c.readinessProbe),
    "liveness gives up later than readiness (a dependency outage removes pods from the Service before restarting them)");
  const psc = pod.spec.securityContext || {};
  const csc = c.securityContext || {};
  check(psc.runAsNonRoot === true && psc.runAsUser === 10001, "pod runs as non-root uid 10001");
  check(csc.readOnlyRootFilesystem === true && csc.allowPrivilegeEscalation === false && csc.capabilities?.drop?.includes("ALL"),
    "container: read-only root, no privilege escalation, all capabilities dropped");
  const vol = (name) => pod.spec.volumes.find((v) => v.name === name);
  const mount = (path) => c.volumeMounts.find((m) => m.mountPath === path);
  for (const path of ["/app/data", "/tmp"]) {
    const m = mount(path);
    check(m && vol(m.name)?.emptyDir !== undefined && !m.readOnly, `${path} is a writable emptyDir (read-only root file system)`);
  }
  // gateway.yaml from the ConfigMap, and the files the Deployment mounts
  const files = new Map(); // container path -> {source, key}
  for (const m of c.volumeMounts) {
    const v = vol(m.name);
    if (!v) { bad(`volumeMount ${m.name} has no volume`); continue; }
    const src = v.configMap ? { kind: "ConfigMap", name: v.configMap.name } : v.secret ? { kind: "Secret", name: v.secret.secretName } : null;
    if (!src) continue;
    const obj = find(src.kind, src.name);
    check(!!obj, `volume ${v.name} refers to ${src.kind} ${src.name}, which exists`);
    if (!obj) continue;
    const keys = Object.keys({ ...(obj.data || {}), ...(obj.stringData || {}) });
    const items = (v.configMap || v.secret).items || keys.map((k) => ({ key: k, path: k }));
    for (const it of items) {
      check(keys.includes(it.key), `${src.kind} ${src.name} has the key ${it.key} that volume ${v.name} mounts`);
      files.set(`${m.mountPath}/${it.path}`, { obj, key: it.key });
    }
  }
  const args = c.args || [];
  const cfgPath = args[args.indexOf("--config") + 1];
  const cfgFile = files.get(cfgPath);
  check(args[0] === "serve" && !!cfgFile, `serve --config ${cfgPath} is a mounted ConfigMap file`);
  if (cfgFile) {
    const text = { ...(cfgFile.obj.data || {}), ...(cfgFile.obj.stringData || {}) }[cfgFile.key];
    let g = null;
    try { g = YAML.parse(text, { uniqueKeys: true }); ok("gateway.yaml parses"); } catch (e) { bad(`gateway.yaml: ${e.message}`); }
    if (g) {
      const grace = g.server?.shutdown_grace_seconds ?? 20;
      const preStop = c.lifecycle?.preStop?.sleep?.seconds ?? 0;
      check(pod.spec.terminationGracePeriodSeconds > grace + preStop + 10,
        `terminationGracePeriodSeconds ${pod.spec.terminationGracePeriodSeconds} > preStop ${preStop} + shutdown grace ${grace} + 10 s close/flush`);
      check(g.server?.port === undefined || portNames.length && c.ports.some((p) => p.containerPort === g.server.port), "server.port is the container port");
      check(g.audit?.dir === "/app/data", "audit.dir is the /app/data emptyDir");
      const policyPath = g.policy?.path;
      check(!policyPath || files.has(policyPath), `policy.path ${policyPath} is a mounted file (not the ConfigMap folder: its hidden ..data copy would load twice)`);
      const keyFile = g.identity_assertion?.key_file;
      check(!!keyFile && files.get(keyFile)?.obj.kind === "Secret", `identity_assertion.key_file ${keyFile} comes from a Secret (one key shared by all replicas)`);
      const envKeys = Object.keys({ ...(secretEnv.data || {}), ...(secretEnv.stringData || {}) });
      const fromSecret = (c.envFrom || []).some((e) => e.secretRef?.name === secretEnv.metadata.name);
      check(fromSecret, "the container takes its environment from Secret gatewaystack-env");
      const providerEnv = Object.values(g.llm?.providers || {}).map((p) => p.auth?.env).filter(Boolean);
      for (const name of [...providerEnv, "DATABASE_URL", "REDIS_URL", "GATEWAYSTACK_AUDIT_SEAL_KEY"]) {
        check(envKeys.includes(name), `Secret gatewaystack-env has ${name}`);
      }
      check(g.limits?.store === "redis", "limits are shared through Redis (limits.store: redis)");
      const literalSecrets = JSON.stringify(g).match(/(sk-[A-Za-z0-9]{10,}|postgres:\/\/[^"]*:[^"@]+@|"database_url":"[^"]+")/);
      check(!literalSecrets, "gateway.yaml holds no credentials (they come from the Secret)");
      if (extractDir) {
        mkdirSync(join(extractDir, "policies"), { recursive: true });
        const local = structuredClone(g);
        local.audit = { ...(local.audit || {}), dir: join(extractDir, "data") };
        if (local.identity_assertion?.key_file) local.identity_assertion.key_file = join(extractDir, "identity-assertion.jwk");
        if (policyPath) {
          const pf = files.get(policyPath);
          const ptext = { ...(pf.obj.data || {}), ...(pf.obj.stringData || {}) }[pf.key];
          writeFileSync(join(extractDir, "policies", basename(policyPath)), ptext);
          local.policy.path = join(extractDir, "policies", basename(policyPath));
        }
        writeFileSync(join(extractDir, "gateway.yaml"), YAML.stringify(local));
        writeFileSync(join(extractDir, "provider-env.txt"), providerEnv.join("\n") + "\n");
      }
    }
  }
}
const kz = join(dir, "kustomization.yaml");
if (existsSync(kz)) {
  const k = YAML.parse(readFileSync(kz, "utf8"), { uniqueKeys: true });
  for (const r of k.resources || []) check(existsSync(join(dir, r)), `kustomization resource ${r} exists`);
  check(!(k.resources || []).some((r) => /secret/i.test(r)), "kustomization does not apply the Secret template");
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

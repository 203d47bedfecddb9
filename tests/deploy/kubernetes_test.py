#!/usr/bin/python3
"""deploy/kubernetes/ checks: the built-in kinds against the Kubernetes JSON schemas that
kubernetes-validate bundles (strict: unknown fields fail; nothing is downloaded), the required
fields of the kinds it has no schema for (PodMonitor, Kustomization), and that the pieces agree
with each other and with txform: identity from the pod name, probe paths and port, grace period
above the shutdown timeout, selectors, and the ConfigMap's configuration passing `txform check`.

usage: kubernetes_test.py SOURCE_DIR TXFORM_BINARY PLUGIN_DIR KUBERNETES_VALIDATE
"""
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import unittest

import yaml

SOURCE_DIR, TXFORM, PLUGIN_DIR, KUBERNETES_VALIDATE = sys.argv[1:5]
PLUGIN_DIR = os.path.abspath(PLUGIN_DIR)
MANIFESTS = pathlib.Path(SOURCE_DIR) / "deploy" / "kubernetes"
# Oldest Kubernetes release still maintained when these manifests were written, and the
# newest kubernetes-validate knows.
KUBERNETES_VERSIONS = ["1.31.0", "1.37.0"]


def load(name):
    return yaml.safe_load((MANIFESTS / name).read_text())


STATEFULSET = load("statefulset.yaml")
POD = STATEFULSET["spec"]["template"]
CONTAINER = next(c for c in POD["spec"]["containers"] if c["name"] == "txform")
CONFIGMAP = load("configmap.yaml")
CONFIG_TEXT = CONFIGMAP["data"]["txform.yaml"]
CONFIG = yaml.safe_load(CONFIG_TEXT)


def mount(container, volume):
    return next(m for m in container["volumeMounts"] if m["name"] == volume)


def selects_pod(match_labels):
    pod_labels = POD["metadata"]["labels"]
    return all(pod_labels.get(k) == v for k, v in match_labels.items())


class Schemas(unittest.TestCase):
    def test_builtin_kinds_validate_strictly(self):
        files = [str(MANIFESTS / f) for f in ("configmap.yaml", "service.yaml",
                                              "statefulset.yaml", "poddisruptionbudget.yaml")]
        for version in KUBERNETES_VERSIONS:
            result = subprocess.run([KUBERNETES_VALIDATE, "--strict", "--quiet", "-k", version,
                                     *files], capture_output=True, text=True)
            self.assertEqual(result.returncode, 0, f"Kubernetes {version}:\n{result.stdout}"
                             f"{result.stderr}")

    def test_kustomization_lists_every_manifest(self):
        kustomization = load("kustomization.yaml")
        self.assertEqual(kustomization["kind"], "Kustomization")
        listed = set(kustomization["resources"])
        present = {p.name for p in MANIFESTS.glob("*.yaml")} - {"kustomization.yaml"}
        self.assertEqual(listed, present)

    def test_podmonitor_required_fields(self):
        monitor = load("podmonitor.yaml")
        self.assertEqual(monitor["apiVersion"], "monitoring.coreos.com/v1")
        self.assertEqual(monitor["kind"], "PodMonitor")
        self.assertTrue(monitor["metadata"]["name"])
        self.assertTrue(selects_pod(monitor["spec"]["selector"]["matchLabels"]))
        port_names = {p["name"] for p in CONTAINER["ports"]}
        for endpoint in monitor["spec"]["podMetricsEndpoints"]:
            self.assertIn(endpoint["port"], port_names)
            self.assertEqual(endpoint["path"], "/metrics")
        # The alerts in deploy/prometheus/ select job="txform".
        self.assertEqual(POD["metadata"]["labels"][monitor["spec"]["jobLabel"]], "txform")


class Identity(unittest.TestCase):
    def test_pod_name_reaches_the_configuration(self):
        env = {e["name"]: e for e in CONTAINER["env"]}
        self.assertEqual(env["POD_NAME"]["valueFrom"]["fieldRef"]["fieldPath"], "metadata.name")
        self.assertIn("${POD_NAME}", CONFIG["transactional_id"])
        self.assertTrue(CONFIG.get("static_membership", True))

    def test_txform_check_derives_ids_from_the_pod_name(self):
        # The ConfigMap's configuration as txform reads it in pod txform-1, with this build's
        # plugins standing in for the init container's copy.
        text = CONFIG_TEXT.replace(CONFIG["plugin_dir"], PLUGIN_DIR)
        with tempfile.NamedTemporaryFile("w", suffix=".yaml") as config:
            config.write(text + "allow_insecure_plugin_dir: true\n")
            config.flush()
            env = dict(os.environ, POD_NAME="txform-1", KAFKA_BOOTSTRAP="kafka-0.kafka:9092")
            result = subprocess.run([TXFORM, "check", "--config", config.name], env=env,
                                    capture_output=True, text=True)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("transactional.id = orders-enricher-txform-1", result.stdout)
        self.assertIn("group.instance.id = orders-enricher-txform-1", result.stdout)


class Lifecycle(unittest.TestCase):
    def test_grace_period_exceeds_shutdown_timeout(self):
        # txform exits by itself 5 s after shutdown_timeout_ms (host/src/engine/workers.cpp).
        grace_s = POD["spec"]["terminationGracePeriodSeconds"]
        self.assertGreater(grace_s * 1000, CONFIG["shutdown_timeout_ms"] + 5000)

    def test_probes_use_the_health_endpoints_on_the_metrics_port(self):
        port = next(p for p in CONTAINER["ports"] if p["name"] == "metrics")
        self.assertEqual(str(port["containerPort"]), CONFIG["metrics"]["listen"].rsplit(":", 1)[1])
        self.assertEqual(CONTAINER["livenessProbe"]["httpGet"], {"path": "/healthz",
                                                                 "port": "metrics"})
        self.assertEqual(CONTAINER["readinessProbe"]["httpGet"], {"path": "/readyz",
                                                                  "port": "metrics"})

    def test_resources_are_requested(self):
        for container in POD["spec"]["containers"] + POD["spec"]["initContainers"]:
            self.assertIn("cpu", container["resources"]["requests"], container["name"])
            self.assertIn("memory", container["resources"]["requests"], container["name"])


class Wiring(unittest.TestCase):
    def test_config_is_mounted_where_the_server_reads_it(self):
        config_path = CONTAINER["args"][CONTAINER["args"].index("--config") + 1]
        self.assertEqual(os.path.dirname(config_path), mount(CONTAINER, "config")["mountPath"])
        volume = next(v for v in POD["spec"]["volumes"] if v["name"] == "config")
        self.assertEqual(volume["configMap"]["name"], CONFIGMAP["metadata"]["name"])
        self.assertIn(os.path.basename(config_path), CONFIGMAP["data"])

    def test_plugins_are_delivered_read_only_to_plugin_dir(self):
        served = mount(CONTAINER, "plugins")
        self.assertEqual(served["mountPath"], CONFIG["plugin_dir"])
        self.assertTrue(served["readOnly"])
        init = POD["spec"]["initContainers"][0]
        self.assertEqual(mount(init, "plugins")["mountPath"], CONFIG["plugin_dir"])
        self.assertIn(CONFIG["plugin_dir"], " ".join(init["command"]))

    def test_secret_files_named_in_the_config_are_mounted(self):
        secrets_mount = mount(CONTAINER, "kafka-secrets")["mountPath"]
        for path in re.findall(r"\$\{file:([^}]+)\}", CONFIG_TEXT):
            self.assertTrue(path.startswith(secrets_mount + "/"), path)

    def test_selectors_match_the_pods(self):
        service = load("service.yaml")
        self.assertEqual(STATEFULSET["spec"]["serviceName"], service["metadata"]["name"])
        self.assertTrue(selects_pod(service["spec"]["selector"]))
        self.assertTrue(selects_pod(STATEFULSET["spec"]["selector"]["matchLabels"]))
        pdb = load("poddisruptionbudget.yaml")
        self.assertTrue(selects_pod(pdb["spec"]["selector"]["matchLabels"]))


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)

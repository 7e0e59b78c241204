"""The generated Argo, StackStorm and GitHub files validate against the engines' own published
schemas (vendored, checked by sha256), and mutations that break them fail: negative controls
that show each validator can fail."""
import hashlib
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import engine_schemas as es  # noqa: E402


class VendoredSchemasTest(unittest.TestCase):
    def test_each_copy_has_the_sha256_its_readme_names(self):
        with open(os.path.join(es.SCHEMAS, "README.md"), encoding="utf-8") as f:
            rows = re.findall(r"^\| `([^`]+\.json)` \|.*\| ([0-9a-f]{64}) \|$", f.read(), re.M)
        self.assertEqual(len(rows), 5)
        for name, digest in rows:
            with open(os.path.join(es.SCHEMAS, name), "rb") as f:
                self.assertEqual(hashlib.sha256(f.read()).hexdigest(), digest, name)


class ArgoTest(unittest.TestCase):
    def setUp(self):
        self.validator = es.argo_validator()
        (path,) = es.generated("argo/*.workflowtemplate.yaml")
        self.template = es.load_yaml(path)

    def test_generated_template_is_valid(self):
        errors = [e.message for e in self.validator.iter_errors(self.template)]
        self.assertEqual(errors, [])
        self.assertEqual(self.template["kind"], "WorkflowTemplate")

    def test_negative_controls_fail(self):
        def integer_limit(d):  # Argo's schema types IntOrString as string (upstream quirk)
            d["spec"]["templates"][0]["retryStrategy"]["limit"] = 3

        def parameters_not_a_list(d):
            d["spec"]["templates"][0]["inputs"]["parameters"] = {"uhost_id": "x"}

        def env_value_not_text(d):
            d["spec"]["templates"][0]["script"]["env"][0]["value"] = True

        for change in (integer_limit, parameters_not_a_list, env_value_not_text):
            self.assertFalse(self.validator.is_valid(es.mutated(self.template, change)),
                             change.__name__)


class StackStormTest(unittest.TestCase):
    def setUp(self):
        (self.pack_dir,) = [os.path.dirname(p) for p in es.generated("stackstorm/*/pack.yaml")]
        self.pack = es.load_yaml(os.path.join(self.pack_dir, "pack.yaml"))
        self.actions = [es.load_yaml(p) for p in es.generated("stackstorm/*/actions/*.yaml")]
        self.config = es.load_yaml(os.path.join(self.pack_dir, "config.schema.yaml"))
        self.action_validator = es.stackstorm_validator("stackstorm-action.schema.json")
        self.pack_validator = es.stackstorm_validator("stackstorm-pack.schema.json")

    def test_pack_actions_and_config_are_valid(self):
        self.assertEqual([e.message for e in self.pack_validator.iter_errors(self.pack)], [])
        self.assertTrue(self.actions)
        for action in self.actions:
            self.assertEqual([e.message for e in self.action_validator.iter_errors(action)], [])
            self.assertEqual(es.stackstorm_parameters_errors(action["parameters"]), [])
        self.assertEqual(es.stackstorm_parameters_errors(self.config), [])

    def test_secret_config_fields_are_secret(self):
        self.assertTrue(self.config["private_key"]["secret"])
        self.assertTrue(self.config["proxy"]["secret"])
        self.assertNotIn("secret", self.config["public_key"])

    def test_negative_controls_fail(self):
        action = self.actions[0]
        first = next(iter(action["parameters"]))

        def type_list(d):  # StackStorm takes one type per parameter
            d["parameters"][first]["type"] = ["string", "null"]

        def examples(d):  # not a StackStorm parameter keyword
            d["parameters"][first]["examples"] = ["x"]

        def no_runner(d):
            del d["runner_type"]

        for change in (type_list, examples, no_runner):
            self.assertFalse(self.action_validator.is_valid(es.mutated(action, change)),
                             change.__name__)
        self.assertFalse(self.pack_validator.is_valid(
            es.mutated(self.pack, lambda d: d.pop("author"))))
        self.assertNotEqual(es.stackstorm_parameters_errors(
            {"x": {"type": "string", "required": "yes"}}), [])


class GitHubActionTest(unittest.TestCase):
    def setUp(self):
        self.validator = es.github_validator()
        self.actions = [es.load_yaml(p) for p in es.generated("github/actions/*/action.yml")]

    def test_generated_actions_are_valid(self):
        self.assertTrue(self.actions)
        for action in self.actions:
            self.assertEqual([e.message for e in self.validator.iter_errors(action)], [])
            self.assertEqual(set(action["outputs"]), {"result", "status", "changed"})

    def test_negative_controls_fail(self):
        action = self.actions[0]
        first = next(iter(action["inputs"]))

        def no_description(d):
            del d["inputs"][first]["description"]

        def not_composite(d):
            d["runs"]["using"] = "composite-ish"

        def output_without_value(d):
            del d["outputs"]["result"]["value"]

        for change in (no_description, not_composite, output_without_value):
            self.assertFalse(self.validator.is_valid(es.mutated(action, change)),
                             change.__name__)


if __name__ == "__main__":
    unittest.main()

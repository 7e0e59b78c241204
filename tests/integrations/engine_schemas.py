"""Validators for the vendored engine schemas (integrations/schemas), with each engine's
dialect: Argo's draft 2020-12 definitions, StackStorm's draft-4 with draft-3 per-property
required, GitHub's draft-07."""
import copy
import glob
import json
import os

import jsonschema
import yaml

import integration_support as support

SCHEMAS = os.path.join(support.INTEGRATIONS, "schemas")


def load_schema(name):
    with open(os.path.join(SCHEMAS, name), encoding="utf-8") as f:
        return json.load(f)


def load_yaml(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def argo_validator(definition="io.argoproj.workflow.v1alpha1.WorkflowTemplate"):
    schema = load_schema("argo-workflows.schema.json")
    return jsonschema.Draft202012Validator({"$ref": f"#/definitions/{definition}",
                                            "definitions": schema["definitions"]})


def _required_list_only(validator, required, instance, schema):
    # Draft-3 style "required: true" sits on properties (handled by properties_draft3).
    if isinstance(required, list):
        yield from jsonschema.Draft4Validator.VALIDATORS["required"](
            validator, required, instance, schema)


# As st2 does: draft-4's validators with draft-3's properties (per-property required: true).
StackStormValidator = jsonschema.validators.extend(
    jsonschema.Draft4Validator,
    {"properties": jsonschema.Draft3Validator.VALIDATORS["properties"],
     "required": _required_list_only})


def stackstorm_validator(name):
    return StackStormValidator(load_schema(name))


def stackstorm_parameters_errors(parameters):
    """st2 validates an action's parameters (and a config schema) as the properties of an
    object against action_params.json."""
    validator = stackstorm_validator("stackstorm-action-params.schema.json")
    return list(validator.iter_errors({"type": "object", "properties": parameters}))


def github_validator():
    return jsonschema.Draft7Validator(load_schema("github-action.schema.json"))


def generated(pattern):
    return sorted(glob.glob(os.path.join(support.INTEGRATIONS, pattern)))


def mutated(document, change):
    document = copy.deepcopy(document)
    change(document)
    return document

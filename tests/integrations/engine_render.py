"""Renders a generated step with concrete values the way its engine would, and runs its
command against the emulator: Argo substitutes {{inputs.parameters.x}} into the script step's
environment and runs its source with sh; a GitHub composite action evaluates ${{ inputs.x }}
in the step's env and runs it with bash -eo pipefail; StackStorm calls the entry point's run()
with the metadata's defaults filled in."""
import importlib.util
import os
import re
import sys
import tempfile
import types

import integration_support as support

ARGO_PARAMETER = re.compile(r"\{\{inputs\.parameters\.([A-Za-z0-9_-]+)\}\}")
GITHUB_INPUT = re.compile(r"\$\{\{ inputs\.([A-Za-z0-9_-]+) \}\}")


def _path_with_actionhost():
    return os.path.dirname(support.BIN) + os.pathsep + os.environ.get("PATH", "")


def argo_step(template, values, config_file):
    """(argv, env, script text) of an Argo script template given its input values."""
    defaults = {p["name"]: p.get("value") for p in template["inputs"]["parameters"]}
    given = dict(defaults, **values)
    missing = [n for n, v in given.items() if v is None]
    if missing:
        raise ValueError(f"Argo would refuse the step: no value for {missing}")
    env = support.clean_env(PATH=_path_with_actionhost(),
                            ACTIONHOST_PLUGIN_PATH=support.PLUGIN_DIR)
    for entry in template["script"]["env"]:
        env[entry["name"]] = ARGO_PARAMETER.sub(lambda m: str(given[m.group(1)]),
                                                entry["value"])
    env["ACTIONHOST_CONFIG"] = config_file  # where the Secret would be mounted
    return template["script"]["command"], env, template["script"]["source"]


def run_argo_step(template, values, config_file, tmp):
    command, env, source = argo_step(template, values, config_file)
    script = os.path.join(tmp, "script")  # Argo stages the source as a file
    with open(script, "w", encoding="utf-8") as f:
        f.write(source)
    return support.run(command + [script], env=env)


def run_github_action(action, inputs, tmp):
    """(process, outputs dict) of the composite action's one step."""
    step = action["runs"]["steps"][0]
    given = {n: i.get("default", "") for n, i in action["inputs"].items()}
    for name, entry in action["inputs"].items():
        if entry.get("required") and name not in inputs:
            raise ValueError(f"GitHub would refuse the step: required input {name}")
    given.update(inputs)
    output_file = os.path.join(tmp, "github_output")
    open(output_file, "w").close()
    env = support.clean_env(PATH=_path_with_actionhost(), GITHUB_OUTPUT=output_file,
                            RUNNER_TEMP=tmp, ACTIONHOST_PLUGIN_PATH=support.PLUGIN_DIR)
    for name, value in step["env"].items():
        env[name] = GITHUB_INPUT.sub(lambda m: str(given[m.group(1)]), value)
    script = os.path.join(tmp, "step.sh")
    with open(script, "w", encoding="utf-8") as f:
        f.write(step["run"])
    proc = support.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", script], env=env)
    with open(output_file, encoding="utf-8") as f:
        return proc, parse_github_output(f.read())


def parse_github_output(text):
    outputs, lines = {}, iter(text.splitlines())
    for line in lines:
        if "<<" in line:
            name, delimiter = line.split("<<", 1)
            body = []
            for inner in lines:
                if inner == delimiter:
                    break
                body.append(inner)
            outputs[name] = "\n".join(body)
        elif "=" in line:
            name, value = line.split("=", 1)
            outputs[name] = value
    return outputs


def stackstorm_entry_point(path):
    """The pack's entry point, imported with a stand-in for st2's Action base class."""
    base_action = types.ModuleType("st2common.runners.base_action")

    class Action:
        def __init__(self, config=None):
            self.config = config

    base_action.Action = Action
    for name in ("st2common", "st2common.runners"):
        sys.modules.setdefault(name, types.ModuleType(name))
    sys.modules["st2common.runners.base_action"] = base_action
    spec = importlib.util.spec_from_file_location("actionhost_action", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.ActionhostAction


def run_stackstorm_action(entry_class, metadata, config, values, tmp):
    """Fills defaults as st2 does, then run(); mkstemp's files go to tmp (checked after)."""
    kwargs = {n: p.get("default") for n, p in metadata["parameters"].items()}
    kwargs.update(values)
    missing = [n for n, p in metadata["parameters"].items()
               if p.get("required") and kwargs.get(n) is None]
    if missing:
        raise ValueError(f"StackStorm would refuse the action: {missing}")
    saved, tempfile.tempdir = tempfile.tempdir, tmp
    try:
        return entry_class(config).run(**kwargs)
    finally:
        tempfile.tempdir = saved

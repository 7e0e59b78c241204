"""The POSIX shell glue shared by the container and composite-action integrations: parameters
and config fields arrive as environment variables and become JSON documents for actionhost."""
import os
import re

RUNTIME = os.path.join(os.path.dirname(__file__), "runtime", "json_from_env.sh")
PARAM_PREFIX = "AH_PARAM_"
CONFIG_PREFIX = "AH_CONFIG_"


def builder_function():
    with open(RUNTIME, encoding="utf-8") as f:
        return f.read()


def specs(fields):
    """'Name:type ...' for ah_json; names are checked, since they become variable names."""
    for field in fields:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", field.name):
            raise ValueError(f"{field.name!r} cannot be an environment variable name")
    return " ".join(f"{f.name}:{f.type}" for f in fields)

"""What every engine integration needs to know about a plugin, derived from its manifest alone
(plus the small per-plugin settings file): names, option types, secrets, dry run, read-only
actions and the exit codes worth retrying."""
import json
import re

# The host's exit code for each error class (README "Exit codes"); cancelled depends on the signal.
EXIT_CODE_FOR_CLASS = {"usage": 2, "credentials": 3, "precondition": 4, "remote": 5,
                       "transient": 6, "timeout": 7, "internal": 1}

DRY_RUN_NAMES = ("dryrun", "dry_run", "checkmode", "check_mode")


def snake_case(name):
    """UHostId -> uhost_id, WaitTimeoutSeconds -> wait_timeout_seconds, base_url -> base_url:
    words split where a lower-case letter or digit meets a capital (the API's own spelling)."""
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def json_types(schema):
    """The JSON types a schema allows, 'null' dropped (null means "not given" to every engine)."""
    kinds = schema.get("type")
    if kinds is None and "oneOf" in schema:
        kinds = [s.get("type") for s in schema["oneOf"]]
    if isinstance(kinds, str):
        kinds = [kinds]
    return [k for k in (kinds or []) if k and k != "null"]


def main_type(schema):
    kinds = json_types(schema)
    return kinds[0] if len(kinds) == 1 else ("string" if not kinds else "raw")


class Field:
    """One property of a params or config schema."""

    def __init__(self, name, schema, required):
        self.name = name
        self.schema = schema
        self.required = required
        self.snake = snake_case(name)
        self.type = main_type(schema)
        self.description = schema.get("description", name)
        self.default = schema.get("default")
        self.has_default = "default" in schema
        self.choices = schema.get("enum")
        self.secret = bool(schema.get("writeOnly"))
        self.examples = schema.get("examples", [])


def fields_of(schema):
    required = set(schema.get("required", []))
    return [Field(n, s, n in required) for n, s in schema.get("properties", {}).items()]


class Action:
    def __init__(self, plugin, document, read_only_names):
        self.plugin = plugin
        self.name = document["name"]
        self.snake = snake_case(self.name)
        self.description = document.get("description", self.name)
        self.params_schema = document["params_schema"]
        self.result_schema = document["result_schema"]
        self.params = fields_of(self.params_schema)
        changed = self.result_schema.get("properties", {}).get("changed", {})
        # Read-only: named so in the settings, or its result can never report a change.
        self.read_only = self.name in read_only_names or changed.get("const") is False
        self.dry_run = next((f for f in self.params if f.type == "boolean"
                             and f.snake.replace("_", "") in {n.replace("_", "")
                                                               for n in DRY_RUN_NAMES}), None)
        statuses = self.result_schema.get("properties", {}).get("status", {}).get("enum", [])
        # A dry run reports what a real run would do with a status spelt would_<verb>.
        self.would_change_statuses = [s for s in statuses if s.startswith("would_")]

    @property
    def qualified(self):
        return f"{self.plugin.name}.{self.name}"

    def result_fields(self):
        return fields_of(self.result_schema)


class Plugin:
    def __init__(self, manifest, settings):
        self.manifest = manifest
        self.settings = settings
        self.name = manifest["name"]
        self.version = manifest["version"]
        self.description = manifest["description"]
        self.errors = manifest["errors"]
        env = settings.get("config_env_fallbacks", {})
        self.config = fields_of(manifest["config_schema"])
        for field in self.config:
            field.env = env.get(field.name)
        read_only = set(settings.get("read_only_actions", []))
        self.actions = [Action(self, a, read_only) for a in manifest["actions"]]

    def retryable_exit_codes(self):
        """Exit codes of the classes all of whose errors are retryable. A class that mixes
        retryable and final errors is not retried: its exit code cannot tell them apart."""
        by_class = {}
        for error in self.errors.values():
            by_class.setdefault(error["class"], []).append(bool(error["retryable"]))
        return sorted(EXIT_CODE_FOR_CLASS[c] for c, flags in by_class.items()
                      if c in EXIT_CODE_FOR_CLASS and all(flags))


def load(manifest_path, settings):
    with open(manifest_path, encoding="utf-8") as f:
        return Plugin(json.load(f), settings)

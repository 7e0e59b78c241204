#!/usr/bin/env python3
"""Checks plugin manifests, and the plugins built from them.

    check_manifests.py manifests --schema manifest.schema.json [--plugin LIB]...
                       [--require-plugin-for DIR]... MANIFEST_OR_DIR...
    check_manifests.py exports LIB...
    check_manifests.py host-vocabulary --host-source DIR MANIFEST_OR_DIR...
    check_manifests.py self-test --schema manifest.schema.json

manifests: every manifest (a directory means its *.json files, *.schema.json excepted) must
  validate against the manifest schema; every embedded schema (config_schema, params_schema,
  result_schema) must be a valid JSON Schema of its declared draft (2020-12 when none); action
  names must be unique; "errors" must declare exactly the error types the result schemas
  allow. Each --plugin library is matched to the manifest whose "library" is its
  file name and must return, through ctypes, exactly the file's bytes from ah_plugin_manifest()
  and the manifest's api_version from ah_plugin_api_version(). Every manifest under a
  --require-plugin-for directory must have its plugin passed (real plugins are always checked).
host-vocabulary: no error type a manifest declares (other than the host's own) is named in the
  host's source: the host maps declared classes to exit codes and knows no plugin's vocabulary.
exports: each library must export all seven ah_plugin_* functions and no other defined dynamic
  symbol (nm -D --defined-only), which is what the linker version script is for.
self-test: feeds broken manifests and libraries to the checks above and requires each to be
  refused, so that a passing run means something.

Output is one "ok"/"not ok" line per check; the exit status is 1 when any check failed.
"""

import argparse
import copy
import ctypes
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile

try:
    import jsonschema
    from jsonschema import validators
except ImportError:  # a missing dependency is a failure, not a skip
    sys.stderr.write("check_manifests.py: python3-jsonschema is required (apt-get install "
                     "python3-jsonschema)\n")
    sys.exit(1)

import plugin_abi  # noqa: E402  (tests/support, on PYTHONPATH)

REQUIRED_EXPORTS = {
    "ah_plugin_api_version", "ah_plugin_manifest", "ah_plugin_create", "ah_plugin_destroy",
    "ah_plugin_invoke", "ah_plugin_last_error", "ah_plugin_cancel",
}
DRAFTS = {
    "https://json-schema.org/draft/2020-12/schema": jsonschema.Draft202012Validator,
    "http://json-schema.org/draft-07/schema#": jsonschema.Draft7Validator,
    "http://json-schema.org/draft-07/schema": jsonschema.Draft7Validator,
}


class Report:
    def __init__(self, quiet=False):
        self.count = 0
        self.failures = 0
        self.quiet = quiet

    def check(self, condition, description, detail=None):
        self.count += 1
        if not condition:
            self.failures += 1
        if not self.quiet:
            print("%s %d - %s" % ("ok" if condition else "not ok", self.count, description))
            if not condition and detail:
                for line in str(detail).splitlines():
                    print("#   " + line)
        return condition


def manifest_files(paths):
    files = []
    for path in map(pathlib.Path, paths):
        if path.is_dir():
            files.extend(sorted(p for p in path.glob("*.json")
                                if not p.name.endswith(".schema.json")))
        else:
            files.append(path)
    return files


def embedded_schemas(manifest):
    """(where, schema) for every schema a manifest embeds."""
    if "config_schema" in manifest:
        yield "config_schema", manifest["config_schema"]
    for index, action in enumerate(manifest.get("actions") or []):
        if not isinstance(action, dict):
            continue
        name = action.get("name", "#%d" % index)
        for key in ("params_schema", "result_schema"):
            if key in action:
                yield "actions[%s].%s" % (name, key), action[key]


def check_manifest_document(report, label, raw, schema):
    """Schema, embedded schemas and unique action names. Returns the parsed manifest or None."""
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        report.check(False, "%s is UTF-8 JSON" % label, error)
        return None
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(manifest),
                    key=lambda e: list(e.absolute_path))
    report.check(not errors, "%s conforms to manifest.schema.json" % label,
                 "\n".join("%s: %s" % ("/".join(map(str, e.absolute_path)) or "(root)",
                                       e.message) for e in errors))
    if not isinstance(manifest, dict):
        return None
    for where, embedded in embedded_schemas(manifest):
        draft = embedded.get("$schema") if isinstance(embedded, dict) else None
        validator = DRAFTS.get(draft or "https://json-schema.org/draft/2020-12/schema")
        if validator is None:
            report.check(False, "%s %s declares a supported draft" % (label, where),
                         "unsupported $schema %r" % draft)
            continue
        try:
            validator.check_schema(embedded)
            valid, detail = True, None
        except jsonschema.exceptions.SchemaError as error:
            valid, detail = False, error.message
        report.check(valid, "%s %s is a valid %s schema" % (label, where, validator.__name__),
                     detail)
    names = [a.get("name") for a in manifest.get("actions") or [] if isinstance(a, dict)]
    duplicates = sorted({n for n in names if names.count(n) > 1}, key=str)
    report.check(not duplicates, "%s action names are unique" % label,
                 "duplicated: %s" % ", ".join(map(str, duplicates)))
    problems = error_vocabulary_problems(manifest)
    report.check(not problems, "%s declares exactly the error types its result schemas allow"
                 % label, "\n".join(problems))
    return manifest


def error_vocabulary_problems(manifest):
    """Where "errors" and result_schema.properties.error.properties.type.enum disagree (the
    rule `actionhost check` applies)."""
    declared = manifest.get("errors") if isinstance(manifest.get("errors"), dict) else {}
    problems, listed = [], set()
    for action in manifest.get("actions") or []:
        if not isinstance(action, dict):
            continue
        node = action.get("result_schema")
        for key in ("properties", "error", "properties", "type"):
            node = node.get(key) if isinstance(node, dict) else None
        allowed = node.get("enum") if isinstance(node, dict) else None
        if not isinstance(allowed, list):
            problems.append("action %r: result_schema lists no error types" % action.get("name"))
            continue
        listed.update(t for t in allowed if isinstance(t, str))
        problems += ["action %r can return %r, which errors does not declare"
                     % (action.get("name"), t) for t in allowed if t not in declared]
    problems += ["errors declares %r, which no result schema lists" % t
                 for t in sorted(set(declared) - listed)]
    return problems


def run_host_vocabulary(report, host_source, paths):
    """No plugin's error type is named anywhere in the host's source: the host maps classes,
    not names. The host's own types (error_type:: in exit_codes.hpp) may coincide."""
    host_files = [p for p in pathlib.Path(host_source).rglob("*") if p.is_file()]
    own = set()
    for path in host_files:
        if path.name == "exit_codes.hpp":
            own.update(re.findall(r'std::string_view \w+ = "(\w+)";', path.read_text()))
    report.check(len(own) >= 5, "the host's own error types are read from exit_codes.hpp",
                 "found %s" % sorted(own))
    texts = {path: path.read_text(errors="replace") for path in host_files}
    checked = 0
    for path in manifest_files(paths):
        manifest = json.loads(path.read_bytes())
        plugin_types = sorted(set(manifest.get("errors") or {}) - own)
        checked += len(plugin_types)
        for error_type in plugin_types:
            pattern = re.compile(r"\b%s\b" % re.escape(error_type))
            found = [str(p) for p, text in texts.items() if pattern.search(text)]
            report.check(not found, "%s: %s appears nowhere in the host's source"
                         % (path.name, error_type), "found in %s" % ", ".join(found))
    report.check(checked >= 10, "the manifests declare error types of their own to look for",
                 "only %d" % checked)


def check_plugin_against_manifest(report, library, manifest_path, raw, manifest):
    label = "%s (%s)" % (library.name, manifest_path.name)
    try:
        lib = plugin_abi.load_library(str(library))  # every export declared, as all hosts do
        embedded = ctypes.string_at(lib.ah_plugin_manifest())
        api_version = ctypes.string_at(lib.ah_plugin_api_version()).decode("utf-8", "replace")
    except (OSError, AttributeError, ValueError) as error:
        report.check(False, "%s loads and exports the manifest functions" % label, error)
        return
    report.check(embedded == raw, "%s ah_plugin_manifest() is exactly the file's bytes" % label,
                 "embedded %d bytes, file %d bytes" % (len(embedded), len(raw)))
    declared = manifest.get("api_version") if isinstance(manifest, dict) else None
    report.check(api_version == declared,
                 "%s ah_plugin_api_version() equals the manifest's api_version" % label,
                 "library says %r, manifest says %r" % (api_version, declared))


def run_manifests(report, schema_path, paths, plugins, required_dirs):
    schema = json.loads(pathlib.Path(schema_path).read_text(encoding="utf-8"))
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
        report.check(True, "manifest.schema.json is a valid draft 2020-12 schema")
    except jsonschema.exceptions.SchemaError as error:
        report.check(False, "manifest.schema.json is a valid draft 2020-12 schema", error.message)
        return
    files = manifest_files(paths)
    report.check(bool(files), "manifests were found", "none in %s" % ", ".join(paths))
    libraries = {pathlib.Path(p).name: pathlib.Path(p) for p in plugins}
    matched = set()
    required = [pathlib.Path(d).resolve() for d in required_dirs]
    for path in files:
        raw = path.read_bytes()
        manifest = check_manifest_document(report, path.name, raw, schema)
        library_name = manifest.get("library") if isinstance(manifest, dict) else None
        library = libraries.get(library_name) if isinstance(library_name, str) else None
        if library is not None:
            matched.add(library.name)
            check_plugin_against_manifest(report, library, path, raw, manifest)
        elif path.resolve().parent in required:
            report.check(False, "%s: its plugin %s was built and checked" % (path.name,
                                                                             library_name),
                         "no --plugin argument names %s" % library_name)
    for name in sorted(set(libraries) - matched):
        report.check(False, "plugin %s has a manifest naming it" % name,
                     "no manifest has \"library\": %r" % name)


def defined_dynamic_symbols(library):
    output = subprocess.run(["nm", "-D", "--defined-only", str(library)], check=True,
                            capture_output=True, text=True).stdout
    return {line.split()[-1] for line in output.splitlines() if line.strip()}


def run_exports(report, libraries):
    report.check(bool(libraries), "at least one plugin library to check")
    for library in map(pathlib.Path, libraries):
        try:
            symbols = defined_dynamic_symbols(library)
        except (OSError, subprocess.CalledProcessError) as error:
            report.check(False, "nm -D --defined-only %s" % library.name, error)
            continue
        # nm may show a versioned name as name@@VERSION.
        names = {symbol.split("@")[0] for symbol in symbols}
        missing = REQUIRED_EXPORTS - names
        extra = sorted(n for n in names if not n.startswith("ah_plugin_"))
        report.check(not missing, "%s exports every ah_plugin_* function" % library.name,
                     "missing: %s" % ", ".join(sorted(missing)))
        report.check(not extra, "%s exports nothing but ah_plugin_*" % library.name,
                     "%d other symbols, e.g. %s" % (len(extra), ", ".join(extra[:10])))


def run_self_test(report, schema_path, good_manifest, good_library):
    """Every broken input must be refused by the checks above."""
    base = json.loads(pathlib.Path(good_manifest).read_bytes())

    def refused(mutate, description):
        manifest = copy.deepcopy(base)
        mutate(manifest)
        with tempfile.TemporaryDirectory() as directory:
            path = pathlib.Path(directory, "broken.json")
            path.write_text(json.dumps(manifest), encoding="utf-8")
            inner = Report(quiet=True)
            run_manifests(inner, schema_path, [str(path)], [], [])
        report.check(inner.failures > 0, "refused: " + description)

    def set_key(key, value):
        return lambda m: m.__setitem__(key, value)

    def drop(key):
        return lambda m: m.pop(key)

    for key in ("name", "version", "api_version", "description", "library", "config_schema",
                "errors", "actions"):
        refused(drop(key), "a manifest without %s" % key)
    refused(set_key("extra", 1), "an unknown top-level member")
    refused(lambda m: m["errors"].__setitem__("NeverListed", {
        "class": "remote", "retryable": False, "description": "d"}),
        "a declared error type that no result schema lists")
    refused(lambda m: m["errors"].pop(sorted(m["errors"])[0]),
            "a result schema listing an undeclared error type")
    refused(lambda m: m["errors"][sorted(m["errors"])[0]].__setitem__("class", "fatal"),
            "an error class that is not one of the fixed set")
    refused(lambda m: m["actions"][0]["result_schema"]["properties"].pop("error"),
            "a result schema that does not list its error types")
    refused(set_key("name", "Bad Name"), "a name that is not a plugin name")
    refused(set_key("api_version", "1.0"), "an api_version that is not MAJOR.MINOR.PATCH")
    refused(set_key("library", "../lib/evil.so"), "a library with a directory part")
    refused(set_key("actions", []), "no actions")
    refused(lambda m: m["actions"].append(copy.deepcopy(m["actions"][0])),
            "duplicated action names")
    refused(lambda m: m["actions"][0].pop("result_schema"), "an action without result_schema")
    refused(lambda m: m["actions"][0].__setitem__("extra", True), "an unknown action member")
    refused(lambda m: m["actions"][0]["params_schema"].__setitem__("type", "array"),
            "a params_schema that is not an object schema")
    refused(lambda m: m["actions"][0]["params_schema"].__setitem__("properties", {"x": 5}),
            "an invalid embedded schema (properties.x is not a schema)")
    refused(lambda m: m["config_schema"].__setitem__("required", "greeting"),
            "an invalid config_schema (required is not an array)")
    refused(lambda m: m["config_schema"].__setitem__(
        "$schema", "http://json-schema.org/draft-04/schema#"), "an unsupported draft")
    refused(lambda m: m["actions"][0]["result_schema"].update(
        {"$schema": "http://json-schema.org/draft-07/schema#", "minProperties": -1}),
        "an invalid draft-07 embedded schema")

    with tempfile.TemporaryDirectory() as directory:
        not_json = pathlib.Path(directory, "broken.json")
        not_json.write_bytes(b"{\"name\": ")
        inner = Report(quiet=True)
        run_manifests(inner, schema_path, [str(not_json)], [], [])
        report.check(inner.failures > 0, "refused: a manifest that is not JSON")

        # The plugin's embedded manifest differs from the file by one byte.
        drifted = pathlib.Path(directory, "drifted.json")
        drifted.write_bytes(pathlib.Path(good_manifest).read_bytes() + b"\n")
        inner = Report(quiet=True)
        run_manifests(inner, schema_path, [str(drifted)], [good_library], [])
        report.check(inner.failures > 0, "refused: a plugin whose embedded manifest drifted")

        # A manifest declaring another api_version than the library.
        other_api = copy.deepcopy(base)
        other_api["api_version"] = "1.99.0"
        other_path = pathlib.Path(directory, "other-api.json")
        other_path.write_text(json.dumps(other_api), encoding="utf-8")
        inner = Report(quiet=True)
        run_manifests(inner, schema_path, [str(other_path)], [good_library], [])
        report.check(inner.failures > 0, "refused: a manifest whose api_version the plugin "
                     "does not report")

        # A required directory whose manifest has no built plugin.
        inner = Report(quiet=True)
        good_copy = pathlib.Path(directory, "required")
        good_copy.mkdir()
        (good_copy / "plugin.json").write_bytes(pathlib.Path(good_manifest).read_bytes())
        run_manifests(inner, schema_path, [str(good_copy)], [], [str(good_copy)])
        report.check(inner.failures > 0, "refused: a real plugin's manifest without its plugin")

        # A library exporting more than ah_plugin_*: the C host built from tests, or libc.
        leaky = pathlib.Path(directory, "libleaky.so")
        source = pathlib.Path(directory, "leaky.c")
        source.write_text("int helper(void) { return 1; }\n"
                          "const char* ah_plugin_api_version(void) { return \"1.0.0\"; }\n")
        compiler = os.environ.get("CC", "cc")
        built = subprocess.run([compiler, "-shared", "-fPIC", "-o", str(leaky), str(source)],
                               capture_output=True).returncode == 0
        if report.check(built, "build a leaky test library with %s" % compiler):
            inner = Report(quiet=True)
            run_exports(inner, [str(leaky)])
            report.check(inner.failures >= 2, "refused: a library that exports other symbols "
                         "and lacks ah_plugin_* functions")

    # The good inputs pass, so the refusals above are not a checker that refuses everything.
    inner = Report(quiet=True)
    run_manifests(inner, schema_path, [good_manifest], [good_library], [])
    run_exports(inner, [good_library])
    report.check(inner.failures == 0 and inner.count > 5, "accepted: the good manifest and plugin")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    manifests = sub.add_parser("manifests")
    manifests.add_argument("--schema", required=True)
    manifests.add_argument("--plugin", action="append", default=[])
    manifests.add_argument("--require-plugin-for", action="append", default=[])
    manifests.add_argument("paths", nargs="+")
    exports = sub.add_parser("exports")
    exports.add_argument("libraries", nargs="+")
    vocabulary = sub.add_parser("host-vocabulary")
    vocabulary.add_argument("--host-source", required=True)
    vocabulary.add_argument("paths", nargs="+")
    self_test = sub.add_parser("self-test")
    self_test.add_argument("--schema", required=True)
    self_test.add_argument("--manifest", required=True, help="a good manifest")
    self_test.add_argument("--plugin", required=True, help="the plugin built from it")
    args = parser.parse_args()

    report = Report()
    if args.command == "manifests":
        run_manifests(report, args.schema, args.paths, args.plugin, args.require_plugin_for)
    elif args.command == "exports":
        run_exports(report, args.libraries)
    elif args.command == "host-vocabulary":
        run_host_vocabulary(report, args.host_source, args.paths)
    else:
        run_self_test(report, args.schema, args.manifest, args.plugin)
    print("1..%d" % report.count)
    if report.failures:
        print("# FAILED %d of %d" % (report.failures, report.count))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

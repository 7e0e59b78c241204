#!/usr/bin/python3
"""Generates the engine integrations of one actionhost plugin from its manifest.

    /usr/bin/python3 integrations/generate/generate.py integrations/PLUGIN.settings.json
    /usr/bin/python3 integrations/generate/generate.py --check integrations/*.settings.json

The settings file names the manifest and, per engine, where the output goes and the names the
engine shows (collection, pack, image...). Each engine's output folder belongs to the generator:
--check exits 1 when a file differs, is missing or should no longer exist (the freshness test).
"""
import argparse
import os
import sys
import json

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import manifest_model  # noqa: E402
import emit_ansible  # noqa: E402
import emit_argo  # noqa: E402
import emit_github  # noqa: E402
import emit_stackstorm  # noqa: E402

EMITTERS = {"ansible": emit_ansible, "argo": emit_argo, "stackstorm": emit_stackstorm,
            "github": emit_github}


def generate(settings_path):
    """{path relative to the settings file's folder: text} and the folders owned."""
    with open(settings_path, encoding="utf-8") as f:
        settings = json.load(f)
    base = os.path.dirname(os.path.abspath(settings_path))
    plugin = manifest_model.load(os.path.join(base, settings["manifest"]), settings)
    files, owned = {}, []
    for engine, emitter in EMITTERS.items():
        if engine in settings:
            files.update(emitter.generate(plugin))
            owned.append(settings[engine]["out"])
    return base, files, owned


def existing_files(base, owned):
    found = set()
    for out in owned:
        path = os.path.join(base, out)
        if os.path.isfile(path):
            found.add(out)
        for root, dirs, names in os.walk(path):
            # tests/ under an output folder is written by hand (the engine's own test targets).
            dirs[:] = [d for d in dirs if d != "__pycache__"
                       and not (d == "tests" and root == path)]
            for name in names:
                found.add(os.path.relpath(os.path.join(root, name), base))
    return found


def check(base, files, owned):
    problems = []
    for rel, text in sorted(files.items()):
        path = os.path.join(base, rel)
        if not os.path.exists(path):
            problems.append(f"missing: {rel}")
        else:
            with open(path, encoding="utf-8") as f:
                if f.read() != text:
                    problems.append(f"differs: {rel}")
    for rel in sorted(existing_files(base, owned) - set(files)):
        problems.append(f"not generated (stale): {rel}")
    return problems


def write(base, files, owned):
    for rel in existing_files(base, owned) - set(files):
        os.unlink(os.path.join(base, rel))
    for rel, text in files.items():
        path = os.path.join(base, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        if text.startswith("#!"):
            os.chmod(path, 0o755)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("settings", nargs="+", help="a plugin's integrations settings file")
    parser.add_argument("--check", action="store_true",
                        help="compare with the files on disk instead of writing them")
    args = parser.parse_args(argv)
    failed = False
    for settings_path in args.settings:
        base, files, owned = generate(settings_path)
        if args.check:
            problems = check(base, files, owned)
            for problem in problems:
                print(f"{settings_path}: {problem}", file=sys.stderr)
            failed = failed or bool(problems)
        else:
            write(base, files, owned)
            print(f"{settings_path}: {len(files)} files", file=sys.stderr)
    if failed:
        print("integrations are stale: run integrations/generate/generate.py", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

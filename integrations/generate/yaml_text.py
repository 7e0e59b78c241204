"""YAML text for generated files: keys in the order given, long lines kept whole, so a fresh
generation is byte for byte the same."""
import yaml


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow=False, indentless=False):
        # Lists indented under their key, as ansible-lint and most engines' examples write them.
        return super().increase_indent(flow, False)

    def ignore_aliases(self, data):
        return True  # a value written twice stays two values, not an anchor and an alias


def _text(dumper, value):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def dump(document):
    return yaml.dump(document, Dumper=_Dumper, sort_keys=False, default_flow_style=False,
                     allow_unicode=True, width=100)

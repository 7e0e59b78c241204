#!/usr/bin/env python3
"""Runs one action of an actionhost plugin in this Python process, through the actionhost binding.

Usage: run_action.py [--plugin-path DIR] [--config JSON] [--timeout SECONDS] PLUGIN ACTION [PARAMS]

PLUGIN is a name (found in --plugin-path, then ACTIONHOST_PLUGIN_PATH) or a path to the library.
Prints the result on stdout and exits as actionhost does: 0 on success, else by the error's class
(2 usage, 3 credentials, 4 precondition, 5 remote, 6 transient, 7 timeout, 1 otherwise), 8 when
the plugin cannot be loaded, 130 after Ctrl-C (which cancels the action first).
"""

import argparse
import json
import logging
import sys

import actionhost


class EventFormatter(logging.Formatter):
    """name LEVEL event: message, where `event` is the plugin event's name."""

    def format(self, record: logging.LogRecord) -> str:
        return "%s %s %s: %s" % (record.name, record.levelname, getattr(record, "event", "-"),
                                 record.getMessage())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plugin-path", help="plugin folders, colon-separated")
    parser.add_argument("--config", default=None, help="the instance config (JSON)")
    parser.add_argument("--timeout", type=float, default=None, help="seconds, then cancel")
    parser.add_argument("plugin")
    parser.add_argument("action")
    parser.add_argument("params", nargs="?", default="{}")
    args = parser.parse_args()
    # The plugin's log events arrive on the "actionhost.<plugin>" loggers, fields as attributes.
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(EventFormatter())
    logging.getLogger("actionhost").addHandler(handler)
    logging.getLogger("actionhost").setLevel(logging.INFO)

    try:
        plugin = actionhost.load(args.plugin, plugin_path=args.plugin_path)
    except actionhost.ActionhostError as error:  # not found, failed to load, incompatible
        print("run_action: %s" % error, file=sys.stderr)
        return actionhost.exit_codes.for_exception(error)
    try:
        with plugin.instance(args.config) as instance:
            result = instance.invoke(args.action, args.params, timeout=args.timeout)
    except actionhost.InstanceCreateFailed as error:
        print("run_action: %s" % error, file=sys.stderr)
        return actionhost.exit_codes.for_exception(error)
    except actionhost.ActionError as error:
        print(json.dumps(error.result))
        print("run_action: %s (class %s, retryable %s)" % (error, error.error_class,
                                                         error.retryable), file=sys.stderr)
        return actionhost.exit_codes.for_exception(error)
    except KeyboardInterrupt:  # raised after the plugin returned from its cancelled call
        print("run_action: interrupted; the action was cancelled", file=sys.stderr)
        return actionhost.exit_codes.SIGINT
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())

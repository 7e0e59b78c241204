"""How a failed action travels through Celery: as ActionFailed, which ends the task in FAILURE
(not SUCCESS) and carries the plugin's whole result and the exit code `actionhost run` would give
it. Its args are plain JSON, so the result backend stores them as they are and actionhost-fleet
(or any client importing this module) gets the exception back with both."""

from typing import Any, Dict


class ActionFailed(Exception):
    """args: (result dict with ok false and an error object, exit code)."""

    def __init__(self, result: Dict[str, Any], exit_code: int) -> None:
        super().__init__(result, exit_code)

    @property
    def result(self) -> Dict[str, Any]:
        return self.args[0]

    @property
    def exit_code(self) -> int:
        return int(self.args[1])

    def __str__(self) -> str:
        error = self.result.get("error") if isinstance(self.result.get("error"), dict) else {}
        return "%s: %s (exit %d)" % (error.get("type", "InternalError"),
                                     error.get("message", ""), self.exit_code)


def error_result(error_type: str, message: str, retryable: bool = False) -> Dict[str, Any]:
    """A failure result in the plugins' shape, for failures the integration reports itself."""
    return {"ok": False, "error": {"type": error_type, "message": message,
                                   "retryable": retryable}}

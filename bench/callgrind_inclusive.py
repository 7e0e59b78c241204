"""Inclusive instruction counts from `callgrind_annotate --inclusive=yes` output, for the bench
drivers that count instructions (instructions.sh, batch_instructions.sh)."""
import re


class InclusiveCounts:
    """The program's total, and each function's inclusive count, from one annotate listing."""

    def __init__(self, path):
        self.total = None
        self.by_function = {}
        for line in open(path):
            m = re.match(r"\s*([\d,]+)\s+(?:\(\s*[\d.]+%\)\s+)?PROGRAM TOTALS", line)
            if m:
                self.total = int(m.group(1).replace(",", ""))
                continue
            # "  12,345 (20.19%)  file:function [object]": a function is found by a fragment.
            m = re.match(r"\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(.+)$", line)
            if m:
                name, count = m.group(2), int(m.group(1).replace(",", ""))
                self.by_function[name] = max(self.by_function.get(name, 0), count)
        if self.total is None:
            raise SystemExit(f"{path}: no PROGRAM TOTALS in callgrind_annotate's output")

    def cost(self, fragment):
        """The largest inclusive count of a function whose name holds `fragment` (0 if none)."""
        return max((v for k, v in self.by_function.items() if fragment in k), default=0)
